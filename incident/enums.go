package incident

import "slices"

// State is where an incident is in its lifecycle. The values are ServiceNow's.
type State string

// The states of the default lifecycle.
const (
	New        State = "new"
	InProgress State = "in_progress"
	OnHold     State = "on_hold"
	Resolved   State = "resolved"
	Closed     State = "closed"
	Canceled   State = "canceled"
)

// States lists every state in lifecycle order.
var states = []State{New, InProgress, OnHold, Resolved, Closed, Canceled}

// States returns every state of the default lifecycle, in lifecycle order.
func States() []State { return slices.Clone(states) }

// Valid reports whether s is one of the declared states.
func (s State) Valid() bool { return slices.Contains(states, s) }

// IsOpen reports whether s is new, in progress or on hold.
func (s State) IsOpen() bool { return s == New || s == InProgress || s == OnHold }

// Trigger moves an incident from one state to another.
type Trigger string

// The triggers of the default lifecycle.
const (
	TriggerAssign  Trigger = "assign"  // new → in progress, setting group and assignee
	TriggerStart   Trigger = "start"   // new → in progress (acknowledge)
	TriggerHold    Trigger = "hold"    // in progress → on hold, with a reason
	TriggerResume  Trigger = "resume"  // on hold → in progress
	TriggerResolve Trigger = "resolve" // in progress or on hold → resolved, with code and notes
	TriggerReopen  Trigger = "reopen"  // resolved → in progress
	TriggerClose   Trigger = "close"   // resolved → closed
	TriggerCancel  Trigger = "cancel"  // new, in progress or on hold → canceled
)

// Channel is how an incident was reported.
type Channel string

// Reporting channels.
const (
	ChannelPhone       Channel = "phone"
	ChannelEmail       Channel = "email"
	ChannelSelfService Channel = "self_service"
	ChannelChat        Channel = "chat"
	ChannelWalkIn      Channel = "walk_in"
	ChannelMonitoring  Channel = "monitoring"
)

var channels = []Channel{ChannelPhone, ChannelEmail, ChannelSelfService, ChannelChat, ChannelWalkIn, ChannelMonitoring}

// Valid reports whether c is a declared channel; the empty channel is valid (unknown).
func (c Channel) Valid() bool { return c == "" || slices.Contains(channels, c) }

// HoldReason says what an on-hold incident is waiting for.
type HoldReason string

// Hold reasons (ServiceNow's "on hold reason" choices).
const (
	AwaitingCaller  HoldReason = "awaiting_caller"
	AwaitingChange  HoldReason = "awaiting_change"
	AwaitingProblem HoldReason = "awaiting_problem"
	AwaitingVendor  HoldReason = "awaiting_vendor"
	// AwaitingEvidence is ServiceNow's older "Awaiting Evidence" state, kept as a hold
	// reason so that imported logs that use it stay valid incidents.
	AwaitingEvidence HoldReason = "awaiting_evidence"
)

var holdReasons = []HoldReason{AwaitingCaller, AwaitingChange, AwaitingProblem, AwaitingVendor, AwaitingEvidence}

// Valid reports whether r is a declared hold reason.
func (r HoldReason) Valid() bool { return slices.Contains(holdReasons, r) }

// ResolutionCode classifies how an incident was resolved.
type ResolutionCode string

// Resolution codes (ServiceNow's "resolution code" choices).
const (
	SolvedPermanently ResolutionCode = "solved_permanently"
	SolvedWorkaround  ResolutionCode = "solved_workaround"
	SolvedRemotely    ResolutionCode = "solved_remotely"
	NotReproducible   ResolutionCode = "not_reproducible"
	TooCostly         ResolutionCode = "too_costly"
	Duplicate         ResolutionCode = "duplicate"
	ClosedByCaller    ResolutionCode = "closed_by_caller"
)

var resolutionCodes = []ResolutionCode{SolvedPermanently, SolvedWorkaround, SolvedRemotely, NotReproducible, TooCostly, Duplicate, ClosedByCaller}

// Valid reports whether c is a declared resolution code.
func (c ResolutionCode) Valid() bool { return slices.Contains(resolutionCodes, c) }

// Visibility says who may read a comment.
type Visibility string

// Comment visibilities.
const (
	// Public comments are visible to the caller ("additional comments").
	Public Visibility = "comment"
	// WorkNote comments are visible to agents only.
	WorkNote Visibility = "work_note"
)

// Valid reports whether v is a declared visibility.
func (v Visibility) Valid() bool { return v == Public || v == WorkNote }
