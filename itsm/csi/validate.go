package csi

import (
	"fmt"
	"math"

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

// checkValue refuses NaN and infinities: no store keeps them and no JSON holds them.
func checkValue(field string, v float64) error {
	if !finite(v) {
		return invalid(field, fmt.Sprintf("%v is not a finite number", v))
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
