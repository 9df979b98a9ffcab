package storagetest

import (
	"testing"

	"github.com/itsmkit/itsmkit/itsm"
)

// pageThrough reads a listing page by page with list (cursor "" for the first
// page), calls insert after each page so that new records land before, between and
// after the pages read so far, and fails unless every record of want (ID → number)
// was listed exactly once and no record twice: keyset pages must be stable under
// inserts.
func pageThrough(t *testing.T, what string, want map[itsm.ID]string, list func(cursor string) ([]itsm.ID, string, error), insert func(page int)) {
	t.Helper()
	seen := map[itsm.ID]int{}
	cursor := ""
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatalf("%s: listing does not end", what)
		}
		ids, next, err := list(cursor)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, id := range ids {
			seen[id]++
		}
		insert(page)
		if next == "" {
			break
		}
		cursor = next
	}
	for id, number := range want {
		if seen[id] != 1 {
			t.Errorf("%s: %s listed %d times, want exactly once", what, number, seen[id])
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: %s listed %d times", what, id, n)
		}
	}
}

// listAll reads a whole listing with list (cursor "" for the first page) and fails if
// a page is longer than limit (when limit > 0) or the listing never ends.
func listAll[R any](t *testing.T, limit int, list func(cursor string) ([]R, string, error)) []R {
	t.Helper()
	var out []R
	cursor := ""
	for range 1000 {
		items, next, err := list(cursor)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if limit > 0 && len(items) > limit {
			t.Fatalf("List returned %d items for limit %d", len(items), limit)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		cursor = next
	}
	t.Fatal("listing does not end")
	return nil
}
