package lifecycle_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// The ticket lifecycle used by the tests: a small incident.
//
//	new ─start─▶ open ─hold─▶ on_hold ─resume─▶ open ─resolve─▶ resolved ─close─▶ closed
//	resolved ─reopen─▶ open;  new, open, on_hold ─cancel─▶ cancelled;  open ─note─▶ open
type (
	State   string
	Trigger string
)

const (
	New       State = "new"
	Open      State = "open"
	OnHold    State = "on_hold"
	Resolved  State = "resolved"
	Closed    State = "closed"
	Cancelled State = "cancelled"

	Start   Trigger = "start"
	Hold    Trigger = "hold"
	Resume  Trigger = "resume"
	Resolve Trigger = "resolve"
	Reopen  Trigger = "reopen"
	Close   Trigger = "close"
	Cancel  Trigger = "cancel"
	Note    Trigger = "note"
)

const kindTicket itsm.Kind = "ticket"

type Request = lifecycle.Request[State, Trigger]

func ticketBuilder() *lifecycle.Builder[State, Trigger] {
	return lifecycle.NewBuilder[State, Trigger](kindTicket, New).
		State(New, "New").
		State(Open, "Open").
		State(OnHold, "On hold").
		State(Resolved, "Resolved").
		Final(Closed, "Closed").
		Final(Cancelled, "Cancelled").
		Trigger(Start, "Start work").
		Trigger(Hold, "Put on hold").
		Trigger(Resume, "Resume").
		Trigger(Resolve, "Resolve").
		Trigger(Reopen, "Reopen").
		Trigger(Close, "Close").
		Trigger(Cancel, "Cancel").
		Trigger(Note, "Add a note").
		Permit(New, Start, Open).
		Permit(Open, Hold, OnHold).
		Permit(OnHold, Resume, Open).
		Permit(Open, Resolve, Resolved).
		Permit(Resolved, Reopen, Open).
		Permit(Resolved, Close, Closed).
		Permit(New, Cancel, Cancelled).
		Permit(Open, Cancel, Cancelled).
		Permit(OnHold, Cancel, Cancelled).
		Permit(Open, Note, Open)
}

func build(t testing.TB, b *lifecycle.Builder[State, Trigger]) *lifecycle.Definition[State, Trigger] {
	t.Helper()
	def, err := b.Build()
	require.NoError(t, err)
	return def
}

// ticket is a subject with an ID and a snapshot: a failed fire restores every field.
type ticket struct {
	id         itsm.ID
	state      State
	resolution string
	log        []string
}

func (k *ticket) LifecycleState() State     { return k.state }
func (k *ticket) SetLifecycleState(s State) { k.state = s }
func (k *ticket) SubjectID() itsm.ID        { return k.id }
func (k *ticket) Snapshot() func() {
	saved := *k
	saved.log = slices.Clone(k.log)
	return func() { *k = saved }
}

func (k *ticket) clone() *ticket {
	c := *k
	c.log = slices.Clone(k.log)
	return &c
}

// plain is a subject with neither ID nor snapshot.
type plain struct {
	state State
	note  string
}

func (p *plain) LifecycleState() State     { return p.state }
func (p *plain) SetLifecycleState(s State) { p.state = s }

var (
	agent  = itsm.Actor{ID: "alice", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	caller = itsm.Actor{ID: "bob", Tenant: "acme", Roles: []itsm.Role{itsm.RoleCaller}}
)

var errBoom = errors.New("boom")

// allow is a policy that allows everything.
func allow(context.Context, Request) error { return nil }
