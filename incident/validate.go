package incident

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
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
	MaxChanges           = 256      // changes one incident links (see Service.Link)
	maxCustomKeyLength   = 64
	// maxCustomDepth is encoding/json's own decoding limit: deeper custom fields could
	// not be read back, and a cyclic value would never end.
	maxCustomDepth = 10000
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
	// encoding/json has silently put U+FFFD in place of any invalid UTF-8: look for it,
	// and for NUL, in what was given. Walking only what fits the limit keeps the walk
	// and the paths it names small.
	var walk customWalk
	if err := walk.fields(custom); err != nil {
		return nil, err
	}
	if !utf8.Valid(b) { // a json.Marshaler's raw output
		return nil, &itsm.ValidationError{Field: "custom", Problem: "holds invalid UTF-8"}
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, &itsm.ValidationError{Field: "custom", Problem: "is not JSON-safe: " + err.Error()}
	}
	if walk.opaque { // a json.Marshaler's output was not walked: walk what it decodes to
		if err := new(customWalk).fields(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// customWalk refuses invalid UTF-8 and NUL in the strings and map keys of custom
// fields, at any depth, where encoding/json would silently store U+FFFD in place of
// invalid UTF-8. It follows what encoding/json encodes: a TextMarshaler's text is
// checked, a json.Marshaler is left for its output to be checked. A refusal names the
// path of the value (custom.a.b, custom.list[2]), built only then, so deep input
// costs no more than shallow.
type customWalk struct {
	path   []customStep
	depth  int  // pointers add depth but no step
	opaque bool // a json.Marshaler was left to encoding/json
}

// customStep is a map key, or a list index when index >= 0.
type customStep struct {
	key   string
	index int
}

// fields checks the value of every custom field, in key order: the same field fails
// every time.
func (w *customWalk) fields(custom map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(custom)) {
		if err := w.step(customStep{key: k, index: -1}, reflect.ValueOf(custom[k])); err != nil {
			return err
		}
	}
	return nil
}

func (w *customWalk) check(v reflect.Value) error {
	if w.depth++; w.depth > maxCustomDepth {
		return &itsm.ValidationError{Field: "custom." + w.path[0].key, Problem: fmt.Sprintf("nests deeper than %d levels", maxCustomDepth)}
	}
	defer func() { w.depth-- }()
	for v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	if implements(v, jsonMarshaler) {
		w.opaque = true
		return nil
	}
	if text, ok := marshalText(v); ok {
		return w.text("", text)
	}
	switch v.Kind() {
	case reflect.String:
		return w.text("", v.String())
	case reflect.Pointer:
		return w.check(v.Elem())
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes encode as base64
		}
		for i := range v.Len() {
			if err := w.step(customStep{index: i}, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		if v.Type().Key().Kind() == reflect.String { // the same key fails every time
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		}
		for _, k := range keys {
			name, ok := "", k.Kind() == reflect.String // encoding/json's order
			if ok {
				name = k.String()
			} else {
				name, ok = marshalText(k)
			}
			if !ok {
				name = fmt.Sprint(k.Interface()) // a number
			} else if err := w.text("key ", name); err != nil {
				return err
			}
			if err := w.step(customStep{key: name, index: -1}, v.MapIndex(k)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if err := w.step(customStep{key: name, index: -1}, v.Field(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// step checks v, found at s below the current path.
func (w *customWalk) step(s customStep, v reflect.Value) error {
	w.path = append(w.path, s)
	err := w.check(v)
	w.path = w.path[:len(w.path)-1]
	return err
}

// text refuses s, the value (what "") or map key (what "key ") at the current path,
// when encoding/json would not store it as it is.
func (w *customWalk) text(what, s string) error {
	var problem string
	switch {
	case !utf8.ValidString(s):
		problem = "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		problem = "contains a NUL character"
	default:
		return nil
	}
	if what != "" {
		problem = fmt.Sprintf("%s%q %s", what, textcheck.Truncate(s), problem)
	}
	return w.refuse(problem)
}

func (w *customWalk) refuse(problem string) error {
	var b strings.Builder
	b.WriteString("custom")
	for _, s := range w.path {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
		} else {
			b.WriteByte('.')
			b.WriteString(s.key)
		}
	}
	return &itsm.ValidationError{Field: b.String(), Problem: problem}
}

// implements reports whether encoding/json would call v's method of interface m.
func implements(v reflect.Value, m reflect.Type) bool {
	return v.Type().Implements(m) || v.CanAddr() && reflect.PointerTo(v.Type()).Implements(m)
}

// marshalText returns the text encoding/json encodes for v, when v is a non-nil
// TextMarshaler that succeeds (a failure is encoding/json's to report).
func marshalText(v reflect.Value) (string, bool) {
	if !implements(v, textMarshaler) || v.Kind() == reflect.Pointer && v.IsNil() {
		return "", false
	}
	if !v.Type().Implements(textMarshaler) {
		v = v.Addr()
	}
	text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	return string(text), err == nil
}
