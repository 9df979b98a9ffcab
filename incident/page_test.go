package incident_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

func TestPageSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		page  incident.Page
		size  int
		field string // of the refusal; "" when valid
	}{
		{"zero value", incident.Page{}, incident.DefaultLimit, ""},
		{"a limit", incident.Page{Limit: 7, Order: incident.ByUpdated}, 7, ""},
		{"the largest limit", incident.Page{Limit: incident.MaxLimit}, incident.MaxLimit, ""},
		{"negative limit", incident.Page{Limit: -1}, 0, "page.limit"},
		{"too large", incident.Page{Limit: incident.MaxLimit + 1}, 0, "page.limit"},
		{"unknown order", incident.Page{Limit: 5, Order: 45}, 0, "page.order"},
		{"unknown order, default limit", incident.Page{Order: 45}, 0, "page.order"},
	}
	for _, tt := range tests {
		size, err := tt.page.Size()
		if tt.field == "" {
			require.NoError(t, err, tt.name)
			assert.Equal(t, tt.size, size, tt.name)
			continue
		}
		require.ErrorIs(t, err, itsm.ErrInvalid, tt.name)
		var ve *itsm.ValidationError
		require.ErrorAs(t, err, &ve, tt.name)
		assert.Equal(t, tt.field, ve.Field, tt.name)
	}
}
