package sqlstore

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// The checks below run before a write reaches the database, so that what a column
// cannot hold as given is refused the same way in every dialect: with a
// *itsm.ValidationError naming the field, never with a driver's error or a silently
// altered value.

// checkTexts refuses text that a column cannot hold as given: invalid UTF-8 (JSON
// would replace it, PostgreSQL refuses it), NUL bytes (PostgreSQL refuses them), and
// text longer than the dialect's column (see dialect.textLimits). fieldsAndValues
// alternates field names and values.
func (d *dialect) checkTexts(fieldsAndValues ...string) error {
	if err := checkTexts(fieldsAndValues...); err != nil {
		return err
	}
	for i := 0; i+1 < len(fieldsAndValues) && d.textLimits != nil; i += 2 {
		field, v := fieldsAndValues[i], fieldsAndValues[i+1]
		if limit, ok := d.textLimits[field]; ok && len(v) > limit {
			return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("is %d bytes, more than the %d %s stores", len(v), limit, d.name)}
		}
	}
	return nil
}

// checkTexts refuses invalid UTF-8 and NUL bytes, which no dialect stores as given.
func checkTexts(fieldsAndValues ...string) error {
	for i := 0; i+1 < len(fieldsAndValues); i += 2 {
		v := fieldsAndValues[i+1]
		switch {
		case !utf8.ValidString(v):
			return &itsm.ValidationError{Field: fieldsAndValues[i], Problem: "is not valid UTF-8"}
		case strings.IndexByte(v, 0) >= 0:
			return &itsm.ValidationError{Field: fieldsAndValues[i], Problem: "contains a NUL byte"}
		}
	}
	return nil
}

// checkCustom refuses custom fields that would not come back as given: a value of a
// type JSON decodes differently (an int comes back a float64) or text checkTexts
// refuses. incident.Incident documents the JSON-safe types.
func checkCustom(field string, v any) error {
	switch v := v.(type) {
	case nil, bool, float64:
		return nil
	case string:
		return checkTexts(field, v)
	case []any:
		for i, e := range v {
			if err := checkCustom(fmt.Sprintf("%s[%d]", field, i), e); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for k, e := range v {
			if err := checkTexts(field+" key", k); err != nil {
				return err
			}
			if err := checkCustom(field+"."+k, e); err != nil {
				return err
			}
		}
		return nil
	}
	return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("holds a %T, not a JSON value (nil, bool, float64, string, []any, map[string]any)", v)}
}
