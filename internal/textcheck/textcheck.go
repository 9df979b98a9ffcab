// Package textcheck validates the text fields of records before they reach storage:
// length in bytes, valid UTF-8, no control characters. Every failure is an
// *itsm.ValidationError naming the field, so it matches itsm.ErrInvalid.
package textcheck

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// Required refuses an empty or blank value.
func Required(field, s string) error {
	switch {
	case s == "":
		return &itsm.ValidationError{Field: field, Problem: "is required"}
	case strings.TrimSpace(s) == "":
		return &itsm.ValidationError{Field: field, Problem: "is blank"}
	}
	return nil
}

// Line refuses a one-line value longer than max bytes, with invalid UTF-8 or with any
// control character. The empty value passes.
func Line(field, s string, max int) error { return chars(field, s, max, unicode.IsControl) }

// Text is Line for multi-line text: tab, newline and carriage return pass.
func Text(field, s string, max int) error {
	return chars(field, s, max, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' })
}

// RequiredLine is Required, then Line.
func RequiredLine(field, s string, max int) error {
	return First(Required(field, s), Line(field, s, max))
}

// RequiredText is Required, then Text.
func RequiredText(field, s string, max int) error {
	return First(Required(field, s), Text(field, s, max))
}

func chars(field, s string, max int, bad func(rune) bool) error {
	switch {
	case len(s) > max:
		return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("is %d bytes long, more than %d", len(s), max)}
	case !utf8.ValidString(s):
		return &itsm.ValidationError{Field: field, Problem: "is not valid UTF-8"}
	case strings.IndexFunc(s, bad) >= 0:
		return &itsm.ValidationError{Field: field, Problem: "contains a control character"}
	}
	return nil
}

// First returns the first non-nil error: checks run in field order, and one problem
// at a time keeps messages short.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Unknown describes a value outside an enumeration.
func Unknown[T ~string](v T) string { return fmt.Sprintf("unknown value %q", Truncate(string(v))) }

// Truncate shortens s to at most 32 bytes, on a rune boundary, for an error message.
func Truncate(s string) string {
	if len(s) <= 32 {
		return s
	}
	n := 32
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
