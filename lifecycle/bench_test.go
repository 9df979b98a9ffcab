package lifecycle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/qmuntal/stateless"

	"github.com/itsmkit/itsmkit/itsm"
)

// One life is five transitions of the ticket lifecycle, from new to closed.
var life = [5]Trigger{Start, Hold, Resume, Resolve, Close}

// boxedLife is life with each trigger boxed once, for stateless.
var boxedLife = [5]any{Start, Hold, Resume, Resolve, Close}

// benchTicket fills two cache lines (its size class is 128 bytes), so that subjects
// of different goroutines never share one and the scaling figures measure the engine.
type benchTicket struct {
	state State
	_     [128 - 16]byte
}

func (k *benchTicket) LifecycleState() State     { return k.state }
func (k *benchTicket) SetLifecycleState(s State) { k.state = s }

// boxedTicket keeps its state boxed, as stateless sees it, so that bare stateless
// runs without allocating. It is padded like benchTicket.
type boxedTicket struct {
	state any
	_     [128 - 16]byte
}

// A life runs five transitions on its own subject.
type lifeFunc = func()

// engineLives returns a constructor of lives through the engine: five Fire calls, on
// one Definition shared by all lives.
func engineLives(b *testing.B) func() lifeFunc {
	def := build(b, ticketBuilder())
	ctx := context.Background()
	actor := itsm.Actor{ID: "alice", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	return func() lifeFunc {
		k := &benchTicket{}
		return func() {
			k.state = New
			for _, t := range life {
				if _, err := def.Fire(ctx, actor, k, t, nil); err != nil {
					panic(err)
				}
			}
		}
	}
}

type subjectKey struct{}

// sharedMachine returns ONE stateless machine configured once with the ticket
// lifecycle, in FiringImmediate mode with external storage that finds the subject in
// the context: how a host would use stateless directly for many records.
func sharedMachine(b *testing.B, accessor func(context.Context) (stateless.State, error), mutator func(context.Context, stateless.State) error) *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(accessor, mutator, stateless.FiringImmediate)
	for _, t := range build(b, ticketBuilder()).Transitions() {
		if t.From == t.To {
			sm.Configure(t.From).PermitReentry(t.Trigger)
		} else {
			sm.Configure(t.From).Permit(t.Trigger, t.To)
		}
	}
	return sm
}

// statelessLives returns a constructor of lives through bare stateless written the
// plain way: the subject in a context value set per life, the state boxed when
// stateless reads it, the triggers boxed when fired.
func statelessLives(b *testing.B) func() lifeFunc {
	sm := sharedMachine(b,
		func(ctx context.Context) (stateless.State, error) {
			return ctx.Value(subjectKey{}).(*benchTicket).state, nil
		},
		func(ctx context.Context, s stateless.State) error {
			ctx.Value(subjectKey{}).(*benchTicket).state = s.(State)
			return nil
		})
	return func() lifeFunc {
		k := &benchTicket{}
		return func() {
			k.state = New
			ctx := context.WithValue(context.Background(), subjectKey{}, k)
			for _, t := range life {
				if err := sm.FireCtx(ctx, t); err != nil {
					panic(err)
				}
			}
		}
	}
}

// tunedLives returns a constructor of lives through bare stateless tuned to allocate
// nothing: a context per subject made once, the state kept boxed, the triggers boxed
// once. It is the fastest way to use one shared machine.
func tunedLives(b *testing.B) func() lifeFunc {
	sm := sharedMachine(b,
		func(ctx context.Context) (stateless.State, error) {
			return ctx.Value(subjectKey{}).(*boxedTicket).state, nil
		},
		func(ctx context.Context, s stateless.State) error {
			ctx.Value(subjectKey{}).(*boxedTicket).state = s
			return nil
		})
	return func() lifeFunc {
		k := &boxedTicket{}
		ctx := context.WithValue(context.Background(), subjectKey{}, k)
		return func() {
			k.state = New
			for _, t := range boxedLife {
				if err := sm.FireCtx(ctx, t); err != nil {
					panic(err)
				}
			}
		}
	}
}

// switchLives returns a constructor of lives through a hand-written switch: the
// floor.
func switchLives() lifeFunc {
	k := &benchTicket{}
	return func() {
		k.state = New
		for _, t := range life {
			if !switchFire(k, t) {
				panic(t)
			}
		}
	}
}

