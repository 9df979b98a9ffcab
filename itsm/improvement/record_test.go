package improvement_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

func TestReadRecordDerivesMilestones(t *testing.T) {
	t.Parallel()
	j := newJournal(1).
		open(0, "new", map[string]any{"priority": "P3"}).
		move(1, "in_progress", map[string]any{"assignment_group": "Desk"}).
		move(2, "on_hold", nil).
		update(2.5, map[string]any{"priority": "P2"}).
		move(3, "in_progress", nil).
		move(5, "resolved", nil).
		move(10, "closed", nil)
	var zero time.Time
	tests := []struct {
		name                       string
		asOf                       time.Time
		state                      string
		events                     int
		assigned, resolved, closed time.Time
		stays                      []improvement.Stay
	}{
		{"whole journal", zero, "closed", 7, h(1), h(5), h(10), []improvement.Stay{
			{State: "new", Start: h(0), End: h(1)},
			{State: "in_progress", Start: h(1), End: h(2)},
			{State: "on_hold", Start: h(2), End: h(3)},
			{State: "in_progress", Start: h(3), End: h(5)},
			{State: "resolved", Start: h(5), End: h(10)},
			{State: "closed", Start: h(10)},
		}},
		{"as of an event's time, which counts", h(2), "on_hold", 3, h(1), zero, zero, []improvement.Stay{
			{State: "new", Start: h(0), End: h(1)},
			{State: "in_progress", Start: h(1), End: h(2)},
			{State: "on_hold", Start: h(2)},
		}},
		{"as of between events", h(7), "resolved", 6, h(1), h(5), zero, nil},
		{"as of the opening", h(0), "new", 1, zero, zero, zero, []improvement.Stay{{State: "new", Start: h(0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := improvement.ReadRecord(j.events, tt.asOf, improvement.Stamps{})
			require.NoError(t, err)
			assert.Equal(t, j.id, r.ID)
			assert.Equal(t, itsm.Tenant("acme"), r.Tenant)
			assert.Equal(t, tt.events, r.Events)
			assert.Equal(t, tt.state, r.State)
			assert.Equal(t, h(0), r.Opened)
			assert.Equal(t, tt.assigned, r.Assigned)
			assert.Equal(t, tt.resolved, r.Resolved)
			assert.Equal(t, tt.closed, r.Closed)
			assert.Zero(t, r.Reopens)
			assert.Zero(t, r.Reassignments)
			if tt.stays != nil {
				assert.Equal(t, tt.stays, r.Stays)
			}
		})
	}
}

func TestReadRecordReopen(t *testing.T) {
	t.Parallel()
	j := newJournal(1).
		open(0, "in_progress", map[string]any{"assigned_to": "ana"}).
		move(5, "resolved", nil).
		move(6, "closed", nil).
		move(7, "in_progress", nil). // a reopen clears the resolution and the closure
		move(9, "resolved", nil).
		move(12, "closed", nil)
	r, err := improvement.ReadRecord(j.events, h(8), improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, "in_progress", r.State)
	assert.Equal(t, 1, r.Reopens)
	assert.True(t, r.Resolved.IsZero())
	assert.True(t, r.Closed.IsZero())
	assert.Equal(t, h(0), r.Assigned, "created assigned: assigned when opened")

	r, err = improvement.ReadRecord(j.events, time.Time{}, improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, h(9), r.Resolved, "the latest resolution")
	assert.Equal(t, h(12), r.Closed)
	assert.Equal(t, 1, r.Reopens)
}

// TestReadRecordFirstAssignment: the first assignment is the first event that gives
// the record a group or a person, whatever the state.
func TestReadRecordFirstAssignment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		journal *journal
		want    time.Time
	}{
		{"created with a group", newJournal(1).open(0, "new", map[string]any{"assignment_group": "Desk"}).move(2, "in_progress", nil), h(0)},
		{"a person, later", newJournal(2).open(0, "new", nil).update(1, map[string]any{"assigned_to": "ana"}).move(2, "in_progress", nil), h(1)},
		{"a group while new", newJournal(3).open(0, "new", nil).update(1.5, map[string]any{"assignment_group": "Net"}).update(3, map[string]any{"assigned_to": "bo"}), h(1.5)},
		{"taken up without an assignment", newJournal(4).open(0, "new", nil).move(1, "in_progress", nil), time.Time{}},
		{"empty and null are no assignment", newJournal(5).open(0, "new", map[string]any{"assignment_group": "", "assigned_to": nil}).update(4, map[string]any{"assigned_to": "cy"}), h(4)},
	}
	for _, tt := range tests {
		r, err := improvement.ReadRecord(tt.journal.events, time.Time{}, improvement.Stamps{})
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, r.Assigned, tt.name)
		r, err = improvement.ReadRecord(tt.journal.events, h(0.5), improvement.Stamps{})
		require.NoError(t, err, tt.name)
		if tt.want.After(h(0.5)) || tt.want.IsZero() {
			assert.True(t, r.Assigned.IsZero(), "%s: not assigned yet as of 0.5h", tt.name)
		}
	}
}

