package itsm

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; typed errors below add detail. An error the module returns matches
// at most one of them with [errors.Is], except a [*PolicyError], which matches every
// sentinel one of its reasons matches: a refusal for both a permission reason and a
// validation reason matches both [ErrForbidden] and [ErrInvalid].
var (
	// ErrNotFound: the record does not exist, or belongs to another tenant.
	ErrNotFound = errors.New("itsm: not found")
	// ErrAlreadyExists: a record with the same identity or unique key exists.
	ErrAlreadyExists = errors.New("itsm: already exists")
	// ErrConflict: the record changed since it was read (stale version), or the
	// database aborted a concurrent transaction. Read again and retry.
	ErrConflict = errors.New("itsm: conflict")
	// ErrTransitionNotAllowed: the lifecycle has no such trigger in the current state.
	ErrTransitionNotAllowed = errors.New("itsm: transition not allowed")
	// ErrForbidden: a policy refused the actor.
	ErrForbidden = errors.New("itsm: forbidden")
	// ErrInvalid: bad input; nothing was stored.
	ErrInvalid = errors.New("itsm: invalid")
)

// ValidationError reports one field at fault. It matches [ErrInvalid].
type ValidationError struct {
	// Field is the field's name as the API documents it (for example "title" or
	// "custom_fields.cost").
	Field string
	// Problem says what is wrong, in words a person can act on.
	Problem string
}

func (e *ValidationError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Problem) }

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// TransitionError reports a trigger that the lifecycle does not define in the record's
// current state. It matches [ErrTransitionNotAllowed].
type TransitionError struct {
	Kind Kind
	ID   ID
	// Number is the record's human number (such as "INC0000042"), when known. The
	// message names the record by it, or by ID when it is empty.
	Number  string
	From    string
	Trigger string
	// Permitted lists the triggers the state does define, sorted, to help the caller.
	Permitted []string
}

func (e *TransitionError) Error() string {
	var b strings.Builder
	b.WriteString(subject(e.Kind, e.ID, e.Number))
	fmt.Fprintf(&b, ": %q is not allowed in state %q", e.Trigger, e.From)
	if len(e.Permitted) > 0 {
		fmt.Fprintf(&b, " (allowed: %s)", strings.Join(e.Permitted, ", "))
	} else {
		b.WriteString(" (no trigger leaves this state)")
	}
	return b.String()
}

// Is reports whether target is [ErrTransitionNotAllowed].
func (e *TransitionError) Is(target error) bool { return target == ErrTransitionNotAllowed }

// Reason is one policy's refusal.
type Reason struct {
	// Code is a stable, machine-readable identifier such as "role" or "required".
	Code string
	// Message explains the refusal to a person.
	Message string
	// Err is what the refusal matches: [ErrForbidden], [ErrInvalid], or a typed error
	// that matches one of them (such as a [*ValidationError]).
	Err error
}

// PolicyError reports every policy that refused an operation, not just the first. It
// matches [ErrForbidden] when any reason is a permission refusal and [ErrInvalid] when
// any is a validation refusal, and [errors.As] reaches each reason's typed error.
type PolicyError struct {
	Kind Kind
	ID   ID
	// Number is the record's human number (such as "INC0000042"), when known. The
	// message names the record by it, or by ID when it is empty.
	Number  string
	Trigger string
	Reasons []Reason
}

func (e *PolicyError) Error() string {
	msgs := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		msgs[i] = r.Message
	}
	return fmt.Sprintf("%s: %q refused: %s", subject(e.Kind, e.ID, e.Number), e.Trigger, strings.Join(msgs, "; "))
}

// Is reports whether any reason matches target ([ErrForbidden] or [ErrInvalid]).
func (e *PolicyError) Is(target error) bool {
	if target != ErrForbidden && target != ErrInvalid {
		return false
	}
	for _, r := range e.Reasons {
		if errors.Is(r.Err, target) {
			return true
		}
	}
	return false
}

// Unwrap returns each reason's error, so [errors.As] finds a [*ValidationError].
func (e *PolicyError) Unwrap() []error {
	errs := make([]error, 0, len(e.Reasons))
	for _, r := range e.Reasons {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errs
}

// Codes returns the reason codes in order.
func (e *PolicyError) Codes() []string {
	codes := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		codes[i] = r.Code
	}
	return codes
}

// IsRetryable reports whether err, or an error it wraps, says that retrying the same
// operation may succeed (a serialization failure, a deadlock, a busy database). Errors
// say so by implementing Retryable() bool.
func IsRetryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// IsRetryableConflict reports whether a write that failed with err may succeed when
// done again from a fresh read: err matches [ErrConflict] (another writer won, or the
// database aborted a concurrent transaction) and does not say, through Retryable()
// false, that retrying cannot succeed (a storage adapter that lost the host
// transaction the write ran in).
func IsRetryableConflict(err error) bool {
	var r interface{ Retryable() bool }
	return errors.Is(err, ErrConflict) && (!errors.As(err, &r) || r.Retryable())
}

// subject names a record in an error message: its kind ("record" when unknown), then
// its number, or its ID when it has no number.
func subject(kind Kind, id ID, number string) string {
	s := orDefault(string(kind), "record")
	switch {
	case number != "":
		return s + " " + number
	case !id.IsZero():
		return s + " " + id.String()
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
