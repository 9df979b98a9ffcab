package itsm

import "time"

// Clock tells the time. Every timestamp and SLA computation in itsmkit reads a Clock
// so that tests and simulations are deterministic; itsm/itsmtest has a fake one.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
}

// SystemClock is the real clock. It returns UTC times truncated to microseconds, the
// precision every storage adapter keeps, so a record compares equal after a round trip.
type SystemClock struct{}

// Now returns time.Now in UTC, truncated to microseconds.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ClockFunc adapts a function to the [Clock] interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// ClockOrSystem returns c, or [SystemClock] when c is nil: the zero value of every
// options struct in the module uses the real clock.
func ClockOrSystem(c Clock) Clock {
	if c == nil {
		return SystemClock{}
	}
	return c
}