func TestReadRecordCreatedResolvedOrCanceled(t *testing.T) {
	t.Parallel()
	resolved, err := improvement.ReadRecord(newJournal(1).open(0, "resolved", nil).events, time.Time{}, improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, h(0), resolved.Resolved, "logged after the fact: resolved when opened")
	assert.True(t, resolved.Assigned.IsZero())

	canceled, err := improvement.ReadRecord(newJournal(2).open(0, "new", nil).move(2, "canceled", nil).events, time.Time{}, improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, h(2), canceled.Closed, "canceling closes, as closed_at says")
	assert.True(t, canceled.Resolved.IsZero())
}

func TestReadRecordStamps(t *testing.T) {
	t.Parallel()
	stamps := improvement.Stamps{Opened: "opened_at", Assigned: "first_assigned_at", Resolved: "resolved_at", Closed: "closed_at"}
	// Stamps as a source system wrote them: opened before the record was saved,
	// resolved_at final from the start, closed_at set then cleared.
	j := newJournal(1).
		open(1, "new", map[string]any{"opened_at": stamp(0), "resolved_at": stamp(6)}).
		move(2, "in_progress", nil).
		move(5, "resolved", map[string]any{"closed_at": stamp(5)}).
		update(5.5, map[string]any{"closed_at": nil}).
		update(6, map[string]any{"note": "resolved_at is mentioned in text, not as a key"})
	tests := []struct {
		name                               string
		asOf                               time.Time
		opened, assigned, resolved, closed time.Time
	}{
		{"every event: null cleared closed_at", time.Time{}, h(0), time.Time{}, h(6), time.Time{}},
		{"a stamp after as-of is not reached", h(5), h(0), time.Time{}, time.Time{}, h(5)},
		{"a stamp at as-of is reached", h(6), h(0), time.Time{}, h(6), time.Time{}},
		{"a stamp holds until an event clears it", h(5.2), h(0), time.Time{}, time.Time{}, h(5)},
		{"before the event that sets it", h(4), h(0), time.Time{}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := improvement.ReadRecord(j.events, tt.asOf, stamps)
			require.NoError(t, err)
			assert.Equal(t, tt.opened, r.Opened)
			assert.Equal(t, tt.assigned, r.Assigned, "named stamps never fall back to transitions")
			assert.Equal(t, tt.resolved, r.Resolved)
			assert.Equal(t, tt.closed, r.Closed)
			assert.Equal(t, tt.opened, r.Stays[0].Start, "the first stay starts at the opening")
		})
	}
	withoutOpened, err := improvement.ReadRecord(newJournal(2).open(3, "new", nil).events, time.Time{}, stamps)
	require.NoError(t, err)
	assert.Equal(t, h(3), withoutOpened.Opened, "without an opened stamp the record opened when created")
}

