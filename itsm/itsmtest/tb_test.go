package itsmtest_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fakeTB stands in for the test a helper under test may fail. It records failures
// instead of reporting them, and FailNow (so Fatal and Fatalf) stops the calling
// goroutine as testing.T does. Everything else (Context, Cleanup, Name, Log) goes to
// the real test it embeds.
type fakeTB struct {
	testing.TB

	mu      sync.Mutex
	fatals  []string
	errs    []string
	failed  bool
	stopped bool // set by runTB: the helper did not return
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fail() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
}

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

func (f *fakeTB) FailNow() {
	f.Fail()
	runtime.Goexit()
}

func (f *fakeTB) Error(args ...any) { f.record(&f.errs, fmt.Sprint(args...)) }

func (f *fakeTB) Errorf(format string, args ...any) { f.record(&f.errs, fmt.Sprintf(format, args...)) }

func (f *fakeTB) Fatal(args ...any) {
	f.record(&f.fatals, fmt.Sprint(args...))
	f.FailNow()
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.record(&f.fatals, fmt.Sprintf(format, args...))
	f.FailNow()
}

// Skipping would end the real test without a word: count it as a fatal failure.
func (f *fakeTB) Skip(args ...any) { f.Fatal(append([]any{"skipped: "}, args...)...) }

func (f *fakeTB) Skipf(format string, args ...any) { f.Fatalf("skipped: "+format, args...) }

func (f *fakeTB) SkipNow() { f.Fatal("skipped") }

func (f *fakeTB) record(to *[]string, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*to = append(*to, msg)
	f.failed = true
}

// runTB runs fn against a fakeTB in a goroutine of its own, so that FailNow ends fn
// and not the test, and returns the fakeTB once fn returned or stopped.
func runTB(t *testing.T, fn func(tb testing.TB)) *fakeTB {
	t.Helper()
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	returned := false
	go func() {
		defer close(done)
		fn(f)
		returned = true
	}()
	<-done
	f.stopped = !returned
	return f
}

// requirePassed asserts that the helper run by runTB returned without a failure.
func requirePassed(t *testing.T, f *fakeTB) {
	t.Helper()
	assert.False(t, f.stopped, "the helper stopped the test")
	assert.False(t, f.Failed(), "the helper failed the test")
	assert.Empty(t, f.fatals, "fatal messages")
	assert.Empty(t, f.errs, "error messages")
}

// requireFatal asserts that the helper run by runTB stopped the test with exactly
// one fatal message, containing want.
func requireFatal(t *testing.T, f *fakeTB, want string) {
	t.Helper()
	assert.True(t, f.stopped, "the helper went on after failing")
	assert.True(t, f.Failed(), "the helper did not mark the test failed")
	assert.Empty(t, f.errs, "error messages")
	if assert.Len(t, f.fatals, 1, "fatal messages") {
		assert.Contains(t, f.fatals[0], want)
	}
}

// TestFakeTB checks the recorder itself: the assertions below are only as good as it.
func TestFakeTB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fn          func(tb testing.TB)
		stopped     bool
		fatals      []string
		errs        []string
		wantFailure bool
	}{
		{"Returns", func(tb testing.TB) {}, false, nil, nil, false},
		{"Fatalf", func(tb testing.TB) { tb.Fatalf("boom %d", 1); tb.Errorf("after") }, true, []string{"boom 1"}, nil, true},
		{"Fatal", func(tb testing.TB) { tb.Fatal("boom"); tb.Errorf("after") }, true, []string{"boom"}, nil, true},
		{"FailNow", func(tb testing.TB) { tb.FailNow(); tb.Errorf("after") }, true, nil, nil, true},
		{"ErrorfGoesOn", func(tb testing.TB) { tb.Errorf("e%d", 1); tb.Error("e2") }, false, nil, []string{"e1", "e2"}, true},
		{"Fail", func(tb testing.TB) { tb.Fail() }, false, nil, nil, true},
		{"SkipIsAFailure", func(tb testing.TB) { tb.SkipNow() }, true, []string{"skipped"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := runTB(t, tt.fn)
			assert.Equal(t, tt.stopped, f.stopped, "stopped")
			assert.Equal(t, tt.wantFailure, f.Failed(), "failed")
			assert.Equal(t, tt.fatals, f.fatals, "fatals")
			assert.Equal(t, tt.errs, f.errs, "errors")
		})
	}
}
