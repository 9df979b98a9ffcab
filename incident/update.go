package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// UpdateInput is what Update changes: each non-nil field replaces the incident's
// value, a nil field keeps it. The zero UpdateInput changes nothing. A set field must
// pass the rule Open applies to it: Title is required; an empty Description, Service,
// ConfigurationItem, Category, Subcategory or Channel clears the field.
type UpdateInput struct {
	Title             *string
	Description       *string
	Service           *string
	ConfigurationItem *string
	Category          *string
	Subcategory       *string
	// Channel corrects how the incident was reported; "" means unknown.
	Channel *Channel
}

// check applies Open's rules to the fields in sets, in field order, and returns the
// first failure: an *itsm.ValidationError naming the field.
func (in *UpdateInput) check() error {
	var channel error
	if in.Channel != nil && !in.Channel.Valid() {
		channel = &itsm.ValidationError{Field: "channel", Problem: textcheck.Unknown(*in.Channel)}
	}
	return textcheck.First(
		optional(textcheck.RequiredLine, "title", in.Title, MaxTitleLength),
		optional(textcheck.Text, "description", in.Description, MaxTextLength),
		optional(textcheck.Line, "service", in.Service, MaxReferenceLength),
		optional(textcheck.Line, "configuration_item", in.ConfigurationItem, MaxReferenceLength),
		optional(textcheck.Line, "category", in.Category, MaxReferenceLength),
		optional(textcheck.Line, "subcategory", in.Subcategory, MaxReferenceLength),
		channel,
	)
}

// optional runs check on *s when s is set.
func optional(check func(field, s string, max int) error, field string, s *string, max int) error {
	if s == nil {
		return nil
	}
	return check(field, *s, max)
}

// apply sets the fields of inc that in sets.
func (in *UpdateInput) apply(inc *Incident) {
	set(&inc.Title, in.Title)
	set(&inc.Description, in.Description)
	set(&inc.Service, in.Service)
	set(&inc.ConfigurationItem, in.ConfigurationItem)
	set(&inc.Category, in.Category)
	set(&inc.Subcategory, in.Subcategory)
	set(&inc.Channel, in.Channel)
}

func set[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}

// Update edits an incident's descriptive fields after it was opened: its title,
// description, affected service and configuration item, category, subcategory and
// reporting channel, as in says. Each field given must pass the rule Open applies to
// it; bad input returns [itsm.ErrInvalid] (an *itsm.ValidationError naming the
// field) before anything is read. Impact and urgency change through
// SetImpactUrgency, the assignment through Assign, links through Link.
//
// It is authorized as [OpUpdate] on the incident as stored (DefaultAuthorizer: agents,
// managers and the system; a caller adds what they know with Comment instead). It
// returns [itsm.ErrTransitionNotAllowed] for an incident in a final state. The change
// is journaled as an [itsm.EventUpdated] entry whose Data holds the changed fields; an
// update that changes nothing stores nothing and returns the incident as stored.
func (s *Service) Update(ctx context.Context, actor itsm.Actor, ref Ref, in UpdateInput) (*Incident, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(inc *Incident, _ time.Time) (itsm.Event, error) {
		if err := s.updatable(ctx, actor, inc, OpUpdate); err != nil {
			return itsm.Event{}, err
		}
		in.apply(inc)
		return itsm.Event{Type: itsm.EventUpdated}, nil
	})
}

// LinkInput is what Link changes: each non-nil field replaces the incident's value, a
// nil field keeps it. The zero LinkInput changes nothing.
type LinkInput struct {
	// Problem links the incident to the problem record with this ID; the zero ID
	// unlinks it. The service does not look the problem up: problem records are the
	// host's.
	Problem *itsm.ID
	// Parent makes the incident a child of another incident of the tenant; the zero
	// ID detaches it. The parent must be readable by the actor, not the incident
	// itself, and not one of its descendants.
	Parent *itsm.ID
	// AddChanges links change records, after the ones already linked, in the order
	// given; an ID already linked stays where it is. RemoveChanges unlinks change
	// records; an ID not linked is ignored. Neither may hold the zero ID, and no ID
	// may be in both. Adding and removing, rather than giving the whole list, lets two
	// people link changes at once without one undoing the other.
	AddChanges    []itsm.ID
	RemoveChanges []itsm.ID
	// Major marks the incident as a major incident, or clears the mark. Changing it
	// is also authorized as [OpSetMajor].
	Major *bool
}

// check refuses what Link refuses before reading the incident self: a parent that is
// the incident itself, too many changes, a zero change ID, an ID both added and
// removed.
func (in *LinkInput) check(self itsm.ID) error {
	if in.Parent != nil && !in.Parent.IsZero() && *in.Parent == self {
		return &itsm.ValidationError{Field: "parent", Problem: "is the incident itself"}
	}
	if len(in.AddChanges) > MaxChanges {
		return &itsm.ValidationError{Field: "add_changes", Problem: fmt.Sprintf("holds %d changes, more than %d", len(in.AddChanges), MaxChanges)}
	}
	for i, id := range in.AddChanges {
		if id.IsZero() {
			return &itsm.ValidationError{Field: fmt.Sprintf("add_changes[%d]", i), Problem: "is the zero ID"}
		}
	}
	for i, id := range in.RemoveChanges {
		switch {
		case id.IsZero():
			return &itsm.ValidationError{Field: fmt.Sprintf("remove_changes[%d]", i), Problem: "is the zero ID"}
		case slices.Contains(in.AddChanges, id):
			return &itsm.ValidationError{Field: fmt.Sprintf("remove_changes[%d]", i), Problem: fmt.Sprintf("%s is also in add_changes", id)}
		}
	}
	return nil
}