func TestReadRecordCounters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		j                      *journal
		reopens, reassignments int
	}{
		{"fields win when larger", newJournal(1).
			open(0, "in_progress", map[string]any{"reopen_count": 0, "reassignment_count": 0}).
			update(1, map[string]any{"reopen_count": 2, "reassignment_count": 3}), 2, 3},
		{"a null count is zero", newJournal(2).
			open(0, "in_progress", map[string]any{"reopen_count": 2}).
			update(1, map[string]any{"reopen_count": nil}), 0, 0},
		{"transitions win when larger", newJournal(3).
			open(0, "in_progress", map[string]any{"reopen_count": 0}).
			move(1, "resolved", nil).move(2, "in_progress", nil).
			move(3, "closed", nil).move(4, "on_hold", nil), 2, 0},
		{"group changes between non-empty values", newJournal(4).
			open(0, "new", map[string]any{"assignment_group": "Desk"}).
			update(1, map[string]any{"assignment_group": "Net"}).
			update(2, map[string]any{"assignment_group": nil}).
			update(3, map[string]any{"assignment_group": "Net"}).
			update(4, map[string]any{"assignment_group": "Desk"}), 0, 2},
		{"the first group is no reassignment", newJournal(5).
			open(0, "new", nil).
			update(1, map[string]any{"assignment_group": "Desk"}), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := improvement.ReadRecord(tt.j.events, time.Time{}, improvement.Stamps{})
			require.NoError(t, err)
			assert.Equal(t, tt.reopens, r.Reopens)
			assert.Equal(t, tt.reassignments, r.Reassignments)
		})
	}
}

func TestReadRecordAsOfIsAPrefix(t *testing.T) {
	t.Parallel()
	// Version 3 is dated before version 2 (clock skew): once version 2 is after
	// as-of, nothing later counts.
	j := newJournal(1).open(0, "new", nil).move(5, "in_progress", nil).move(3, "resolved", nil)
	r, err := improvement.ReadRecord(j.events, h(4), improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Events)
	assert.Equal(t, "new", r.State)

	r, err = improvement.ReadRecord(j.events, h(-1), improvement.Stamps{})
	require.NoError(t, err)
	assert.Zero(t, r.Events, "not created yet")
	assert.Equal(t, j.id, r.ID)
	assert.Empty(t, r.State)
}

func TestReadRecordRefuses(t *testing.T) {
	t.Parallel()
	good := newJournal(1).open(0, "new", nil).move(1, "in_progress", nil).events
	other := newJournal(2).open(0, "new", nil).events
	withData := func(data string) []itsm.Event {
		events := newJournal(3).open(0, "new", nil).events
		events[0].Data = []byte(data)
		return events
	}
	tests := []struct {
		name   string
		events []itsm.Event
		field  string
	}{
		{"empty", nil, "events"},
		{"no created event first", good[1:], "events[version 2].type"},
		{"another record's event", append(append([]itsm.Event{}, good...), other[0]), "events[version 1].entity_id"},
		{"version goes back", append(append([]itsm.Event{}, good...), good[0]), "events[version 1].version"},
		{"data not an object", withData(`["reopen_count"]`), "events[version 1].data"},
		{"data truncated", withData(`{"reopen_count":1`), "events[version 1].data"},
		{"bad count", withData(`{"reopen_count":"two"}`), "events[version 1].data.reopen_count"},
		{"negative count", withData(`{"reassignment_count":-1}`), "events[version 1].data.reassignment_count"},
		{"bad group", withData(`{"assignment_group":7}`), "events[version 1].data.assignment_group"},
		{"bad stamp", withData(`{"resolved_at":"yesterday"}`), "events[version 1].data.resolved_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := improvement.ReadRecord(tt.events, time.Time{}, improvement.Stamps{Resolved: "resolved_at"})
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

// TestReadRecordTakesAnyAssignee: a source system may name the assignee with an
// object; any value but null and "" is an assignment, never an error, and with a
// stamp for the first assignment the field is not read at all.
func TestReadRecordTakesAnyAssignee(t *testing.T) {
	t.Parallel()
	j := newJournal(1).open(0, "new", nil).
		update(1, map[string]any{"assigned_to": map[string]any{"id": "ana"}}).
		update(2, map[string]any{"assigned_to": 7})
	r, err := improvement.ReadRecord(j.events, time.Time{}, improvement.Stamps{})
	require.NoError(t, err)
	assert.Equal(t, h(1), r.Assigned)

	stamped, err := improvement.ReadRecord(j.events, time.Time{}, improvement.Stamps{Assigned: "first_assigned_at"})
	require.NoError(t, err)
	assert.True(t, stamped.Assigned.IsZero(), "the stamp alone says when")
}
