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
