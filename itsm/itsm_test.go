package itsm_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
)

func TestNewIDIsAStrictlyIncreasingUUIDv7(t *testing.T) {
	t.Parallel()
	prev := itsm.NewID()
	for range 10000 {
		id := itsm.NewID()
		u := uuid.UUID(id)
		require.Equal(t, uuid.Version(7), u.Version())
		require.Equal(t, uuid.RFC4122, u.Variant())
		require.Negative(t, prev.Compare(id), "%s then %s", prev, id)
		prev = id
	}
}

func TestNewIDAtCarriesItsTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2016, 2, 29, 13, 45, 7, 123456789, time.UTC)
	id := itsm.NewIDAt(at)
	u := uuid.UUID(id)
	assert.Equal(t, uuid.Version(7), u.Version())
	assert.Equal(t, uuid.RFC4122, u.Variant())
	sec, nsec := u.Time().UnixTime()
	assert.Equal(t, at.Truncate(time.Millisecond), time.Unix(sec, nsec).UTC(), "the millisecond timestamp is t's")
	assert.Negative(t, id.Compare(itsm.NewIDAt(at.Add(time.Microsecond))), "a later time sorts later, within the millisecond too")
	assert.Negative(t, id.Compare(itsm.NewID()), "an ID of the past sorts before one of now")
	assert.NotEqual(t, id, itsm.NewIDAt(at), "the rest is random")

	for _, early := range []time.Time{{}, time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)} {
		u := uuid.UUID(itsm.NewIDAt(early))
		sec, nsec := u.Time().UnixTime()
		assert.Equal(t, time.Unix(0, 0), time.Unix(sec, nsec), "%v stamps as 1970", early)
		assert.Equal(t, uuid.Version(7), u.Version())
	}
}

func TestNewIDAtClampsToTheTimestampsSpan(t *testing.T) {
	t.Parallel()
	last := time.UnixMilli(1<<48 - 1)
	tests := []struct {
		name          string
		earlier, at   time.Time
		wantMilli     int64
		sortsAfterAll bool
	}{
		{"the last millisecond", last.Add(-time.Millisecond), last, 1<<48 - 1, false},
		{"the millisecond after", last, last.Add(time.Millisecond), 1<<48 - 1, true},
		{"the year 20000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC), 1<<48 - 1, true},
		{"the largest time", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Unix(1<<63-1-62135596800, 999999999), 1<<48 - 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := itsm.NewIDAt(tt.at)
			u := uuid.UUID(id)
			assert.Equal(t, uuid.Version(7), u.Version())
			sec, nsec := u.Time().UnixTime()
			assert.Equal(t, tt.wantMilli, time.Unix(sec, nsec).UnixMilli())
			assert.Negative(t, itsm.NewIDAt(tt.earlier).Compare(id), "a later time never sorts earlier")
			if tt.sortsAfterAll {
				assert.Equal(t, uint64(0xfff), binary.BigEndian.Uint64(id[:8])&0xfff, "the last fraction of the last millisecond")
			}
		})
	}
}

