package eventlog

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itsmkit/itsmkit/itsm"
)

// maxMappingSize bounds what LoadMapping reads: a mapping is a page of JSON.
const maxMappingSize = 1 << 20

// LoadMapping reads one mapping as a JSON object from r and validates it. Unknown
// fields, trailing data, a document over 1 MiB and an invalid mapping are errors that
// match [itsm.ErrInvalid]; a failing reader's error is returned wrapped. Field names
// match case-insensitively, as [encoding/json] matches them.
func LoadMapping(r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMappingSize+1))
	if err != nil {
		return nil, fmt.Errorf("eventlog: read mapping: %w", err)
	}
	if len(data) > maxMappingSize {
		return nil, &itsm.ValidationError{Field: "mapping", Problem: fmt.Sprintf("is larger than %d bytes", maxMappingSize)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, &itsm.ValidationError{Field: "mapping", Problem: "is not a JSON mapping: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &itsm.ValidationError{Field: "mapping", Problem: "has data after the JSON object"}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("eventlog: mapping %q: %w", truncate(m.Name), err)
	}
	return &m, nil
}

//go:embed mappings/*.json
var shipped embed.FS

// UCIMapping returns the mapping of the UCI "Incident management process enriched
// event log" (a ServiceNow export; mappings/uci-incident-event-log.json in this
// package holds the same mapping as JSON). In short:
//   - rows are contiguous per incident and in file order, which is the update order:
//     sys_mod_count repeats or goes back in five incidents, so it orders nothing;
//   - sys_updated_at dates each event and opened_at the created one; the log has no
//     zone, read as UTC so durations equal the wall-clock differences it shows;
//   - states: New → new, Active → in_progress, Awaiting * → on_hold with the matching
//     on_hold_reason, Resolved → resolved, Closed → closed; the stray "-100" maps to
//     nothing, so its five rows are skipped and reported;
//   - "2 - Medium" style values map to P1…P5 and high/medium/low; opened_at,
//     resolved_at and closed_at are journal fields (RFC 3339) as the incident
//     package writes them, and case attributes too. The log repeats their final
//     values on every row, so they appear in the created event. Metrics that must
//     agree with what ServiceNow reported read those stamps (in package improvement,
//     Stamps{Resolved: "resolved_at", Closed: "closed_at"}).
//
// Each call returns a new Mapping the caller may change.
func UCIMapping() *Mapping { return mustShipped("mappings/uci-incident-event-log.json") }

// BPIC2014Mapping returns the mapping of the activity file of the BPI Challenge 2014
// sample (Rabobank, HP Service Manager; mappings/bpic2014-activity.json holds the
// same mapping as JSON). In short:
//   - rows are interleaved and unordered: each incident's rows are sorted by
//     (data_stamp, incident_activity_number);
//   - activities are actions: Open → new, Assignment, Reassignment and Reopen →
//     in_progress, Pending vendor → on_hold (awaiting_vendor), Resolved → resolved,
//     Closed → closed; the other work activities are updates and the three Quality
//     Indicator bookkeeping activities are ignored;
//   - Reassignment and Reopen are counted into reassignment_count and reopen_count;
//   - the first Assignment or Reassignment, whichever comes first (both hand the
//     incident to a team), stamps first_assigned_at, the time to assign (in package
//     improvement, Stamps{Assigned: "first_assigned_at"}): the log's assignment_group
//     column names the team doing each activity, not the incident's assignee, so it
//     is no journal field;
//   - the log resolves mostly by closing (Resolved is rare), so its resolution time
//     is its open → closed time.
//
// Each call returns a new Mapping the caller may change.
func BPIC2014Mapping() *Mapping { return mustShipped("mappings/bpic2014-activity.json") }

func mustShipped(name string) *Mapping {
	f, err := shipped.Open(name)
	if err != nil {
		panic(err) // embedded at build time: unreachable
	}
	defer f.Close()
	m, err := LoadMapping(f)
	if err != nil {
		panic(err) // a shipped mapping is constant and tested: unreachable
	}
	return m
}
