package sqlstore

import (
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// The checks below run before a write reaches the database, so that what a column
// cannot hold as given is refused the same way in every dialect: with a
// *itsm.ValidationError naming the field, never with a driver's error or a silently
// altered value.

// checkTexts refuses text that a column cannot hold as given: what no store keeps
// (storage.CheckText: invalid UTF-8, NUL bytes), and text longer than the dialect's
// column (see dialect.textLimits). fieldsAndValues alternates field names and values.
func (d *dialect) checkTexts(fieldsAndValues ...string) error {
	for i := 0; i+1 < len(fieldsAndValues); i += 2 {
		field, v := fieldsAndValues[i], fieldsAndValues[i+1]
		if err := storage.CheckText(field, v); err != nil {
			return err
		}
		if limit, ok := d.textLimits[field]; ok && len(v) > limit {
			return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("is %d bytes, more than the %d %s stores", len(v), limit, d.name)}
		}
	}
	return nil
}

// checkCustomDepth refuses custom fields nested deeper than the dialect's record
// column takes.
func (d *dialect) checkCustomDepth(custom map[string]any) error {
	if d.maxCustomDepth == 0 || custom == nil {
		return nil
	}
	if depth := jsonDepth(custom); depth > d.maxCustomDepth {
		return &itsm.ValidationError{Field: "custom", Problem: fmt.Sprintf("nests %d levels deep, more than the %d %s stores", depth, d.maxCustomDepth, d.name)}
	}
	return nil
}

// jsonDepth is how many objects and arrays v nests, itself included.
func jsonDepth(v any) int {
	deepest := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			deepest = max(deepest, jsonDepth(e))
		}
	case []any:
		for _, e := range v {
			deepest = max(deepest, jsonDepth(e))
		}
	default:
		return 0
	}
	return deepest + 1
}