func TestParseIDSpellings(t *testing.T) {
	t.Parallel()
	const canonical = "01890a5d-ac96-774b-bcce-b302099a8057"
	want := itsm.MustParseID(canonical)
	tests := []struct {
		name string
		in   string
		want itsm.ID // zero: refused with ErrInvalid
	}{
		{"canonical", canonical, want},
		{"upper case", strings.ToUpper(canonical), want},
		{"URN", "urn:uuid:" + canonical, want},
		{"URN in upper case", "URN:UUID:" + strings.ToUpper(canonical), want},
		{"braces", "{" + canonical + "}", want},
		{"hex without hyphens", strings.ReplaceAll(canonical, "-", ""), want},
		{"version 4", "f47ac10b-58cc-4372-a567-0e02b2c3d479", itsm.ID(uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479"))},
		{"any other characters around", "x" + canonical + "y", itsm.ID{}},
		{"parentheses", "(" + canonical + ")", itsm.ID{}},
		{"one brace", "{" + canonical + ")", itsm.ID{}},
		{"brackets", "[" + canonical + "]", itsm.ID{}},
		{"quotes", `"` + canonical + `"`, itsm.ID{}},
		{"spaces", " " + canonical + " ", itsm.ID{}},
		{"a space at one end", canonical + " ", itsm.ID{}},
		{"another URN", "urn:oid:" + canonical, itsm.ID{}},
		{"hyphens misplaced", "01890a5da-c96-774b-bcce-b302099a8057", itsm.ID{}},
		{"not hexadecimal", "01890a5g-ac96-774b-bcce-b302099a8057", itsm.ID{}},
		{"the zero UUID in braces", "{00000000-0000-0000-0000-000000000000}", itsm.ID{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := itsm.ParseID(tt.in)
			if tt.want.IsZero() {
				assert.ErrorIs(t, err, itsm.ErrInvalid, "ParseID(%q) = %v", tt.in, got)
				assert.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			var back itsm.ID
			require.NoError(t, back.UnmarshalText([]byte(tt.in)), "UnmarshalText takes what ParseID takes")
			assert.Equal(t, tt.want, back)
		})
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	a, b := itsm.NewID(), itsm.NewID()
	assert.False(t, a.IsZero())
	assert.Less(t, a.Compare(b), 0, "IDs are time-ordered")
	assert.Equal(t, strings.Compare(a.String(), b.String()), a.Compare(b))

	parsed, err := itsm.ParseID(a.String())
	require.NoError(t, err)
	assert.Equal(t, a, parsed)

	for _, bad := range []string{"", "nope", "00000000-0000-0000-0000-000000000000", strings.Repeat("a", 100)} {
		_, err := itsm.ParseID(bad)
		assert.ErrorIs(t, err, itsm.ErrInvalid, "%q", bad)
	}

	var v struct {
		ID    itsm.ID `json:"id"`
		Empty itsm.ID `json:"empty"`
	}
	v.ID = a
	b1, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, fmt.Sprintf(`{"id":%q,"empty":""}`, a), string(b1))
	var back struct {
		ID    itsm.ID `json:"id"`
		Empty itsm.ID `json:"empty"`
	}
	require.NoError(t, json.Unmarshal(b1, &back))
	assert.Equal(t, a, back.ID)
	assert.True(t, back.Empty.IsZero())
}

func TestActorValidate(t *testing.T) {
	t.Parallel()
	ok := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	require.NoError(t, ok.Validate())
	tests := []struct {
		name  string
		actor itsm.Actor
		field string
	}{
		{"no id", itsm.Actor{Tenant: "acme"}, "actor.id"},
		{"no tenant", itsm.Actor{ID: "ana"}, "actor.tenant"},
		{"tenant with space", itsm.Actor{ID: "ana", Tenant: " acme"}, "actor.tenant"},
		{"tenant with NUL", itsm.Actor{ID: "ana", Tenant: "ac\x00me"}, "actor.tenant"},
		{"tenant invalid UTF-8", itsm.Actor{ID: "ana", Tenant: "\xff"}, "actor.tenant"},
		{"tenant with DEL", itsm.Actor{ID: "ana", Tenant: "ac\x7fme"}, "actor.tenant"},
		{"tenant with tab", itsm.Actor{ID: "ana", Tenant: "acme\t"}, "actor.tenant"},
		{"tenant ending in a no-break space", itsm.Actor{ID: "ana", Tenant: "acme\u00a0"}, "actor.tenant"},
		{"id with C1 control", itsm.Actor{ID: "an\u0085a", Tenant: "acme"}, "actor.id"},
		{"tenant too long", itsm.Actor{ID: "ana", Tenant: itsm.Tenant(strings.Repeat("t", itsm.MaxKeyLength+1))}, "actor.tenant"},
		{"empty role", itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{"agent", ""}}, "actor.roles[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.actor.Validate()
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	assert.True(t, ok.HasRole(itsm.RoleManager, itsm.RoleAgent))
	assert.False(t, ok.HasRole(itsm.RoleManager))
	assert.Equal(t, "ana@acme", ok.String())
}

// FuzzTenantValidate checks Validate against the rules it documents, written the
// slow way: the fast path for plain ASCII keys must agree with them on every input.
func FuzzTenantValidate(f *testing.F) {
	for _, s := range []string{"acme", "", " acme", "acme ", "a b", "~", "ac\x7fme", "a\tb", "é", "acme\u00a0", "\u0085", "\xff", strings.Repeat("t", itsm.MaxKeyLength)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := s != "" && len(s) <= itsm.MaxKeyLength && utf8.ValidString(s) &&
			strings.TrimSpace(s) == s && strings.IndexFunc(s, unicode.IsControl) < 0
		err := itsm.Tenant(s).Validate()
		if want != (err == nil) {
			t.Fatalf("Validate(%q) = %v, want valid %v", s, err, want)
		}
		if err != nil && !errors.Is(err, itsm.ErrInvalid) {
			t.Fatalf("Validate(%q) = %v, does not match ErrInvalid", s, err)
		}
	})
}

func TestDefaultPriorityMatrix(t *testing.T) {
	t.Parallel()
	want := map[[2]int]itsm.Priority{
		{1, 2}: itsm.P1, {1, 3}: itsm.P2, {1, 4}: itsm.P3,
		{2, 2}: itsm.P2, {2, 3}: itsm.P3, {2, 4}: itsm.P4,
		{3, 2}: itsm.P3, {3, 3}: itsm.P4, {3, 4}: itsm.P5,
	}
	var zero itsm.PriorityMatrix
	for k, p := range want {
		i, u := itsm.Impact(k[0]), itsm.Urgency(k[1])
		got, err := itsm.DefaultPriorityMatrix().Priority(i, u)
		require.NoError(t, err)
		assert.Equal(t, p, got, "impact %v urgency %v", i, u)
		got, err = zero.Priority(i, u)
		require.NoError(t, err)
		assert.Equal(t, p, got, "the zero matrix is the default")
	}
	_, err := zero.Priority(itsm.ImpactHigh, itsm.UrgencyCritical)
	var ve *itsm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "urgency", ve.Field)
	_, err = zero.Priority(0, itsm.UrgencyHigh)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "impact", ve.Field)
}

func TestITopPriorityMatrix(t *testing.T) {
	t.Parallel()
	m := itsm.ITopPriorityMatrix()
	assert.Equal(t, []itsm.Urgency{itsm.UrgencyCritical, itsm.UrgencyHigh, itsm.UrgencyMedium, itsm.UrgencyLow}, m.Urgencies())
	rows := map[itsm.Impact][]itsm.Priority{
		itsm.ImpactHigh:   {itsm.P1, itsm.P1, itsm.P2, itsm.P4},
		itsm.ImpactMedium: {itsm.P1, itsm.P2, itsm.P3, itsm.P4},
		itsm.ImpactLow:    {itsm.P2, itsm.P3, itsm.P4, itsm.P4},
	}
	for i, row := range rows {
		for c, want := range row {
			got, err := m.Priority(i, m.Urgencies()[c])
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	}
}

func TestNewPriorityMatrixRejectsHoles(t *testing.T) {
	t.Parallel()
	hi, lo := itsm.ImpactHigh, itsm.ImpactLow
	uh, ul := itsm.UrgencyHigh, itsm.UrgencyLow
	tests := []struct {
		name      string
		impacts   []itsm.Impact
		urgencies []itsm.Urgency
		rows      [][]itsm.Priority
	}{
		{"empty", nil, nil, nil},
		{"missing row", []itsm.Impact{hi, lo}, []itsm.Urgency{uh, ul}, [][]itsm.Priority{{1, 2}}},
		{"short row (a hole)", []itsm.Impact{hi, lo}, []itsm.Urgency{uh, ul}, [][]itsm.Priority{{1, 2}, {3}}},
		{"zero priority", []itsm.Impact{hi}, []itsm.Urgency{uh}, [][]itsm.Priority{{0}}},
		{"priority out of range", []itsm.Impact{hi}, []itsm.Urgency{uh}, [][]itsm.Priority{{6}}},
		{"repeated impact", []itsm.Impact{hi, hi}, []itsm.Urgency{uh}, [][]itsm.Priority{{1}, {2}}},
		{"invalid urgency", []itsm.Impact{hi}, []itsm.Urgency{9}, [][]itsm.Priority{{1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := itsm.NewPriorityMatrix(tt.impacts, tt.urgencies, tt.rows)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
		})
	}
	m, err := itsm.NewPriorityMatrix([]itsm.Impact{hi, lo}, []itsm.Urgency{uh, ul}, [][]itsm.Priority{{1, 2}, {3, 4}})
	require.NoError(t, err)
	p, err := m.Priority(lo, ul)
	require.NoError(t, err)
	assert.Equal(t, itsm.P4, p)
}

func TestLevelsText(t *testing.T) {
	t.Parallel()
	for _, p := range []itsm.Priority{itsm.P1, itsm.P2, itsm.P3, itsm.P4, itsm.P5} {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var back itsm.Priority
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, p, back)
	}
	assert.Equal(t, "P3 Moderate", itsm.P3.String())
	i, err := itsm.ParseImpact("HIGH")
	require.NoError(t, err)
	assert.Equal(t, itsm.ImpactHigh, i)
	u, err := itsm.ParseUrgency("critical")
	require.NoError(t, err)
	assert.Equal(t, itsm.UrgencyCritical, u)
	_, err = itsm.ParseImpact("")
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = itsm.Priority(7).MarshalText()
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		prefix string
		seq    int64
		want   string
	}{
		{"padded to seven digits", "INC", 42, "INC0000042"},
		{"the first", "PRB", 1, "PRB0000001"},
		{"widens past seven digits", "INC", 12345678, "INC12345678"},
		{"zero", "INC", 0, "INC0000000"},
		{"the largest", "INC", math.MaxInt64, "INC9223372036854775807"},
		{"no prefix", "", 7, "0000007"},
		{"negative keeps its sign", "INC", -1, "INC-0000001"},
		{"negative and wide", "CSI", -12345678, "CSI-12345678"},
		{"the smallest", "INC", math.MinInt64, "INC-9223372036854775808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, itsm.FormatNumber(tt.prefix, tt.seq))
		})
	}
}

