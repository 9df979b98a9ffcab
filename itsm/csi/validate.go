package csi

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// Limits on what an improvement item may hold. Larger input is refused with
// [itsm.ErrInvalid] before it reaches storage.
const (
	MaxTitleLength     = 256      // bytes
	MaxTextLength      = 64 << 10 // description, notes, reasons: bytes
	MaxReferenceLength = 128      // service, owner, metric qualifier: bytes
	MaxUnitLength      = 32       // bytes
)

func invalid(field, problem string) error {
	return &itsm.ValidationError{Field: field, Problem: problem}
}

// required refuses an empty or blank value.
func required(field, s string) error {
	switch {
	case s == "":
		return invalid(field, "is required")
	case strings.TrimSpace(s) == "":
		return invalid(field, "is blank")
	}
	return nil
}

// checkLine refuses a value longer than max bytes, invalid UTF-8 or any control
// character. The empty value passes.
func checkLine(field, s string, max int) error {
	return checkChars(field, s, max, unicode.IsControl)
}

// checkText is checkLine for multi-line text: tab, newline and carriage return pass.
func checkText(field, s string, max int) error {
	return checkChars(field, s, max, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r'
	})
}

func checkChars(field, s string, max int, bad func(rune) bool) error {
	switch {
	case len(s) > max:
		return invalid(field, fmt.Sprintf("is %d bytes long, more than %d", len(s), max))
	case !utf8.ValidString(s):
		return invalid(field, "is not valid UTF-8")
	case strings.IndexFunc(s, bad) >= 0:
		return invalid(field, "contains a control character")
	}
	return nil
}

// checkValue refuses NaN and infinities: no store keeps them and no JSON holds them.
func checkValue(field string, v float64) error {
	if !finite(v) {
		return invalid(field, fmt.Sprintf("%v is not a finite number", v))
	}
	return nil
}

// first returns the first non-nil error: the first problem of one field.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// problems gathers every input problem of one operation, so that a refusal lists
// them all.
type problems []itsm.Reason

func (p *problems) add(errs ...error) {
	for _, err := range errs {
		if err != nil {
			*p = append(*p, itsm.Reason{Code: "invalid", Message: err.Error(), Err: err})
		}
	}
}

// err returns nil, or the refusal of op listing every problem: an *itsm.PolicyError
// matching itsm.ErrInvalid through which errors.As reaches each *itsm.ValidationError.
func (p problems) err(op Operation) error {
	if len(p) == 0 {
		return nil
	}
	return &itsm.PolicyError{Kind: itsm.KindImprovement, Trigger: string(op), Reasons: p}
}

// truncate shortens s to at most 32 bytes, on a rune boundary, for an error message.
func truncate(s string) string {
	if len(s) <= 32 {
		return s
	}
	n := 32
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
