package csi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// journaled is one field of Item that the journal tracks: its index and JSON name.
type journaled struct {
	index  int
	name   string
	isTime bool
}

// journaledFields lists Item's own fields (not the embedded itsm.Meta: a journal entry
// carries it), computed once: the list is a fact about the type.
var journaledFields = sync.OnceValue(func() []journaled {
	t := reflect.TypeFor[Item]()
	var fields []journaled
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fields = append(fields, journaled{index: i, name: name, isTime: f.Type == reflect.TypeFor[time.Time]()})
	}
	return fields
})

// changes returns the fields that differ between before and after as an event's Data:
// a flat JSON object keyed by the Item's JSON names, in declaration order, holding
// each changed field's new value as the Item's own JSON encoding has it ("" for
// cleared text, null for a cleared time, as in every practice's journal). It returns
// nil when nothing differs. Against a zero Item it lists every field set, which is the
// Data of a created event.
//
// It walks Item's fields by reflection rather than listing them, so a field added to
// Item is journaled without a change here; only the changed values are encoded.
func changes(before, after *Item) (json.RawMessage, error) {
	b, a := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	var out []byte
	for _, f := range journaledFields() {
		// Pointers to the fields, not their values: boxing a value allocates.
		bv, av := b.Field(f.index), a.Field(f.index)
		var value []byte
		if f.isTime {
			at := av.Addr().Interface().(*time.Time)
			if at.Equal(*bv.Addr().Interface().(*time.Time)) {
				continue
			}
			if at.IsZero() {
				value = []byte("null")
			}
		} else if bv.Equal(av) {
			continue
		}
		if value == nil {
			var err error
			if value, err = json.Marshal(av.Addr().Interface()); err != nil {
				return nil, fmt.Errorf("improvement %s: encode %s: %w", after.Number, f.name, err)
			}
		}
		if out == nil {
			out = append(make([]byte, 0, 128), '{')
		} else {
			out = append(out, ',')
		}
		out = append(append(append(append(out, '"'), f.name...), '"', ':'), value...)
	}
	if out == nil {
		return nil, nil
	}
	return append(out, '}'), nil
}