func TestErrorsMatchTheirSentinels(t *testing.T) {
	t.Parallel()
	ve := &itsm.ValidationError{Field: "title", Problem: "is required"}
	te := &itsm.TransitionError{Kind: itsm.KindIncident, From: "new", Trigger: "close", Permitted: []string{"assign"}}
	pe := &itsm.PolicyError{Kind: itsm.KindIncident, Trigger: "resolve", Reasons: []itsm.Reason{
		{Code: "forbidden", Message: "callers may not resolve", Err: itsm.ErrForbidden},
		{Code: "invalid", Message: ve.Error(), Err: ve},
	}}
	wrapped := fmt.Errorf("service: %w", pe)
	assert.ErrorIs(t, ve, itsm.ErrInvalid)
	assert.ErrorIs(t, te, itsm.ErrTransitionNotAllowed)
	assert.NotErrorIs(t, te, itsm.ErrInvalid)
	assert.ErrorIs(t, wrapped, itsm.ErrForbidden)
	assert.ErrorIs(t, wrapped, itsm.ErrInvalid)
	assert.NotErrorIs(t, wrapped, itsm.ErrConflict)
	var got *itsm.ValidationError
	require.ErrorAs(t, wrapped, &got)
	assert.Equal(t, "title", got.Field)
	assert.Equal(t, []string{"forbidden", "invalid"}, pe.Codes())
	assert.Contains(t, te.Error(), `"close" is not allowed in state "new" (allowed: assign)`)
	onlyForbidden := &itsm.PolicyError{Reasons: []itsm.Reason{{Code: "forbidden", Err: itsm.ErrForbidden}}}
	assert.NotErrorIs(t, onlyForbidden, itsm.ErrInvalid)
}

