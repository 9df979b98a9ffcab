package textcheck

import (
	"errors"
	"strings"
	"testing"

	"github.com/itsmkit/itsmkit/itsm"
)

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		bad  bool
	}{
		{"line ok", Line("f", "hello ünï", 16), false},
		{"line empty", Line("f", "", 16), false},
		{"line too long", Line("f", strings.Repeat("x", 17), 16), true},
		{"line newline", Line("f", "a\nb", 16), true},
		{"line NUL", Line("f", "a\x00b", 16), true},
		{"line bad UTF-8", Line("f", "\xff", 16), true},
		{"text newline", Text("f", "a\nb\tc\r", 16), false},
		{"text NUL", Text("f", "a\x00", 16), true},
		{"required empty", RequiredLine("f", "", 16), true},
		{"required blank", RequiredText("f", " \n", 16), true},
		{"required ok", RequiredLine("f", "x", 16), false},
	}
	for _, tt := range tests {
		if tt.bad != (tt.err != nil) {
			t.Errorf("%s: err = %v, want failure %v", tt.name, tt.err, tt.bad)
		}
		var ve *itsm.ValidationError
		if tt.err != nil && (!errors.Is(tt.err, itsm.ErrInvalid) || !errors.As(tt.err, &ve) || ve.Field != "f") {
			t.Errorf("%s: %v is not a validation error for field f", tt.name, tt.err)
		}
	}
}

func FuzzLine(f *testing.F) {
	f.Add("plain")
	f.Add("a\x00\xff\n")
	f.Fuzz(func(t *testing.T, s string) {
		if err := Text("f", s, 1<<10); err == nil && (Line("f", s, 1<<10) == nil) != !strings.ContainsAny(s, "\n\t\r") {
			t.Fatalf("Line and Text disagree on %q beyond tab, newline and carriage return", s)
		}
	})
}
