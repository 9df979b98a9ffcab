package incident

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

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

// checkLine validates a one-line text field: valid UTF-8, no control characters.
func checkLine(field, s string, required bool, max int) error {
	if s == "" {
		if required {
			return &itsm.ValidationError{Field: field, Problem: "is required"}
		}
		return nil
	}
	if required && strings.TrimSpace(s) == "" {
		return &itsm.ValidationError{Field: field, Problem: "is blank"}
	}
	if err := checkSize(field, s, max); err != nil {
		return err
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return &itsm.ValidationError{Field: field, Problem: "contains a control character"}
	}
	return nil
}

// checkText validates a multi-line text field: valid UTF-8, no NUL or other control
// characters than tab, newline and carriage return.
func checkText(field, s string, required bool) error {
	if s == "" {
		if required {
			return &itsm.ValidationError{Field: field, Problem: "is required"}
		}
		return nil
	}
	if err := checkSize(field, s, MaxTextLength); err != nil {
		return err
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }) >= 0 {
		return &itsm.ValidationError{Field: field, Problem: "contains a control character"}
	}
	return nil
}

func checkSize(field, s string, max int) error {
	if len(s) > max {
		return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("is %d bytes long, more than %d", len(s), max)}
	}
	if !utf8.ValidString(s) {
		return &itsm.ValidationError{Field: field, Problem: "is not valid UTF-8"}
	}
	return nil
}

// normalizeCustom checks that custom fields are JSON-safe and returns them as JSON
// decodes them, so a round trip through any store returns what was stored.
func normalizeCustom(custom map[string]any) (map[string]any, error) {
	if len(custom) == 0 {
		return nil, nil
	}
	for k := range custom {
		if err := checkLine("custom", k, true, maxCustomKeyLength); err != nil {
			return nil, &itsm.ValidationError{Field: "custom", Problem: fmt.Sprintf("key %q: %s", truncate(k), err.(*itsm.ValidationError).Problem)}
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

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
