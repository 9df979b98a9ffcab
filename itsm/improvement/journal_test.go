package improvement_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// t0 is the moment test journals start: a Monday, 08:00 UTC.
var t0 = time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)

// h returns t0 plus hours.
func h(hours float64) time.Time { return t0.Add(time.Duration(hours * float64(time.Hour))) }

// journal builds one record's events in version order.
type journal struct {
	id     itsm.ID
	state  string
	events []itsm.Event
}

func newJournal(n int) *journal {
	return &journal{id: itsm.MustParseID(fmt.Sprintf("01900000-0000-7000-8000-%012d", n))}
}

func (j *journal) add(typ itsm.EventType, at time.Time, to string, data map[string]any) *journal {
	e := itsm.Event{
		Tenant: "acme", Kind: itsm.KindIncident, EntityID: j.id,
		Version: int64(len(j.events) + 1), Type: typ, At: at, Actor: "test",
	}
	if typ == itsm.EventCreated || typ == itsm.EventTransitioned {
		e.To = to
		if typ == itsm.EventTransitioned {
			e.From = j.state
		}
		j.state = to
	}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			panic(err)
		}
		e.Data = raw
	}
	e.ID = itsm.NewID()
	j.events = append(j.events, e)
	return j
}

// open creates the record in state to at hour at.
func (j *journal) open(at float64, to string, data map[string]any) *journal {
	return j.add(itsm.EventCreated, h(at), to, data)
}

// move transitions the record to state to at hour at.
func (j *journal) move(at float64, to string, data map[string]any) *journal {
	return j.add(itsm.EventTransitioned, h(at), to, data)
}

// update changes fields at hour at.
func (j *journal) update(at float64, data map[string]any) *journal {
	return j.add(itsm.EventUpdated, h(at), "", data)
}

// stamp formats a time as the journal writes it.
func stamp(at float64) string { return h(at).Format(time.RFC3339Nano) }
