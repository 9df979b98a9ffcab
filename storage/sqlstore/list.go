package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// List implements incident.Repository with one keyset query: the filter becomes a
// WHERE clause on indexed columns, the order an ORDER BY on an index, and the cursor
// a row-value comparison with the last row of the previous page. States and
// priorities are validated enums written as literals, so that a planner can match
// them against a partial index.
func (r *Incidents) List(ctx context.Context, tenant itsm.Tenant, filter incident.Filter, page incident.Page) ([]*incident.Incident, string, error) {
	if err := filter.Validate(); err != nil {
		return nil, "", err
	}
	limit, err := page.Size()
	if err != nil {
		return nil, "", err
	}
	var after *incident.Cursor
	if page.Cursor != "" {
		c, err := incident.ParseCursor(page.Cursor, page.Order)
		if err != nil {
			return nil, "", err
		}
		if err := r.s.d.checkCursor(c); err != nil {
			return nil, "", err
		}
		after = &c
	}
	query, args := r.listQuery(tenant, filter, page.Order, after, limit+1)
	out, err := r.list(ctx, query, args)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = incident.CursorAfter(out[limit-1], page.Order).String()
	}
	return out, next, nil
}

// listBuilder writes a query and its arguments side by side.
type listBuilder struct {
	d    *dialect
	b    strings.Builder
	args []any
}

func (l *listBuilder) sql(s string) *listBuilder {
	l.b.WriteString(s)
	return l
}

func (l *listBuilder) arg(v any) *listBuilder {
	l.args = append(l.args, v)
	l.b.WriteString(l.d.placeholder(len(l.args)))
	return l
}

// listQuery builds the query of one page of List: at most limit rows.
func (r *Incidents) listQuery(tenant itsm.Tenant, f incident.Filter, order incident.Order, after *incident.Cursor, limit int) (string, []any) {
	s := r.s
	l := &listBuilder{d: s.d}
	l.sql("SELECT " + r.q.columns + " FROM " + s.prefix + "incidents WHERE tenant = ").arg(string(tenant))
	if len(f.States) > 0 {
		l.sql(" AND ").sql(s.d.statesTerm(f.States))
	}
	if len(f.Priorities) > 0 {
		ps := make([]string, 0, len(f.Priorities))
		for _, p := range f.Priorities {
			ps = append(ps, strconv.Itoa(int(p))) // validated: 1 … 5
		}
		slices.Sort(ps)
		ps = slices.Compact(ps)
		l.sql(" AND priority IN (" + strings.Join(ps, ", ") + ")")
	}
	for _, eq := range []struct{ col, v string }{
		{"assignment_group", f.AssignmentGroup},
		{"assigned_to", f.AssignedTo},
		{"caller", f.Caller},
		{"service", f.Service},
		{"configuration_item", f.ConfigurationItem},
	} {
		if eq.v != "" {
			l.sql(" AND " + eq.col + " = ").arg(eq.v)
		}
	}
	if !f.Problem.IsZero() {
		l.sql(" AND problem = ").arg(s.d.idArg(f.Problem))
	}
	never := false
	if !f.OpenedFrom.IsZero() {
		// opened_at ≥ from. Stored times are whole microseconds, so rounding the bound
		// up keeps the comparison exact.
		switch from := ceilMicro(f.OpenedFrom); {
		case from.After(s.d.maxTime):
			never = true
		case from.After(s.d.minTime):
			l.sql(" AND opened_at >= ").arg(s.d.timeArg(from))
		}
	}
	if !f.OpenedTo.IsZero() {
		never = never || s.lessThan(l, "opened_at", f.OpenedTo)
	}
	if !f.ResolvedBefore.IsZero() {
		l.sql(" AND resolved_at IS NOT NULL")
		never = never || s.lessThan(l, "resolved_at", f.ResolvedBefore)
	}
	if never {
		l.sql(" AND 1 = 0")
	}
	if order == incident.ByPriority {
		if after != nil {
			l.sql(" AND (priority, opened_at, id) > (").arg(int64(after.Priority)).sql(", ").
				arg(s.d.timeArg(after.OpenedAt)).sql(", ").arg(s.d.idArg(after.ID)).sql(")")
		}
		l.sql(" ORDER BY priority, opened_at, id")
	} else {
		if after != nil {
			l.sql(" AND (updated_at, id) < (").arg(s.d.timeArg(after.UpdatedAt)).sql(", ").arg(s.d.idArg(after.ID)).sql(")")
		}
		l.sql(" ORDER BY updated_at DESC, id DESC")
	}
	l.sql(" LIMIT " + strconv.Itoa(limit))
	return l.b.String(), l.args
}

// lessThan adds "col < bound" to l, and reports whether no stored time can satisfy it.
func (s *Store) lessThan(l *listBuilder, col string, bound time.Time) (never bool) {
	// A stored time t (whole microseconds) is < bound exactly when t < bound rounded
	// up to a microsecond.
	switch to := ceilMicro(bound); {
	case !to.After(s.d.minTime):
		return true
	case !to.After(s.d.maxTime):
		l.sql(" AND " + col + " < ").arg(s.d.timeArg(to))
	}
	return false
}

// ceilMicro rounds t up to a whole microsecond, in UTC.
func ceilMicro(t time.Time) time.Time {
	t = t.UTC()
	if r := t.Truncate(time.Microsecond); !r.Equal(t) {
		return r.Add(time.Microsecond)
	}
	return t
}

// statesTerm selects the given states. Two or three open states are selected through
// the open set as the open-queue index defines it (a partial index in SQLite and
// PostgreSQL, a generated column in MySQL), which serves them in priority order.
func (d *dialect) statesTerm(states []incident.State) string {
	set := make([]string, 0, len(states))
	allOpen := true
	for _, st := range incident.States() { // lifecycle order, each once
		if slices.Contains(states, st) {
			set = append(set, "'"+string(st)+"'") // validated: a declared state, no quotes
			allOpen = allOpen && st.IsOpen()
		}
	}
	in := "state IN (" + strings.Join(set, ", ") + ")"
	switch {
	case !allOpen || len(set) == 1:
		return in
	case len(set) == 3:
		return d.openTerm
	}
	return d.openTerm + " AND " + in
}

// checkCursor refuses a cursor List cannot have returned: its times are stored times,
// whole microseconds within the dialect's range.
func (d *dialect) checkCursor(c incident.Cursor) error {
	t := c.UpdatedAt
	if c.Order == incident.ByPriority {
		t = c.OpenedAt
	}
	if t.IsZero() || !t.Equal(t.Truncate(time.Microsecond)) || t.Before(d.minTime) || t.After(d.maxTime) {
		return &itsm.ValidationError{Field: "page.cursor", Problem: "is not a cursor returned by List"}
	}
	return nil
}
