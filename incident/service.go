package incident

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// Options configures a Service. The zero value works: the system clock, no logging,
// the default lifecycle, ServiceNow's priority matrix and the DefaultAuthorizer.
type Options struct {
	// Clock stamps every write. Nil means itsm.SystemClock.
	Clock itsm.Clock
	// Logger receives routine work at Debug level. Nil discards.
	Logger *slog.Logger
	// Lifecycle is the incident lifecycle. Nil means DefaultLifecycle().
	Lifecycle *Definition
	// Matrix derives priorities. The zero value is itsm.DefaultPriorityMatrix().
	Matrix itsm.PriorityMatrix
	// Authorize decides who may do what. Nil means DefaultAuthorizer.
	Authorize Authorizer
	// AfterCommit hooks receive the events of every committed write, in order, after
	// the write committed (notifications, integrations). They run synchronously in the
	// caller's goroutine; a slow hook slows the caller. They do not run for a service
	// bound to a host transaction (see Service.Tx): follow the journal instead.
	// Delivery is at most once: a process that stops between a commit and its hooks
	// never runs them for that write. A consumer that must see every event reads the
	// journal (History, or the store's journal) and deduplicates by event ID.
	AfterCommit []Hook
	// NumberPrefix prefixes incident numbers. Empty means "INC". It is one line of at
	// most MaxReferenceLength bytes of valid UTF-8 without control characters, so
	// that every number it makes can be stored.
	NumberPrefix string
	// AutoCloseAfter is CloseResolved's default age. Zero means 5 days; it cannot be
	// negative.
	AutoCloseAfter time.Duration
	// SLAs are the service level definitions every incident is measured against.
	// Nil means DefaultSLAsFor(Lifecycle, nil); an empty, non-nil slice means none.
	// No entry may be nil.
	SLAs []*sla.Definition
}

// Hook receives committed events.
type Hook func(ctx context.Context, events []itsm.Event)

// Ref names the incident a write applies to, and the version the caller read. A zero
// Version makes the service read the current version itself (and retry a few times
// if another writer wins meanwhile, unless the service is bound to a host transaction,
// see Service.Tx); a non-zero one fails with [itsm.ErrConflict] when the incident
// changed since.
type Ref struct {
	ID      itsm.ID
	Version int64
}

// Ref returns the reference to the incident at its current version.
func (i *Incident) Ref() Ref { return Ref{ID: i.ID, Version: i.Version} }

// Service runs the incident management use cases, one method each. It is safe for
// concurrent use. Every method validates its input before touching storage, scopes
// everything by the actor's tenant, and writes the new record version and its journal
// entries in one atomic Repository call.
//
// Every write reads the incident, then asks the authorizer whether actor may read it
// (OpRead, as Get does) before anything else: an actor who may not read the incident
// gets that refusal, matching [itsm.ErrForbidden], whatever the write, the version
// given or the incident's state, so a write tells them nothing a Get would not.
// Refusals past that point name the incident by its number.
//
// A field update that changes no field (Assign of the current group and assignee to
// an incident in progress or on hold, SetImpactUrgency with the current assessment,
// OverridePriority with the current priority and reason, Update and Link with the
// current values or none) is still validated, authorized and checked against
// Ref.Version, but stores nothing, journals nothing and runs no hooks: it returns the
// incident as stored, at the same version. Transitions and comments always write.
type Service struct {
	repo      Repository
	clock     itsm.Clock
	log       *slog.Logger
	def       *Definition // the configured lifecycle plus the authorization policy
	matrix    itsm.PriorityMatrix
	authorize Authorizer
	hooks     []Hook
	prefix    string
	autoClose time.Duration
	slas      []*sla.Definition
	inTx      bool // bound to a host's transaction: never retry a write
}

const autoRetries = 3

