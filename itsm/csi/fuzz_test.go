package csi_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// FuzzRegister feeds arbitrary input to Register: it either refuses with ErrInvalid
// and stores nothing, or stores exactly what it was given, with a target that
// improves on the baseline.
func FuzzRegister(f *testing.F) {
	f.Add("Cut MTTR", "details\nmore", "mail", "mttr", "h", "lower_is_better", 8.0, 4.0, uint8(0), "ana", int64(0))
	f.Add("", "", "", "", "", "", 0.0, 0.0, uint8(9), "", int64(-1))
	f.Add("SLA", "", "vpn", "sla_attainment:gold:24x7", "%", "higher_is_better", 91.5, 99.0, uint8(1), "", int64(1<<40))
	f.Add("nul\x00", "\xff", "x", "Sla:", "u", "sideways", math.Inf(1), math.NaN(), uint8(5), "a\tb", int64(math.MaxInt64))
	f.Add("ok", "", "svc", ":q", "", "higher_is_better", 1.0, 1.0, uint8(3), "", int64(253402300800))
	f.Fuzz(func(t *testing.T, title, description, service, metric, unit, direction string, baseline, target float64, priority uint8, owner string, due int64) {
		repo := memory.New().Improvements()
		svc, err := csi.NewService(repo, csi.Options{Clock: itsmtest.NewClock(time.Unix(0, 0))})
		if err != nil {
			t.Fatal(err)
		}
		in := csi.RegisterInput{
			Title: title, Description: description, Service: service,
			Metric: csi.Metric(metric), Unit: unit, Direction: csi.Direction(direction),
			Baseline: baseline, Target: target, Priority: itsm.Priority(priority), Owner: owner,
		}
		if due != 0 {
			in.Due = time.Unix(due, 0)
		}
		it, err := svc.Register(t.Context(), itsmtest.Agent, in)
		stored, _, listErr := repo.List(t.Context(), itsmtest.Tenant, csi.Filter{}, csi.Page{})
		if listErr != nil {
			t.Fatal(listErr)
		}
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("Register refused with %v, want ErrInvalid", err)
			}
			if len(stored) != 0 {
				t.Fatalf("refused input stored %d items", len(stored))
			}
			return
		}
		if len(stored) != 1 {
			t.Fatalf("stored %d items, want 1", len(stored))
		}
		got := stored[0]
		if got.Title != title || got.Description != description || got.Service != service || string(got.Metric) != metric ||
			got.Unit != unit || string(got.Direction) != direction || got.Baseline != baseline || got.Target != target ||
			got.Owner != owner || !got.Due.Equal(in.Due.Truncate(time.Microsecond)) || *got != *it {
			t.Fatalf("stored %+v, want the input back: %+v", got, in)
		}
		if !got.Direction.Improves(got.Target, got.Baseline) || !got.Priority.Valid() || got.Metric.Validate() != nil {
			t.Fatalf("stored an item the rules refuse: %+v", got)
		}
		journal, err := repo.Events(t.Context(), got.Tenant, got.ID)
		if err != nil || len(journal) != 1 || len(journal[0].Data) == 0 {
			t.Fatalf("journal = %+v (%v), want one created entry with data", journal, err)
		}
	})
}

// FuzzRevise feeds arbitrary revisions to an item under assessment: Revise either
// refuses with ErrInvalid and changes nothing, or stores the revised plan, which the
// rules accept, with one journal entry when something changed and none otherwise.
func FuzzRevise(f *testing.F) {
	f.Add("Cut MTTR", "mttr", "h", "lower_is_better", 9.0, 5.0, uint8(2), "because")
	f.Add("", "", "", "", 0.0, 0.0, uint8(0), "")
	f.Add("Cut mail incident MTTR", "mttr", "h", "lower_is_better", 8.0, 4.0, uint8(3), "")
	f.Add("SLA", "sla_attainment:gold", "%", "higher_is_better", 91.5, 99.0, uint8(1), "re-measured")
	f.Add("nul\x00", "Sla:", "a\nb", "sideways", math.Inf(-1), math.NaN(), uint8(7), "\xff")
	f.Fuzz(func(t *testing.T, title, metric, unit, direction string, baseline, target float64, priority uint8, reason string) {
		repo := memory.New().Improvements()
		svc, err := csi.NewService(repo, csi.Options{Clock: itsmtest.NewClock(time.Unix(0, 0))})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		it, err := svc.Register(ctx, itsmtest.Agent, mttrInput())
		if err == nil {
			it, err = svc.Accept(ctx, itsmtest.Agent, it.Ref())
		}
		if err != nil {
			t.Fatal(err)
		}
		p, m, d := itsm.Priority(priority), csi.Metric(metric), csi.Direction(direction)
		in := csi.ReviseInput{Title: &title, Metric: &m, Unit: &unit, Direction: &d, Baseline: &baseline, Target: &target, Priority: &p, Reason: reason}

		got, err := svc.Revise(ctx, itsmtest.Agent, it.Ref(), in)
		stored, serr := repo.Get(ctx, it.Tenant, it.ID)
		journal, jerr := repo.Events(ctx, it.Tenant, it.ID)
		if serr != nil || jerr != nil {
			t.Fatal(serr, jerr)
		}
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("Revise refused with %v, want ErrInvalid", err)
			}
			if *stored != *it || len(journal) != 2 {
				t.Fatalf("refused revision changed the item to %+v, journal %d entries", stored, len(journal))
			}
			return
		}
		if *stored != *got || got.Title != title || got.Metric != m || got.Unit != unit || got.Direction != d ||
			got.Baseline != baseline || got.Target != target || got.Priority != p {
			t.Fatalf("stored %+v, want the revision: %+v", stored, in)
		}
		if !got.Direction.Improves(got.Target, got.Baseline) || !got.Priority.Valid() || got.Metric.Validate() != nil {
			t.Fatalf("stored a plan the rules refuse: %+v", got)
		}
		changed := got.Title != it.Title || got.Metric != it.Metric || got.Unit != it.Unit || got.Direction != it.Direction ||
			got.Baseline != it.Baseline || got.Target != it.Target || got.Priority != it.Priority
		if !changed && (len(journal) != 2 || got.Version != it.Version) ||
			changed && (len(journal) != 3 || got.Version != it.Version+1 || len(journal[2].Data) == 0) {
			t.Fatalf("changed %v: version %d, journal %d entries", changed, got.Version, len(journal))
		}
	})
}

// FuzzParseCursor checks that ParseCursor either refuses with ErrInvalid or returns a
// key that encodes to a cursor naming the same key.
func FuzzParseCursor(f *testing.F) {
	f.Add(csi.SortKey{Priority: itsm.P2, CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 1, time.UTC), ID: itsm.NewID()}.String())
	f.Add("P1_2026-03-02T09:00:00+01:00_01890a5d-ac96-774b-bcce-b302099a8057")
	f.Add("p9_x_y")
	f.Add("")
	f.Add("P3__")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := csi.ParseCursor(s)
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("ParseCursor(%q): %v, want ErrInvalid", s, err)
			}
			return
		}
		again, err := csi.ParseCursor(k.String())
		if err != nil || again.Compare(k) != 0 || !k.Priority.Valid() || k.ID.IsZero() {
			t.Fatalf("ParseCursor(%q) = %+v does not round-trip: %+v, %v", s, k, again, err)
		}
	})
}
