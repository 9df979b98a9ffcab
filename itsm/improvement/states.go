package improvement

// The incident states the metrics give meaning to. Records of other kinds whose
// lifecycles use the same names (service requests) are measured alike.
const (
	stateNew        = "new"
	stateInProgress = "in_progress"
	stateOnHold     = "on_hold"
	stateResolved   = "resolved"
	stateClosed     = "closed"
	stateCanceled   = "canceled"
)

// isOpen reports whether a record in state s is still to be worked: new, in progress
// or on hold.
func isOpen(s string) bool { return s == stateNew || s == stateInProgress || s == stateOnHold }

// isFinal reports whether s ends the record: closed or canceled. A final state accrues
// no time in state while the record stays in it.
func isFinal(s string) bool { return s == stateClosed || s == stateCanceled }

// isDone reports whether a record in state s is out of the backlog.
func isDone(s string) bool { return s == stateResolved || isFinal(s) }