// NewService returns a service storing incidents in repo. It fails with
// [itsm.ErrInvalid] (a *itsm.ValidationError naming the option) when repo is nil, the
// lifecycle is not an incident lifecycle starting in New, NumberPrefix is not a line
// the service can store, AutoCloseAfter is negative or an entry of SLAs is nil.
func NewService(repo Repository, opts Options) (*Service, error) {
	if repo == nil {
		return nil, &itsm.ValidationError{Field: "repo", Problem: "is nil"}
	}
	if err := textcheck.Line("number_prefix", opts.NumberPrefix, MaxReferenceLength); err != nil {
		return nil, err
	}
	if opts.AutoCloseAfter < 0 {
		return nil, &itsm.ValidationError{Field: "auto_close_after", Problem: fmt.Sprintf("%v is negative", opts.AutoCloseAfter)}
	}
	if i := slices.Index(opts.SLAs, nil); i >= 0 {
		return nil, &itsm.ValidationError{Field: fmt.Sprintf("slas[%d]", i), Problem: "is nil"}
	}
	s := &Service{
		repo:      repo,
		clock:     itsm.ClockOrSystem(opts.Clock),
		log:       opts.Logger,
		matrix:    opts.Matrix,
		authorize: opts.Authorize,
		hooks:     opts.AfterCommit,
		prefix:    opts.NumberPrefix,
		autoClose: opts.AutoCloseAfter,
		slas:      opts.SLAs,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.authorize == nil {
		s.authorize = DefaultAuthorizer
	}
	if s.matrix.IsZero() {
		s.matrix = itsm.DefaultPriorityMatrix()
	}
	if s.prefix == "" {
		s.prefix = "INC"
	}
	if s.autoClose == 0 {
		s.autoClose = 5 * 24 * time.Hour
	}
	def := opts.Lifecycle
	if def == nil {
		def = DefaultLifecycle()
	}
	if def.Kind() != itsm.KindIncident || def.Initial() != New {
		return nil, &itsm.ValidationError{Field: "lifecycle", Problem: "must be an incident lifecycle starting in " + string(New)}
	}
	// Authorization joins the lifecycle's own policies, so one refusal lists every
	// reason: "not yours" and "resolution notes missing" together.
	full, err := def.Extend().Policy(func(ctx context.Context, req Request) error {
		return s.authorize(ctx, req.Actor, Operation(req.Trigger), subject(req))
	}).Build()
	if err != nil {
		return nil, fmt.Errorf("incident: lifecycle: %w", err)
	}
	s.def = full
	if s.slas == nil {
		s.slas = DefaultSLAsFor(def, nil)
	}
	return s, nil
}

// TxRepository is implemented by adapters that can join a host's database
// transaction (storage/sqlstore does).
type TxRepository interface {
	Repository
	// WithTx returns a Repository whose reads and writes run in tx.
	WithTx(tx *sql.Tx) Repository
}

// Tx returns a copy of the service whose writes run in the host's transaction tx: they
// commit or roll back with the host's own rows. It fails with [itsm.ErrInvalid] when
// the repository cannot join a transaction. AfterCommit hooks do not run on the copy,
// because the service cannot know whether the host commits. Nor does the copy retry
// a write that conflicts (see Ref): the conflict may have ended tx (a deadlock), and
// a retry would then write outside it; the host retries its whole transaction.
func (s *Service) Tx(tx *sql.Tx) (*Service, error) {
	txr, ok := s.repo.(TxRepository)
	if !ok {
		return nil, &itsm.ValidationError{Field: "repo", Problem: fmt.Sprintf("%T cannot join a host transaction", s.repo)}
	}
	c := *s
	c.repo = txr.WithTx(tx)
	c.hooks = nil
	c.inTx = true
	return &c, nil
}

// Lifecycle returns the lifecycle the service fires (with its authorization policy).
func (s *Service) Lifecycle() *Definition { return s.def }

// OpenInput is what Open needs. Title is required; the rest is optional.
type OpenInput struct {
	Title       string
	Description string
	// Caller is who is affected; empty means the actor.
	Caller            string
	Channel           Channel
	Service           string
	ConfigurationItem string
	Category          string
	Subcategory       string
	// Impact and Urgency default to low (priority P5 with the default matrix).
	Impact  itsm.Impact
	Urgency itsm.Urgency
	// AssignmentGroup and AssignedTo pre-assign the incident; it stays New.
	AssignmentGroup string
	AssignedTo      string
	Parent          itsm.ID
	Major           bool
	Custom          map[string]any
	// IdempotencyKey makes Open safe to retry: a second Open with the same key in the
	// same tenant returns the first incident, to an actor who may read it.
	IdempotencyKey string
}

// Open records a new incident in state New, numbered from the tenant's sequence.
//
// It returns [itsm.ErrInvalid] (a *itsm.ValidationError naming the field) for bad
// input, [itsm.ErrNotFound] when Parent is not an incident of the tenant, and
// [itsm.ErrForbidden] when the authorizer refuses (to open it, or to read Parent).
// With an IdempotencyKey already used in the tenant it stores nothing: it returns the
// incident first opened with the key when the authorizer lets actor read it (OpRead,
// as Get asks), and the refusal, matching [itsm.ErrForbidden], when not. A key is no
// capability: reusing another caller's key never discloses their incident.
func (s *Service) Open(ctx context.Context, actor itsm.Actor, in OpenInput) (*Incident, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	inc, err := s.newIncident(actor, in)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, OpOpen, inc); err != nil {
		return nil, err
	}
	if in.IdempotencyKey != "" {
		first, err := s.repo.FindByIdempotencyKey(ctx, actor.Tenant, in.IdempotencyKey)
		if err == nil {
			return s.retried(ctx, actor, first)
		}
		if !errors.Is(err, itsm.ErrNotFound) {
			return nil, fmt.Errorf("incident: open: %w", err)
		}
	}
	if !in.Parent.IsZero() {
		parent, err := s.repo.Get(ctx, actor.Tenant, in.Parent)
		if err != nil {
			return nil, storeError("open: parent", in.Parent, "", err)
		}
		if err := s.authorize(ctx, actor, OpRead, parent); err != nil {
			return nil, err // a parent is named by someone who may read it, as Link asks
		}
	}
	seq, err := s.repo.NextNumber(ctx, actor.Tenant, itsm.KindIncident)
	if err != nil {
		return nil, fmt.Errorf("incident: open: number: %w", err)
	}
	inc.Number = itsm.FormatNumber(s.prefix, seq)
	ev := s.event(actor, inc, 0, itsm.EventCreated)
	ev.To = string(inc.State)
	ev.Data = changes(&Incident{}, inc)
	events := []itsm.Event{ev}
	if err := s.repo.Create(ctx, inc, events); err != nil {
		if in.IdempotencyKey != "" && errors.Is(err, itsm.ErrAlreadyExists) {
			if first, ferr := s.repo.FindByIdempotencyKey(ctx, actor.Tenant, in.IdempotencyKey); ferr == nil {
				return s.retried(ctx, actor, first)
			}
		}
		return nil, fmt.Errorf("incident: open: %w", err)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.DebugContext(ctx, "incident opened", "tenant", inc.Tenant, "number", inc.Number, "id", inc.ID, "priority", inc.Priority)
	}
	s.committed(ctx, events)
	return inc, nil
}