// linked returns the linked changes after in's removals and additions. It returns
// current itself when in adds and removes nothing, and a new slice otherwise: the
// stored slice may share its array with the version a write compares against.
func (in *LinkInput) linked(current []itsm.ID) ([]itsm.ID, error) {
	if len(in.AddChanges) == 0 && len(in.RemoveChanges) == 0 {
		return current, nil
	}
	out := make([]itsm.ID, 0, len(current)+len(in.AddChanges))
	for _, id := range current {
		if !slices.Contains(in.RemoveChanges, id) {
			out = append(out, id)
		}
	}
	for _, id := range in.AddChanges {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxChanges && len(out) > len(current) {
		return nil, &itsm.ValidationError{Field: "add_changes", Problem: fmt.Sprintf("would link %d changes, more than %d", len(out), MaxChanges)}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// Link sets what an incident is linked to after it was opened: the problem behind it,
// the changes that caused or fix it, its parent incident, and whether it is a major
// incident, as in says.
//
// Before reading anything, it refuses with [itsm.ErrInvalid] (an
// *itsm.ValidationError naming the field) a zero change ID, an ID both added and
// removed, more than [MaxChanges] changes to add, and a parent that is the incident
// itself; adding changes past MaxChanges linked is refused the same way. A new parent that is not an incident of the tenant returns
// [itsm.ErrNotFound]; one the actor may not read, the authorizer's refusal; one that
// descends from the incident (its parent, or its parent's parent, and so on, is the
// incident) returns [itsm.ErrInvalid], since the link would make a cycle. Two Links
// that run at once, each making the other incident its parent, can still both
// succeed: the check reads the stored ancestors, not a lock.
//
// It is authorized as [OpUpdate] on the incident as stored (DefaultAuthorizer: agents,
// managers and the system), and a change of Major also as [OpSetMajor]. It returns
// [itsm.ErrTransitionNotAllowed] for an incident in a final state. The change is
// journaled as an [itsm.EventUpdated] entry whose Data holds the changed fields (the
// whole list for "changes"); a link that changes nothing stores nothing and returns
// the incident as stored.
func (s *Service) Link(ctx context.Context, actor itsm.Actor, ref Ref, in LinkInput) (*Incident, error) {
	if err := in.check(ref.ID); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(inc *Incident, _ time.Time) (itsm.Event, error) {
		if err := s.updatable(ctx, actor, inc, OpUpdate); err != nil {
			return itsm.Event{}, err
		}
		if in.Major != nil && *in.Major != inc.Major {
			if err := s.authorize(ctx, actor, OpSetMajor, inc); err != nil {
				return itsm.Event{}, err
			}
		}
		if in.Parent != nil && !in.Parent.IsZero() && *in.Parent != inc.Parent {
			if err := s.checkParent(ctx, actor, inc, *in.Parent); err != nil {
				return itsm.Event{}, err
			}
		}
		changes, err := in.linked(inc.Changes)
		if err != nil {
			return itsm.Event{}, err
		}
		set(&inc.Problem, in.Problem)
		set(&inc.Parent, in.Parent)
		set(&inc.Major, in.Major)
		inc.Changes = changes
		return itsm.Event{Type: itsm.EventUpdated}, nil
	})
}

// checkParent refuses parent as inc's new parent unless it is an incident of the
// tenant that actor may read and that does not descend from inc. It follows the
// stored parents up from parent until a root, a parent it cannot find, inc (a cycle)
// or an incident it saw already (a cycle that does not pass through inc).
func (s *Service) checkParent(ctx context.Context, actor itsm.Actor, inc *Incident, parent itsm.ID) error {
	p, err := s.repo.Get(ctx, actor.Tenant, parent)
	if err != nil {
		return storeError("link: parent", parent, "", err)
	}
	if err := s.authorize(ctx, actor, OpRead, p); err != nil {
		return err
	}
	number := p.Number
	seen := map[itsm.ID]bool{p.ID: true}
	for up := p.Parent; !up.IsZero() && !seen[up]; up = p.Parent {
		if up == inc.ID {
			return &itsm.ValidationError{Field: "parent", Problem: fmt.Sprintf("%s descends from %s: the link would make a cycle", number, inc.Number)}
		}
		seen[up] = true
		p, err = s.repo.Get(ctx, actor.Tenant, up)
		if errors.Is(err, itsm.ErrNotFound) {
			return nil
		}
		if err != nil {
			return storeError("link: parent", up, "", err)
		}
	}
	return nil
}
