// Package eventlog imports real service-desk event logs (CSV, plain or gzip) into
// itsmkit journals, so that metrics, replays and conformance checks run on real
// operations.
//
// A [Mapping] declares the log's shape: which column names the case, which dates each
// row, how rows move the state (a column of states, or a column of activities), which
// columns become journal fields and case attributes, which activities count into a
// field or stamp a time field when they first happen (such as a first Assignment
// stamping first_assigned_at), how raw values map to journal values, what marks a
// missing value, and how a case's rows are ordered. Mappings are
// plain Go values and JSON documents ([LoadMapping]); the mappings of the UCI
// ServiceNow log and of the BPI Challenge 2014 sample ship with the package
// ([UCIMapping], [BPIC2014Mapping]).
//
// [Import] streams the log and hands each case to a callback as a journal: an
// [itsm.EventCreated] event, then one [itsm.EventTransitioned] or [itsm.EventUpdated]
// event per row, with the fields the row changed as Data. Its [Report] accounts for
// every row: rows that cannot be mapped are skipped and counted by reason, never
// dropped silently, and a malformed file fails with a [*LineError].
//
//	f, _ := os.Open("incident_event_log.csv.gz")
//	defer f.Close()
//	rep, err := eventlog.Import(ctx, f, eventlog.UCIMapping(), eventlog.Options{Tenant: "acme"},
//		func(c eventlog.Case) error {
//			return collector.Add(c.Events) // or replay into a store, or check conformance
//		})
//
// Imported journals follow the conventions of native ones: states and field names of
// the incident practice, triggers derived from the states a row moves between
// ([Trigger]), times in UTC, deterministic IDs (importing twice gives the same
// journal).
package eventlog