// retried answers a retried Open with first, the incident its idempotency key opened,
// when actor may read it, and with the authorizer's refusal when not.
func (s *Service) retried(ctx context.Context, actor itsm.Actor, first *Incident) (*Incident, error) {
	if err := s.authorize(ctx, actor, OpRead, first); err != nil {
		return nil, err
	}
	return first, nil
}

func (s *Service) newIncident(actor itsm.Actor, in OpenInput) (*Incident, error) {
	if in.Caller == "" {
		in.Caller = actor.ID
	}
	if in.Impact == 0 {
		in.Impact = itsm.ImpactLow
	}
	if in.Urgency == 0 {
		in.Urgency = itsm.UrgencyLow
	}
	// The descriptive fields follow the rules Update applies when it changes them.
	details := UpdateInput{
		Title: &in.Title, Description: &in.Description, Service: &in.Service, ConfigurationItem: &in.ConfigurationItem,
		Category: &in.Category, Subcategory: &in.Subcategory, Channel: &in.Channel,
	}
	if err := textcheck.First(
		details.check(),
		textcheck.RequiredLine("caller", in.Caller, MaxReferenceLength),
		textcheck.Line("assignment_group", in.AssignmentGroup, MaxReferenceLength),
		textcheck.Line("assigned_to", in.AssignedTo, MaxReferenceLength),
		textcheck.Line("idempotency_key", in.IdempotencyKey, MaxReferenceLength),
	); err != nil {
		return nil, err
	}
	priority, err := s.matrix.Priority(in.Impact, in.Urgency)
	if err != nil {
		return nil, err
	}
	custom, err := normalizeCustom(in.Custom)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	inc := &Incident{
		Meta:              itsm.Meta{ID: itsm.NewID(), Tenant: actor.Tenant, Version: 1, CreatedAt: now, UpdatedAt: now},
		Title:             in.Title,
		Description:       in.Description,
		Caller:            in.Caller,
		OpenedBy:          actor.ID,
		Channel:           in.Channel,
		Service:           in.Service,
		ConfigurationItem: in.ConfigurationItem,
		Category:          in.Category,
		Subcategory:       in.Subcategory,
		Impact:            in.Impact,
		Urgency:           in.Urgency,
		Priority:          priority,
		AssignmentGroup:   in.AssignmentGroup,
		AssignedTo:        in.AssignedTo,
		State:             s.def.Initial(),
		OpenedAt:          now,
		Parent:            in.Parent,
		Major:             in.Major,
		IdempotencyKey:    in.IdempotencyKey,
		Custom:            custom,
	}
	if inc.AssignmentGroup != "" || inc.AssignedTo != "" {
		inc.FirstAssignedAt = now
	}
	return inc, nil
}

