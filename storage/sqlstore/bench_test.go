package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

// The raw baseline: the statements the adapter runs for a transition, written out by
// hand. {p} is the table prefix; PostgreSQL gets $n placeholders.
const (
	rawSelect = "SELECT tenant, id, number, version, created_at, updated_at, state, priority, caller, " +
		"assignment_group, assigned_to, service, configuration_item, problem, opened_at, resolved_at, " +
		"COALESCE(idempotency_key, ''), data FROM {p}incidents WHERE tenant = ? AND id = ?"
	rawUpdate = "UPDATE {p}incidents SET version = ?, created_at = ?, updated_at = ?, state = ?, priority = ?, " +
		"caller = ?, assignment_group = ?, assigned_to = ?, service = ?, configuration_item = ?, problem = ?, " +
		"opened_at = ?, resolved_at = ?, data = ? " +
		"WHERE tenant = ? AND id = ? AND version = ? AND number = ? AND COALESCE(idempotency_key, '') = ?"
	rawJournal = "INSERT INTO {p}journal (tenant, kind, entity_id, version, idx, event_id, event_type, actor, " +
		"occurred_at, from_state, to_state, trigger_name, reason, data) " +
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq"
)

// rawTransitions runs the baseline: read, versioned update and journal insert in one
// transaction, scanning into plain Go values. Like the adapter, it prepares its
// statements for SQLite and leaves them to pgx's statement cache for PostgreSQL.
type rawTransitions struct {
	db       *sql.DB
	postgres bool
	queries  [3]string    // select, update, journal
	prepared [3]*sql.Stmt // SQLite only
}

func newRaw(tb testing.TB, st *sqlstore.Store) *rawTransitions {
	tb.Helper()
	r := &rawTransitions{db: st.DB(), postgres: st.Dialect() == sqlstore.PostgreSQL}
	for i, q := range []string{rawSelect, rawUpdate, rawJournal} {
		q = strings.ReplaceAll(q, "{p}", st.TablePrefix())
		if r.postgres {
			for n := 1; strings.Contains(q, "?"); n++ {
				q = strings.Replace(q, "?", "$"+strconv.Itoa(n), 1)
			}
		} else {
			st, err := r.db.Prepare(q)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { _ = st.Close() })
			r.prepared[i] = st
		}
		r.queries[i] = q
	}
	return r
}

func (r *rawTransitions) exec(tx *sql.Tx, i int, args ...any) (sql.Result, error) {
	if st := r.prepared[i]; st != nil {
		return tx.Stmt(st).Exec(args...)
	}
	return tx.Exec(r.queries[i], args...)
}

func (r *rawTransitions) queryRow(tx *sql.Tx, i int, args ...any) *sql.Row {
	if st := r.prepared[i]; st != nil {
		return tx.Stmt(st).QueryRow(args...)
	}
	return tx.QueryRow(r.queries[i], args...)
}

// transition moves the incident between in_progress and on_hold, as the service's
// Hold and Resume do.
func (r *rawTransitions) transition(ctx context.Context, id itsm.ID) error {
	tx, err := r.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE for SQLite: the DSN's _txlock
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var (
		tenant, number, state, caller, group, assignee, service, ci, key, data string
		idBytes, problem                                                       []byte
		version, priority                                                      int64
		created, updated, opened, resolved                                     any
	)
	idArg, evID := any(id[:]), itsm.NewID()
	evArg := any(evID[:])
	if r.postgres {
		idArg, evArg = [16]byte(id), [16]byte(evID)
	}
	if err := r.queryRow(tx, 0, "acme", idArg).Scan(&tenant, &idBytes, &number, &version, &created, &updated,
		&state, &priority, &caller, &group, &assignee, &service, &ci, &problem, &opened, &resolved, &key, &data); err != nil {
		return err
	}
	from, to, trigger := "in_progress", "on_hold", "hold"
	if state == "on_hold" {
		from, to, trigger = "on_hold", "in_progress", "resume"
	}
	var at any = time.Now().UTC().Truncate(time.Microsecond)
	if !r.postgres {
		at = at.(time.Time).Format("2006-01-02 15:04:05.000000")
	}
	var problemArg any
	if len(problem) > 0 {
		problemArg = problem
	}
	res, err := r.exec(tx, 1, version+1, created, at, to, priority, caller, group, assignee, service, ci,
		problemArg, opened, resolved, data, tenant, idArg, version, number, key)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("raw update: %d rows, %v", n, err)
	}
	var seq int64
	if err := r.queryRow(tx, 2, tenant, "incident", idArg, version+1, 0, evArg, "transitioned", "bench", at,
		from, to, trigger, "", `{"state":"`+to+`"}`).Scan(&seq); err != nil {
		return err
	}
	return tx.Commit()
}