// TestRefusalsNameTheRecordByNumber: a TransitionError or PolicyError names the
// record by its number when it has one, by its ID otherwise, and by its kind alone
// when it has neither.
func TestRefusalsNameTheRecordByNumber(t *testing.T) {
	t.Parallel()
	id := itsm.MustParseID("0190c8a1-7b2e-7c3d-8e4f-5a6b7c8d9e0f")
	reasons := []itsm.Reason{{Code: "invalid", Message: "invalid resolution_code: is required", Err: itsm.ErrInvalid}}
	tests := []struct {
		name   string
		kind   itsm.Kind
		id     itsm.ID
		number string
		want   string // the subject both messages start with
	}{
		{"number and ID", itsm.KindIncident, id, "INC0000042", "incident INC0000042"},
		{"number only", itsm.KindIncident, itsm.ID{}, "INC0000042", "incident INC0000042"},
		{"ID only", itsm.KindIncident, id, "", "incident " + id.String()},
		{"neither", itsm.KindIncident, itsm.ID{}, "", "incident"},
		{"no kind", "", id, "CSI0000007", "record CSI0000007"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			te := &itsm.TransitionError{Kind: tt.kind, ID: tt.id, Number: tt.number, From: "new", Trigger: "close", Permitted: []string{"assign"}}
			assert.Equal(t, tt.want+`: "close" is not allowed in state "new" (allowed: assign)`, te.Error())
			pe := &itsm.PolicyError{Kind: tt.kind, ID: tt.id, Number: tt.number, Trigger: "resolve", Reasons: reasons}
			assert.Equal(t, tt.want+`: "resolve" refused: invalid resolution_code: is required`, pe.Error())
		})
	}
}