// Get returns the tenant's incident with id, or [itsm.ErrNotFound].
func (s *Service) Get(ctx context.Context, actor itsm.Actor, id itsm.ID) (*Incident, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	inc, err := s.repo.Get(ctx, actor.Tenant, id)
	if err != nil {
		return nil, storeError("get", id, "", err)
	}
	if err := s.authorize(ctx, actor, OpRead, inc); err != nil {
		return nil, err
	}
	return inc, nil
}

// List returns one page of the tenant's incidents matching filter and the cursor of
// the next page ("" after the last). A malformed filter, limit or cursor returns
// [itsm.ErrInvalid]; filter.States may name any state of the service's lifecycle,
// a host's own states included. Callers who may read only their own incidents must
// filter by their own Caller.
//
// The authorizer decides twice. First it allows or refuses the whole listing: List
// asks OpRead on a probe incident holding only the tenant and filter.Caller (its ID
// is zero), and returns that refusal, matching [itsm.ErrForbidden]. Then List drops
// each incident of the page that the authorizer does not let actor read (OpRead, as
// Get asks), so that an authorizer limiting reads (say, to the actor's assignment
// groups) limits listings too. A page may then hold fewer incidents than the limit,
// none even, with a cursor to the next: the cursor continues after the last incident
// the page read, kept or dropped, so following the cursors to the end returns every
// matching incident the actor may read exactly once, and none it may not.
//
// The repository filters by the states of the default lifecycle. A filter naming a
// state the host added is applied by the service instead: it reads the incidents
// that match the rest of the filter, page by page, until it has a page of those in
// the states asked for, so such a listing costs as much as one without States.
func (s *Service) List(ctx context.Context, actor itsm.Actor, filter Filter, page Page) ([]*Incident, string, error) {
	if err := actor.Validate(); err != nil {
		return nil, "", err
	}
	if err := filter.validate(s.def.HasState); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	if page.Cursor != "" {
		if _, err := ParseCursor(page.Cursor, page.Order); err != nil {
			return nil, "", err
		}
	}
	probe := &Incident{Meta: itsm.Meta{Tenant: actor.Tenant}, Caller: filter.Caller}
	if err := s.authorize(ctx, actor, OpRead, probe); err != nil {
		return nil, "", err
	}
	list := s.repo.List
	if slices.IndexFunc(filter.States, func(st State) bool { return !st.Valid() }) >= 0 {
		list = s.listOwnStates
	}
	items, next, err := list(ctx, actor.Tenant, filter, page)
	if err != nil {
		return nil, "", fmt.Errorf("incident: list: %w", err)
	}
	if items, err = s.readable(ctx, actor, items); err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// readable keeps the incidents of items that the authorizer lets actor read, in
// order, reusing items' array. A refusal drops the incident; any other error from the
// authorizer ends the listing with that error.
func (s *Service) readable(ctx context.Context, actor itsm.Actor, items []*Incident) ([]*Incident, error) {
	kept := items[:0]
	for _, inc := range items {
		err := s.authorize(ctx, actor, OpRead, inc)
		if err != nil && !errors.Is(err, itsm.ErrForbidden) {
			return nil, err
		}
		if err == nil {
			kept = append(kept, inc)
		}
	}
	clear(items[len(kept):]) // nothing past the page keeps a dropped incident reachable
	return kept, nil
}

// listOwnStates is List for a filter naming states outside the default lifecycle,
// which a Repository is never asked for: Filter.Validate refuses them, and an adapter
// may write states into its queries. It lists without the state filter, in the
// order asked for, and keeps the incidents in filter.States. It reads one incident
// past the page, so that it returns a cursor only when another page holds some.
func (s *Service) listOwnStates(ctx context.Context, tenant itsm.Tenant, filter Filter, page Page) ([]*Incident, string, error) {
	limit, _ := page.Size() // checked by List
	states := filter.States
	filter.States = nil
	scan := Page{Limit: MaxLimit, Order: page.Order, Cursor: page.Cursor}
	var out []*Incident
	for {
		batch, next, err := s.repo.List(ctx, tenant, filter, scan)
		if err != nil {
			return nil, "", err
		}
		for _, inc := range batch {
			if !slices.Contains(states, inc.State) {
				continue
			}
			if len(out) == limit {
				return out, CursorAfter(out[limit-1], page.Order).String(), nil
			}
			out = append(out, inc)
		}
		if next == "" {
			return out, "", nil
		}
		scan.Cursor = next
	}
}

// History returns the incident's journal in order: creation, transitions, updates and
// comments. It fails as Get does when actor may not read the incident.
//
// Work notes are left out unless the authorizer lets actor OpReadWorkNotes on the
// incident (DefaultAuthorizer: agents, managers and the system, never callers). A
// comment entry that does not say it is Public, such as one imported without a
// visibility, counts as a work note.
func (s *Service) History(ctx context.Context, actor itsm.Actor, id itsm.ID) ([]itsm.Event, error) {
	inc, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	events, err := s.repo.Events(ctx, actor.Tenant, id)
	if err != nil {
		return nil, storeError("history", id, inc.Number, err)
	}
	if err := s.authorize(ctx, actor, OpReadWorkNotes, inc); err != nil {
		if !errors.Is(err, itsm.ErrForbidden) {
			return nil, err
		}
		events = slices.DeleteFunc(events, isWorkNote)
	}
	return events, nil
}

// Assign sets the assignment group and assignee. A New incident moves to In Progress
// (the assign trigger); an incident in progress or on hold stays where it is and its
// reassignment count rises. Either group or assignee is required; an empty group keeps
// the current one.
func (s *Service) Assign(ctx context.Context, actor itsm.Actor, ref Ref, group, assignee string) (*Incident, error) {
	if err := textcheck.First(
		textcheck.Line("assignment_group", group, MaxReferenceLength),
		textcheck.Line("assigned_to", assignee, MaxReferenceLength),
	); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(inc *Incident, at time.Time) (itsm.Event, error) {
		if _, ok := s.def.Target(inc.State, TriggerAssign); ok || !inc.IsOpen() {
			return s.fire(ctx, actor, inc, TriggerAssign, Args{At: at, AssignmentGroup: group, AssignedTo: assignee})
		}
		if group == "" && assignee == "" {
			return itsm.Event{}, &itsm.ValidationError{Field: "assignment_group", Problem: "an assignment group or an assignee is required"}
		}
		if err := s.authorize(ctx, actor, OpAssign, inc); err != nil {
			return itsm.Event{}, err
		}
		assign(inc, group, assignee, at)
		return itsm.Event{Type: itsm.EventUpdated}, nil
	})
}

