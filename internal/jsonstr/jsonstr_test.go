package jsonstr

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppend checks Append against encoding/json: both decode to the same string.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "nl\n tab\t cr\r nul\x00 del\x7f", "ünï 🙂", "bad \xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Append(nil, s)
		var decoded string
		if err := json.Unmarshal(got, &decoded); err != nil {
			t.Fatalf("Append(%q) = %s is not JSON: %v", s, got, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if !utf8.ValidString(s) {
			// encoding/json replaces each invalid byte, ToValidUTF8 each run: compare
			// with what encoding/json itself produces.
			b, _ := json.Marshal(s)
			_ = json.Unmarshal(b, &want)
		}
		if decoded != want {
			t.Fatalf("Append(%q) decodes to %q, want %q", s, decoded, want)
		}
	})
}
