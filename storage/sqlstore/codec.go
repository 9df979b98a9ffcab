package sqlstore

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// idColumn scans an ID from a uuid column (text, from PostgreSQL drivers) or a 16-byte
// column (SQLite, MySQL). NULL scans as the zero ID.
type idColumn struct{ id *itsm.ID }

func (c idColumn) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.id = itsm.ID{}
	case []byte:
		if len(v) == 16 {
			copy(c.id[:], v)
			return nil
		}
		return c.parse(string(v))
	case string:
		return c.parse(v)
	case [16]byte:
		*c.id = itsm.ID(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into an ID", src)
	}
	return nil
}

func (c idColumn) parse(s string) error {
	id, err := itsm.ParseID(s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored ID %q: %w", s, err)
	}
	*c.id = id
	return nil
}

// timeColumn scans a time from a time column (PostgreSQL, MySQL with parseTime) or the
// text SQLite columns hold, and returns it in UTC. NULL scans as the zero time.
type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", src)
	}
	return nil
}

func (c timeColumn) parse(s string) error {
	if t, ok := parseFixedTime(s, ' ', false); ok { // the package's own SQLite layout
		*c.t = t
		return nil
	}
	// What other writers or drivers produce.
	layouts := [...]string{
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999 -0700 MST",
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			*c.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("sqlstore: stored time %q has an unknown format", s)
}

// nullText scans a nullable text column; NULL scans as "".
type nullText struct{ s *string }

func (c nullText) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = v
	case []byte:
		*c.s = string(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a string", src)
	}
	return nil
}

// nullBytes scans a nullable text or binary column into a fresh slice; NULL scans as
// nil.
type nullBytes struct{ b *[]byte }

func (c nullBytes) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.b = nil
	case string:
		*c.b = []byte(v)
	case []byte:
		*c.b = append([]byte(nil), v...)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into bytes", src)
	}
	return nil
}

// nullString returns s as a query argument, or NULL when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// parseFixedTime reads "YYYY-MM-DD<sep>HH:MM:SS[.fraction]" followed by "Z" when zulu,
// in UTC: the layouts the package writes, parsed without time.Parse's generality (it
// runs for every time of every row). It reports false for anything else, which the
// caller then hands to time.Parse.
func parseFixedTime(s string, sep byte, zulu bool) (time.Time, bool) {
	if zulu {
		if len(s) == 0 || s[len(s)-1] != 'Z' {
			return time.Time{}, false
		}
		s = s[:len(s)-1]
	}
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != sep || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if len(s) > 19 {
		digits := len(s) - 20
		if s[19] != '.' || digits < 1 || digits > 9 {
			return time.Time{}, false
		}
		frac, ok := num(20, len(s))
		if !ok {
			return time.Time{}, false
		}
		for range 9 - digits {
			frac *= 10
		}
		nsec = frac
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // February 30th and the like: let time.Parse refuse it
		return time.Time{}, false
	}
	return t, true
}