// Start moves a New incident to In Progress: someone acknowledged it.
func (s *Service) Start(ctx context.Context, actor itsm.Actor, ref Ref) (*Incident, error) {
	return s.transition(ctx, actor, ref, TriggerStart, Args{})
}

// Hold puts an incident in progress on hold, waiting for reason.
func (s *Service) Hold(ctx context.Context, actor itsm.Actor, ref Ref, reason HoldReason) (*Incident, error) {
	return s.transition(ctx, actor, ref, TriggerHold, Args{HoldReason: reason})
}

// Resume takes an incident off hold.
func (s *Service) Resume(ctx context.Context, actor itsm.Actor, ref Ref) (*Incident, error) {
	return s.transition(ctx, actor, ref, TriggerResume, Args{})
}

// Resolve records the resolution; code and notes are required.
func (s *Service) Resolve(ctx context.Context, actor itsm.Actor, ref Ref, code ResolutionCode, notes string) (*Incident, error) {
	if err := textcheck.Text("resolution_notes", notes, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerResolve, Args{ResolutionCode: code, ResolutionNotes: notes})
}

// Reopen sends a resolved incident back to In Progress and counts the reopening.
func (s *Service) Reopen(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Incident, error) {
	if err := textcheck.Text("reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerReopen, Args{Reason: reason})
}

// Close closes a resolved incident.
func (s *Service) Close(ctx context.Context, actor itsm.Actor, ref Ref) (*Incident, error) {
	return s.transition(ctx, actor, ref, TriggerClose, Args{})
}

// Cancel cancels an incident that was opened in error or is a duplicate.
func (s *Service) Cancel(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Incident, error) {
	if err := textcheck.Text("reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerCancel, Args{Reason: reason})
}

// SetImpactUrgency re-assesses an incident and recomputes its priority through the
// matrix; a new assessment replaces a priority override. The change is journaled. It
// returns [itsm.ErrTransitionNotAllowed] for an incident in a final state.
func (s *Service) SetImpactUrgency(ctx context.Context, actor itsm.Actor, ref Ref, impact itsm.Impact, urgency itsm.Urgency) (*Incident, error) {
	priority, err := s.matrix.Priority(impact, urgency)
	if err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(inc *Incident, _ time.Time) (itsm.Event, error) {
		if err := s.updatable(ctx, actor, inc, OpUpdate); err != nil {
			return itsm.Event{}, err
		}
		inc.Impact, inc.Urgency, inc.Priority, inc.PriorityOverride = impact, urgency, priority, ""
		return itsm.Event{Type: itsm.EventUpdated}, nil
	})
}

// OverridePriority sets the priority by hand, recording why. Only actors the
// authorizer allows OpOverridePriority (managers by default) may.
func (s *Service) OverridePriority(ctx context.Context, actor itsm.Actor, ref Ref, p itsm.Priority, reason string) (*Incident, error) {
	if !p.Valid() {
		return nil, &itsm.ValidationError{Field: "priority", Problem: fmt.Sprintf("unknown value %d", uint8(p))}
	}
	if err := textcheck.RequiredLine("priority_override", reason, MaxReferenceLength*2); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(inc *Incident, _ time.Time) (itsm.Event, error) {
		if err := s.updatable(ctx, actor, inc, OpOverridePriority); err != nil {
			return itsm.Event{}, err
		}
		inc.Priority, inc.PriorityOverride = p, reason
		return itsm.Event{Type: itsm.EventUpdated, Reason: reason}, nil
	})
}

