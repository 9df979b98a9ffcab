package incident_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

func TestCloneAndCopyToShareNothing(t *testing.T) {
	t.Parallel()
	id, change := itsm.NewID(), itsm.NewID()
	build := func() *incident.Incident { // built twice, so the two share nothing
		return &incident.Incident{
			Meta:    itsm.Meta{ID: id, Tenant: "acme", Number: "INC0000001", Version: 3},
			Title:   "VPN down",
			Changes: []itsm.ID{change},
			Custom:  map[string]any{"site": "Lyon", "tags": []any{"vpn", map[string]any{"floor": 2.0}}},
		}
	}
	orig, want := build(), build()

	copies := map[string]*incident.Incident{"Clone": orig.Clone()}
	dst := &incident.Incident{Title: "stale", AssignedTo: "bob", Custom: map[string]any{"old": true}}
	orig.CopyTo(dst)
	copies["CopyTo"] = dst

	for name, c := range copies {
		assert.Equal(t, want, c, "%s copies every field, and only those", name)
		c.Changes[0] = itsm.NewID()
		c.Custom["site"] = "Paris"
		c.Custom["tags"].([]any)[1].(map[string]any)["floor"] = 3.0
		assert.Equal(t, want, orig, "changing the %s copy leaves the original as it was", name)
	}
}