type retryable struct{ error }

func (retryable) Retryable() bool { return true }

func (r retryable) Unwrap() error { return r.error }

func TestIsRetryable(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("update: %w", retryable{errors.Join(itsm.ErrConflict, errors.New("SQLITE_BUSY"))})
	assert.True(t, itsm.IsRetryable(err))
	assert.ErrorIs(t, err, itsm.ErrConflict)
	assert.False(t, itsm.IsRetryable(itsm.ErrConflict))
}

func FuzzParseID(f *testing.F) {
	f.Add(itsm.NewID().String())
	f.Add("")
	f.Add("urn:uuid:01890a5d-ac96-774b-bcce-b302099a8057")
	f.Add("{01890a5d-ac96-774b-bcce-b302099a8057}")
	f.Add("x01890a5d-ac96-774b-bcce-b302099a8057y")
	f.Add("(01890A5D-AC96-774B-BCCE-B302099A8057)")
	f.Add("01890a5dac96774bbcceb302099a8057")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := itsm.ParseID(s)
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("ParseID(%q): %v, want ErrInvalid", s, err)
			}
			return
		}
		again, err := itsm.ParseID(id.String())
		if err != nil || again != id || id.IsZero() {
			t.Fatalf("ParseID(%q) = %v does not round-trip: %v", s, id, err)
		}
		// Every accepted string is one of the documented spellings of id.
		c := id.String()
		spellings := []string{c, "urn:uuid:" + c, "{" + c + "}", strings.ReplaceAll(c, "-", "")}
		if !slices.ContainsFunc(spellings, func(sp string) bool { return strings.EqualFold(s, sp) }) {
			t.Fatalf("ParseID(%q) = %v, but %q spells no ID", s, id, s)
		}
	})
}

func FuzzLevelsUnmarshalText(f *testing.F) {
	for _, s := range []string{"P1", "p5", "3", "high", "CRITICAL", "", "P0", "P55"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p itsm.Priority
		if err := p.UnmarshalText([]byte(s)); err == nil && p != 0 && !p.Valid() {
			t.Fatalf("%q decoded to invalid priority %d", s, p)
		}
		var i itsm.Impact
		if err := i.UnmarshalText([]byte(s)); err == nil && i != 0 && !i.Valid() {
			t.Fatalf("%q decoded to invalid impact %d", s, i)
		}
		var u itsm.Urgency
		if err := u.UnmarshalText([]byte(s)); err == nil && u != 0 {
			b, err := u.MarshalText()
			if err != nil {
				t.Fatal(err)
			}
			var back itsm.Urgency
			if err := back.UnmarshalText(b); err != nil || back != u {
				t.Fatalf("urgency %v does not round-trip", u)
			}
		}
	})
}

func ExamplePriorityMatrix_Priority() {
	p, err := itsm.DefaultPriorityMatrix().Priority(itsm.ImpactHigh, itsm.UrgencyMedium)
	fmt.Println(p, err)
	p, _ = itsm.ITopPriorityMatrix().Priority(itsm.ImpactLow, itsm.UrgencyCritical)
	fmt.Println(p)
	// Output:
	// P2 High <nil>
	// P2 High
}

func ExampleFormatNumber() {
	fmt.Println(itsm.FormatNumber("INC", 42))
	// Output: INC0000042
}

// lost is a conflict that says retrying the call cannot succeed.
type lost struct{ error }

func (lost) Retryable() bool { return false }

func (lost) Is(target error) bool { return target == itsm.ErrConflict }

func TestIsRetryableConflict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a stale version", fmt.Errorf("read version 1: %w", itsm.ErrConflict), true},
		{"a conflict that says it may be retried", retryable{fmt.Errorf("busy: %w", itsm.ErrConflict)}, true},
		{"a conflict that says it cannot be", fmt.Errorf("write: %w", lost{errors.New("deadlock")}), false},
		{"retryable but no conflict", retryable{errors.New("timeout")}, false},
		{"not found", itsm.ErrNotFound, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, itsm.IsRetryableConflict(tt.err), tt.name)
	}
}