// Comment adds a comment (visible to the caller) or a work note (agents only) to the
// journal. Comments are allowed in every state, closed included.
func (s *Service) Comment(ctx context.Context, actor itsm.Actor, ref Ref, body string, visibility Visibility) (*Incident, error) {
	if err := textcheck.RequiredText("body", body, MaxTextLength); err != nil {
		return nil, err
	}
	if visibility == "" {
		visibility = Public
	}
	if !visibility.Valid() {
		return nil, &itsm.ValidationError{Field: "visibility", Problem: textcheck.Unknown(visibility)}
	}
	op := OpComment
	if visibility == WorkNote {
		op = OpWorkNote
	}
	return s.write(ctx, actor, ref, func(inc *Incident, _ time.Time) (itsm.Event, error) {
		if err := s.authorize(ctx, actor, op, inc); err != nil {
			return itsm.Event{}, err
		}
		var buf [128]byte
		data := object(buf[:0]).str("body", body).str("visibility", string(visibility)).json()
		return itsm.Event{Type: itsm.EventCommented, Data: data}, nil
	})
}

// isWorkNote reports whether e is a comment for agents only: a work note, or a comment
// whose Data does not say it is public.
func isWorkNote(e itsm.Event) bool {
	if e.Type != itsm.EventCommented {
		return false
	}
	var c struct {
		Visibility Visibility `json:"visibility"`
	}
	return json.Unmarshal(e.Data, &c) != nil || c.Visibility != Public
}

