package eventlog_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// A mapping written as JSON, a small state log, and what Import makes of it.
func Example() {
	mapping, err := eventlog.LoadMapping(strings.NewReader(`{
		"name": "desk",
		"kind": "incident",
		"missing": ["?"],
		"case": "number",
		"time": {"column": "updated", "layout": "2006-01-02 15:04"},
		"order": {"rule": "contiguous"},
		"state": {
			"column": "state",
			"values": {"New": "new", "Active": "in_progress", "Resolved": "resolved"}
		},
		"fields": {
			"priority": {"column": "priority", "values": {"1 - Critical": "P1", "3 - Moderate": "P3"}},
			"assignment_group": {"column": "group"}
		}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	log := `number,state,updated,priority,group
INC1,New,2024-03-01 09:00,3 - Moderate,?
INC1,Active,2024-03-01 09:20,1 - Critical,Network
INC1,Weird,2024-03-01 09:30,1 - Critical,Network
INC1,Resolved,2024-03-01 11:00,1 - Critical,Network
`
	// A lifecycle definition usually names the triggers (lifecycle.Definition.TriggerFor).
	triggers := map[[2]string]string{{"new", "in_progress"}: "assign", {"in_progress", "resolved"}: "resolve"}
	opts := eventlog.Options{Tenant: "acme", Trigger: func(from, to string) string { return triggers[[2]string{from, to}] }}
	rep, err := eventlog.Import(context.Background(), strings.NewReader(log), mapping, opts,
		func(c eventlog.Case) error {
			for _, e := range c.Events {
				line := fmt.Sprintf("%s v%d %s %s→%s %q %s", c.ID, e.Version, e.Type, e.From, e.To, e.Trigger, e.Data)
				fmt.Println(strings.TrimSpace(line))
			}
			return nil
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep)
	// Output:
	// INC1 v1 created →new "" {"priority":"P3"}
	// INC1 v2 transitioned new→in_progress "assign" {"assignment_group":"Network","priority":"P1"}
	// INC1 v3 transitioned in_progress→resolved "resolve"
	// desk: 4 rows, 3 events in 1 cases, 0 ignored, 1 skipped; unmapped value in state x1 (lines [4], values ["Weird"])
}

// The shipped mappings import the public UCI and BPI Challenge 2014 logs as they are.
func ExampleUCIMapping() {
	m := eventlog.UCIMapping()
	fmt.Println(m.Name, m.Order.Rule, m.State.Values["Awaiting Vendor"], m.State.Set["Awaiting Vendor"]["on_hold_reason"])
	b := eventlog.BPIC2014Mapping()
	fmt.Println(b.Name, b.Order.Rule, b.Order.By, b.Activity.States["Reopen"])
	// Output:
	// uci-incident-event-log contiguous on_hold awaiting_vendor
	// bpic2014-rabobank-activity sorted [data_stamp incident_activity_number] in_progress
}
