package csi

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/itsmkit/itsmkit/itsm"
)

// Options configures a Service. The zero value works: the system clock, no logging,
// the default lifecycle and the DefaultAuthorizer.
type Options struct {
	// Clock stamps every write. Nil means itsm.SystemClock.
	Clock itsm.Clock
	// Logger receives routine work at Debug level. Nil discards.
	Logger *slog.Logger
	// Lifecycle is the improvement lifecycle. Nil means DefaultLifecycle().
	Lifecycle *Definition
	// Authorize decides who may do what. Nil means DefaultAuthorizer.
	Authorize Authorizer
	// AfterCommit hooks receive the events of every committed write, in order, after
	// the write committed (notifications, integrations). They run synchronously in the
	// caller's goroutine; a slow hook slows the caller. They do not run for a service
	// bound to a host transaction (see Service.Tx): follow the journal instead.
	AfterCommit []Hook
	// NumberPrefix prefixes item numbers. Empty means "CSI".
	NumberPrefix string
}

// Hook receives committed events.
type Hook func(ctx context.Context, events []itsm.Event)

// Ref names the item a write applies to, and the version the caller read. A zero
// Version makes the service read the current version itself (and retry a few times if
// another writer wins meanwhile); a non-zero one fails with [itsm.ErrConflict] when
// the item changed since.
type Ref struct {
	ID      itsm.ID
	Version int64
}

// Service runs the CSI register's use cases, one method each. It is safe for
// concurrent use. Every method validates its input before touching storage (Revise,
// whose rules span the stored fields, before writing), scopes everything by the
// actor's tenant, and writes the new item version and its journal entry in one atomic
// Repository call.
//
// Every write reads the item, then asks the authorizer whether actor may read it
// (OpRead, as Get does) before anything else: an actor who may not read the item gets
// that refusal, matching [itsm.ErrForbidden], whatever the write, the version given or
// the item's state, so a write tells them nothing a Get would not. Refusals past that
// point name the item by its number.
type Service struct {
	repo      Repository
	clock     itsm.Clock
	log       *slog.Logger
	def       *Definition // the configured lifecycle plus the authorization policy
	authorize Authorizer
	hooks     []Hook
	prefix    string
	inTx      bool // bound to a host's transaction: never retry a write
}

// NewService returns a service storing items in repo. It fails with [itsm.ErrInvalid]
// when repo is nil or the lifecycle is not an improvement lifecycle starting in New.
func NewService(repo Repository, opts Options) (*Service, error) {
	if repo == nil {
		return nil, invalid("repo", "is nil")
	}
	s := &Service{
		repo:      repo,
		clock:     itsm.ClockOrSystem(opts.Clock),
		log:       opts.Logger,
		authorize: opts.Authorize,
		hooks:     opts.AfterCommit,
		prefix:    opts.NumberPrefix,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.authorize == nil {
		s.authorize = DefaultAuthorizer
	}
	if s.prefix == "" {
		s.prefix = "CSI"
	}
	def := opts.Lifecycle
	if def == nil {
		def = DefaultLifecycle()
	}
	if def.Kind() != itsm.KindImprovement || def.Initial() != New {
		return nil, invalid("lifecycle", "must be an improvement lifecycle starting in "+string(New))
	}
	// Authorization joins the lifecycle's own policies, so one refusal lists every
	// reason: "managers only" and "review notes missing" together.
	full, err := def.Extend().Policy(func(ctx context.Context, req Request) error {
		return s.authorize(ctx, req.Actor, Operation(req.Trigger), subject(req))
	}).Build()
	if err != nil {
		return nil, fmt.Errorf("improvement: lifecycle: %w", err)
	}
	s.def = full
	return s, nil
}

// TxRepository is implemented by adapters that can join a host's database
// transaction.
type TxRepository interface {
	Repository
	// WithTx returns a Repository whose reads and writes run in tx.
	WithTx(tx *sql.Tx) Repository
}

// Tx returns a copy of the service whose writes run in the host's transaction tx: they
// commit or roll back with the host's own rows. It fails with [itsm.ErrInvalid] when
// the repository cannot join a transaction. AfterCommit hooks do not run on the copy,
// because the service cannot know whether the host commits, and its writes are never
// retried: a conflict comes back to the host, whose transaction is to be retried.
func (s *Service) Tx(tx *sql.Tx) (*Service, error) {
	txr, ok := s.repo.(TxRepository)
	if !ok {
		return nil, invalid("repo", fmt.Sprintf("%T cannot join a host transaction", s.repo))
	}
	c := *s
	c.repo = txr.WithTx(tx)
	c.hooks = nil
	c.inTx = true
	return &c, nil
}

// Lifecycle returns the lifecycle the service fires (with its authorization policy).
func (s *Service) Lifecycle() *Definition { return s.def }

// Get returns the tenant's item with id, or [itsm.ErrNotFound].
func (s *Service) Get(ctx context.Context, actor itsm.Actor, id itsm.ID) (*Item, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	it, err := s.repo.Get(ctx, actor.Tenant, id)
	if err != nil {
		return nil, fmt.Errorf("improvement %s: %w", id, err)
	}
	if err := s.authorize(ctx, actor, OpRead, it); err != nil {
		return nil, err
	}
	return it, nil
}

// List returns one page of the tenant's items matching filter, in [SortKey] order,
// and the cursor of the next page ("" after the last). A malformed filter, limit or
// cursor returns [itsm.ErrInvalid].
func (s *Service) List(ctx context.Context, actor itsm.Actor, filter Filter, page Page) ([]*Item, string, error) {
	if err := actor.Validate(); err != nil {
		return nil, "", err
	}
	if err := filter.Validate(); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	if page.Cursor != "" {
		if _, err := ParseCursor(page.Cursor); err != nil {
			return nil, "", err
		}
	}
	if err := s.authorize(ctx, actor, OpRead, &Item{Meta: itsm.Meta{Tenant: actor.Tenant}}); err != nil {
		return nil, "", err
	}
	items, next, err := s.repo.List(ctx, actor.Tenant, filter, page)
	if err != nil {
		return nil, "", fmt.Errorf("improvement: list: %w", err)
	}
	return items, next, nil
}

// History returns the item's journal in order: its registration, transitions and
// measurements.
func (s *Service) History(ctx context.Context, actor itsm.Actor, id itsm.ID) ([]itsm.Event, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	events, err := s.repo.Events(ctx, actor.Tenant, id)
	if err != nil {
		return nil, fmt.Errorf("improvement %s: history: %w", id, err)
	}
	return events, nil
}