// updatable refuses field updates on incidents in a final state, and asks the
// authorizer.
func (s *Service) updatable(ctx context.Context, actor itsm.Actor, inc *Incident, op Operation) error {
	if s.def.IsFinal(inc.State) {
		return &itsm.TransitionError{Kind: itsm.KindIncident, ID: inc.ID, Number: inc.Number, From: string(inc.State), Trigger: string(op)}
	}
	return s.authorize(ctx, actor, op, inc)
}

// transition is the write of a use case that is exactly one lifecycle trigger.
func (s *Service) transition(ctx context.Context, actor itsm.Actor, ref Ref, t Trigger, args Args) (*Incident, error) {
	return s.write(ctx, actor, ref, func(inc *Incident, at time.Time) (itsm.Event, error) {
		args.At = at
		return s.fire(ctx, actor, inc, t, args)
	})
}

// fire runs trigger on inc and describes the transition as a journal entry.
func (s *Service) fire(ctx context.Context, actor itsm.Actor, inc *Incident, t Trigger, args Args) (itsm.Event, error) {
	// inc is the write's private copy, dropped when the fire fails: no snapshot needed.
	tr, err := s.def.FireCopy(ctx, actor, inc, t, args)
	if err != nil {
		return itsm.Event{}, err
	}
	reason := args.Reason
	if t == TriggerHold {
		reason = string(args.HoldReason)
	}
	return itsm.Event{Type: itsm.EventTransitioned, From: string(tr.From), To: string(tr.To), Trigger: string(tr.Trigger), Reason: reason}, nil
}

