package incident

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// Limits on what an incident may hold. Larger input is refused with [itsm.ErrInvalid]
// before it reaches storage.
const (
	MaxTitleLength       = 256      // bytes
	MaxTextLength        = 64 << 10 // description, notes, comments, reasons: bytes
	MaxReferenceLength   = 128      // caller, group, assignee, service, CI, category: bytes
	MaxCustomFieldsBytes = 64 << 10 // the JSON encoding of Custom
	maxCustomKeyLength   = 64
)

// normalizeCustom checks that custom fields are JSON-safe and returns them as JSON
// decodes them, so a round trip through any store returns what was stored.
func normalizeCustom(custom map[string]any) (map[string]any, error) {
	if len(custom) == 0 {
		return nil, nil
	}
	for k := range custom {
		if err := textcheck.RequiredLine("custom", k, maxCustomKeyLength); err != nil {
			return nil, &itsm.ValidationError{Field: "custom", Problem: fmt.Sprintf("key %q: %s", textcheck.Truncate(k), err.(*itsm.ValidationError).Problem)}
		}
	}
	b, err := json.Marshal(custom)
	if err != nil {
		return nil, &itsm.ValidationError{Field: "custom", Problem: "is not JSON-safe: " + err.Error()}
	}
	if len(b) > MaxCustomFieldsBytes {
		return nil, &itsm.ValidationError{Field: "custom", Problem: fmt.Sprintf("encodes to %d bytes, more than %d", len(b), MaxCustomFieldsBytes)}
	}
	if !utf8.Valid(b) || strings.Contains(string(b), `\u0000`) {
		return nil, &itsm.ValidationError{Field: "custom", Problem: "holds invalid UTF-8 or a NUL character"}
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, &itsm.ValidationError{Field: "custom", Problem: "is not JSON-safe: " + err.Error()}
	}
	return out, nil
}