//go:noinline
func switchFire(k *benchTicket, t Trigger) bool {
	to := k.state
	switch k.state {
	case New:
		switch t {
		case Start:
			to = Open
		case Cancel:
			to = Cancelled
		}
	case Open:
		switch t {
		case Hold:
			to = OnHold
		case Resolve:
			to = Resolved
		case Cancel:
			to = Cancelled
		case Note:
			return true
		}
	case OnHold:
		switch t {
		case Resume:
			to = Open
		case Cancel:
			to = Cancelled
		}
	case Resolved:
		switch t {
		case Reopen:
			to = Open
		case Close:
			to = Closed
		}
	}
	if to == k.state {
		return false
	}
	k.state = to
	return true
}

// BenchmarkLife runs one life (5 transitions) through the engine, bare stateless
// (plain and tuned) and a hand-written switch, interleaved in chunks of the same b.N,
// and reports each side's time and allocations per life, and the engine's time over
// bare stateless's: x-stateless against the plain use, x-stateless-tuned against the
// allocation-free one.
func BenchmarkLife(b *testing.B) {
	sides := []struct {
		name string
		life lifeFunc
	}{
		{"engine", engineLives(b)()},
		{"stateless", statelessLives(b)()},
		{"stateless-tuned", tunedLives(b)()},
		{"switch", switchLives()},
	}
	allocs := make([]float64, len(sides))
	for i, s := range sides {
		allocs[i] = testing.AllocsPerRun(1000, s.life)
	}
	elapsed := make([]time.Duration, len(sides))
	b.ReportAllocs()
	b.ResetTimer()
	const chunk = 64
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		for i, s := range sides {
			start := time.Now()
			for range n {
				s.life()
			}
			elapsed[i] += time.Since(start)
		}
	}
	for i, s := range sides {
		b.ReportMetric(float64(elapsed[i].Nanoseconds())/float64(b.N), "ns/life-"+s.name)
		b.ReportMetric(allocs[i], "allocs/life-"+s.name)
	}
	b.ReportMetric(float64(elapsed[0])/float64(elapsed[1]), "x-stateless")
	b.ReportMetric(float64(elapsed[0])/float64(elapsed[2]), "x-stateless-tuned")
}

// BenchmarkScaling measures how throughput grows from one goroutine to two: the same
// number of lives runs with one worker, then split between two, interleaved in chunks
// of b.N lives; each figure is throughput(2)/throughput(1).
//
//   - x-1goroutine: the engine.
//   - x-1goroutine-shared: one stateless machine shared by both goroutines (the tuned
//     use, allocation-free), which is why the engine pools machines.
//   - x-1goroutine-control: work that shares nothing, the most this machine allowed
//     during the run; x-control is x-1goroutine over it.
//
// Every side is allocation-free on purpose: a side that allocates starts garbage
// collections that take CPU from the others' two-goroutine runs.
func BenchmarkScaling(b *testing.B) {
	sides := []struct {
		unit    string
		newLife func() lifeFunc
	}{
		{"x-1goroutine", engineLives(b)},
		{"x-1goroutine-shared", tunedLives(b)},
		{"x-1goroutine-control", func() lifeFunc {
			l := switchLives()
			return func() {
				for range 40 { // about as long as one engine life
					l()
				}
			}
		}},
	}
	one := make([]time.Duration, len(sides))
	two := make([]time.Duration, len(sides))
	b.ResetTimer()
	const chunk = 2048
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		for i, s := range sides {
			one[i] += run(1, n, s.newLife)
			two[i] += run(2, n, s.newLife)
		}
	}
	scaling := make([]float64, len(sides))
	for i, s := range sides {
		scaling[i] = float64(one[i]) / float64(two[i])
		b.ReportMetric(scaling[i], s.unit)
	}
	// The engine's scaling as a share of the control's: other processes on a shared
	// machine lower both alike, so this stays near 1 when the engine scales.
	b.ReportMetric(scaling[0]/scaling[len(sides)-1], "x-control")
}

// run runs lives lives split between workers goroutines, each with a life (and so a
// subject) of its own, and returns the wall time.
func run(workers, lives int, newLife func() lifeFunc) time.Duration {
	lifeOf := make([]lifeFunc, workers)
	for w := range lifeOf {
		lifeOf[w] = newLife()
	}
	var wg sync.WaitGroup
	start := time.Now()
	for w, life := range lifeOf {
		n := lives / workers
		if w == 0 {
			n += lives % workers
		}
		wg.Go(func() {
			for range n {
				life()
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkLifeParallel is the throughput of lives on every core with b.RunParallel,
// through the engine and through one shared stateless machine (tuned).
func BenchmarkLifeParallel(b *testing.B) {
	for _, s := range []struct {
		name    string
		newLife func() lifeFunc
	}{
		{"engine", engineLives(b)},
		{"shared-stateless", tunedLives(b)},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				life := s.newLife()
				for pb.Next() {
					life()
				}
			})
		})
	}
}