// write loads the incident at ref, lets change modify a copy and describe the change
// as an event, then stores the new version with the event. A field update (an updated
// event without Data) that changes no field stores nothing and returns the incident
// as stored. With ref.Version zero it retries a few times when another writer wins
// the race, unless the service is bound to a host's transaction or the conflict says
// that retrying cannot succeed (Retryable() false).
func (s *Service) write(ctx context.Context, actor itsm.Actor, ref Ref, change func(inc *Incident, at time.Time) (itsm.Event, error)) (*Incident, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	if ref.ID.IsZero() {
		return nil, &itsm.ValidationError{Field: "id", Problem: "is required"}
	}
	if ref.Version < 0 {
		return nil, &itsm.ValidationError{Field: "version", Problem: "is negative"}
	}
	for attempt := 1; ; attempt++ {
		inc, events, err := s.tryWrite(ctx, actor, ref, change)
		if err == nil {
			s.committed(ctx, events)
			return inc, nil
		}
		if ref.Version != 0 || s.inTx || attempt == autoRetries || !itsm.IsRetryableConflict(err) {
			return nil, err
		}
		s.log.DebugContext(ctx, "incident write conflict, retrying", "id", ref.ID, "attempt", attempt)
	}
}

func (s *Service) tryWrite(ctx context.Context, actor itsm.Actor, ref Ref, change func(inc *Incident, at time.Time) (itsm.Event, error)) (*Incident, []itsm.Event, error) {
	stored, err := s.repo.Get(ctx, actor.Tenant, ref.ID)
	if err != nil {
		return nil, nil, storeError("write", ref.ID, "", err)
	}
	// Before anything that depends on the record (its version, its state, the
	// lifecycle's answer), make sure the actor may see it at all.
	if err := s.authorize(ctx, actor, OpRead, stored); err != nil {
		return nil, nil, err
	}
	if ref.Version != 0 && stored.Version != ref.Version {
		return nil, nil, fmt.Errorf("incident %s: read version %d, stored version is %d: %w", stored.Number, ref.Version, stored.Version, itsm.ErrConflict)
	}
	// The repository handed us a copy of its own: change it in place and keep a
	// shallow copy of the stored version to describe the change.
	before, inc := *stored, stored
	at := s.clock.Now()
	ev, err := change(inc, at)
	if err != nil {
		return nil, nil, err
	}
	data := ev.Data
	if data == nil {
		data = changes(&before, inc)
		if data == nil && ev.Type == itsm.EventUpdated {
			return inc, nil, nil // a field update that changes no field: nothing to store
		}
	}
	inc.Version = before.Version + 1
	inc.UpdatedAt = at
	full := s.event(actor, inc, 0, ev.Type)
	full.From, full.To, full.Trigger, full.Reason = ev.From, ev.To, ev.Trigger, ev.Reason
	full.Data = data
	events := []itsm.Event{full}
	if err := s.repo.Update(ctx, inc, before.Version, events); err != nil {
		return nil, nil, storeError("write", inc.ID, inc.Number, err)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) { // spares boxing the attributes on every write
		s.log.DebugContext(ctx, "incident updated", "tenant", inc.Tenant, "number", inc.Number, "type", full.Type, "trigger", full.Trigger, "version", inc.Version)
	}
	return inc, events, nil
}

func (s *Service) event(actor itsm.Actor, inc *Incident, index int, t itsm.EventType) itsm.Event {
	return itsm.Event{
		ID:       itsm.NewIDAt(inc.UpdatedAt),
		Tenant:   inc.Tenant,
		Kind:     itsm.KindIncident,
		EntityID: inc.ID,
		Version:  inc.Version,
		Index:    index,
		Type:     t,
		Actor:    actor.ID,
		At:       inc.UpdatedAt,
	}
}

func (s *Service) committed(ctx context.Context, events []itsm.Event) {
	if len(events) == 0 { // a write that changed nothing committed nothing
		return
	}
	for _, h := range s.hooks {
		h(ctx, events)
	}
}

// storeError wraps err, the repository's answer about the incident id (and number,
// when known), with what the service was doing, so that the message names the
// incident once: the adapters of this module name the record in their errors
// already, and an adapter that does not gets it named here.
func storeError(what string, id itsm.ID, number string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, id.String()) || number != "" && strings.Contains(msg, number) {
		return fmt.Errorf("incident: %s: %w", what, err)
	}
	name := number
	if name == "" {
		name = id.String()
	}
	return fmt.Errorf("incident: %s: incident %s: %w", what, name, err)
}
