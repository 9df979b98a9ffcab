package sla

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// applyData applies an event's Data, a flat JSON object by the journal's contract, to
// the snapshot: strings are kept as their content, other values as their compact JSON
// text, and null removes the field. It reads without reflection: json.Valid checks
// the syntax, then a scanner walks the members. Keys and values repeat from write to
// write ("priority", "P3"), so they are interned: a journal allocates each distinct
// string once.
func (f *folder) applyData(data []byte) error {
	if !json.Valid(data) {
		var v any
		return fmt.Errorf("is not valid JSON: %w", json.Unmarshal(data, &v))
	}
	i := skipSpace(data, 0)
	switch data[i] {
	case 'n': // null
		return nil
	case '{':
	default:
		return fmt.Errorf("is not a JSON object")
	}
	for i = skipSpace(data, i+1); data[i] != '}'; {
		end := endOfValue(data, i)
		key, err := f.str(data[i:end])
		if err != nil {
			return err
		}
		f.snap.Changed = append(f.snap.Changed, key)
		i = skipSpace(data, skipSpace(data, end)+1) // past the colon
		end = endOfValue(data, i)
		switch raw := data[i:end]; raw[0] {
		case 'n':
			delete(f.snap.Fields, key)
		case '"':
			v, err := f.str(raw)
			if err != nil {
				return err
			}
			f.snap.Fields[key] = v
		default:
			if bytes.ContainsAny(raw, " \t\r\n") {
				f.buf.Reset()
				_ = json.Compact(&f.buf, raw) // valid JSON: cannot fail
				raw = f.buf.Bytes()
			}
			f.snap.Fields[key] = f.intern(raw)
		}
		if i = skipSpace(data, end); data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return nil
}

// str returns the content of a JSON string literal. Escapes and invalid UTF-8 (which
// encoding/json replaces with U+FFFD) take the slow path.
func (f *folder) str(lit []byte) (string, error) {
	body := lit[1 : len(lit)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return f.intern(body), nil
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", err
	}
	return f.intern([]byte(s)), nil
}

func (f *folder) intern(b []byte) string {
	if s, ok := f.strings[string(b)]; ok {
		return s
	}
	if f.strings == nil {
		f.strings = make(map[string]string)
	}
	s := string(b)
	f.strings[s] = s
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// endOfValue returns the index just past the valid JSON value that starts at i.
func endOfValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		for j := i + 1; ; j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch data[j] {
			case '"':
				j = endOfValue(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
	}
	// A number, true, false or null runs to the next delimiter.
	j := i
	for j < len(data) && !isSpace(data[j]) && data[j] != ',' && data[j] != '}' && data[j] != ']' {
		j++
	}
	return j
}