var benchAgent = itsm.Actor{ID: "bench", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}

// openInProgress opens n incidents and assigns them, so that Hold and Resume apply.
func openInProgress(tb testing.TB, svc *incident.Service, n int) []itsm.ID {
	tb.Helper()
	ids := make([]itsm.ID, n)
	for i := range ids {
		inc, err := svc.Open(context.Background(), benchAgent, incident.OpenInput{
			Title:       fmt.Sprintf("Mail delivery delayed for site %d", i),
			Description: "Users at the site report that outgoing mail stays in the outbox for several minutes.",
			Impact:      itsm.ImpactMedium, Urgency: itsm.UrgencyHigh, Service: "mail", Channel: incident.ChannelPhone,
		})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := svc.Assign(context.Background(), benchAgent, inc.Ref(), "Messaging", "ana"); err != nil {
			tb.Fatal(err)
		}
		ids[i] = inc.ID
	}
	return ids
}

// toggle holds an incident in progress and resumes one on hold.
func toggle(ctx context.Context, svc *incident.Service, id itsm.ID, hold bool) error {
	var err error
	if hold {
		_, err = svc.Hold(ctx, benchAgent, incident.Ref{ID: id}, incident.AwaitingCaller)
	} else {
		_, err = svc.Resume(ctx, benchAgent, incident.Ref{ID: id})
	}
	return err
}

// BenchmarkTransitionSQLite compares a transition through incident.Service (read,
// fire, versioned update, journal) with the raw baseline, on one SQLite file with the
// opener's default settings (WAL, synchronous=FULL, one writer, BEGIN IMMEDIATE).
func BenchmarkTransitionSQLite(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 64
	viaService, viaRaw := openInProgress(b, svc, n), openInProgress(b, svc, n)
	raw := newRaw(b, st.Store)
	b.ReportAllocs()
	b.ResetTimer()
	var tService, tRaw time.Duration
	for i := range b.N {
		hold := (i/n)%2 == 0
		start := time.Now()
		if err := toggle(ctx, svc, viaService[i%n], hold); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := raw.transition(ctx, viaRaw[i%n]); err != nil {
			b.Fatal(err)
		}
		tService += mid.Sub(start)
		tRaw += time.Since(mid)
	}
	b.ReportMetric(float64(tService.Nanoseconds())/float64(b.N), "service-ns/op")
	b.ReportMetric(float64(tRaw.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(tService)/float64(tRaw), "x-raw-sqlite")
}

// BenchmarkTransitionPostgres compares transitions through incident.Service with the
// raw baseline on PostgreSQL, with one writer and with 8 concurrent writers on distinct
// incidents. The adapter reads in one round trip and writes in one (a CTE); the
// baseline runs BEGIN, SELECT, UPDATE, INSERT, COMMIT.
func BenchmarkTransitionPostgres(b *testing.B) {
	tg, ok := sqltest.Postgres(b)
	if !ok {
		b.Skip(sqltest.PostgresEnv + " is not set")
	}
	st := tg.New(b)
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	if err != nil {
		b.Fatal(err)
	}
	raw := newRaw(b, st)
	for _, writers := range []int{1, 8} {
		perWriter := 8
		viaService := openInProgress(b, svc, writers*perWriter)
		viaRaw := openInProgress(b, svc, writers*perWriter)
		held := make([]bool, len(viaService)) // b.Run calls the function more than once
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			round := func(i int, do func(w, k int) error) time.Duration {
				start := time.Now()
				var wg sync.WaitGroup
				errs := make([]error, writers)
				for w := range writers {
					wg.Go(func() {
						for k := range perWriter {
							if err := do(w, k); err != nil {
								errs[w] = err
								return
							}
						}
					})
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
				return time.Since(start)
			}
			var tService, tRaw time.Duration
			ops := 0
			for i := 0; ops < b.N; i++ {
				tService += round(i, func(w, k int) error {
					j := w*perWriter + k
					held[j] = !held[j]
					return toggle(ctx, svc, viaService[j], held[j])
				})
				tRaw += round(i, func(w, k int) error { return raw.transition(ctx, viaRaw[w*perWriter+k]) })
				ops += writers * perWriter
			}
			b.ReportMetric(float64(tService.Nanoseconds())/float64(ops), "service-ns/op")
			b.ReportMetric(float64(tRaw.Nanoseconds())/float64(ops), "raw-ns/op")
			b.ReportMetric(float64(tService)/float64(tRaw), fmt.Sprintf("x-raw-pg%d", writers))
		})
	}
}
