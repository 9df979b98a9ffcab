package improvement

import (
	"bytes"
	"encoding/json"
	"errors"
)

var errNotObject = errors.New("is not a JSON object")

// fields walks the members of a JSON object, in order:
//
//	s := fields{data: data}
//	for key, value, ok := s.next(); ok; key, value, ok = s.next() { … }
//	if s.err != nil { … }
//
// It checks the object's structure (braces, strings, separators) but not the values
// it skips: journal Data is written by the library, and the values the metrics read
// are decoded strictly by their readers. It allocates only for keys with escapes.
//
// It exists because the metrics read a few fields of every event: decoding each Data
// into a map with encoding/json costs more than everything else they do.
type fields struct {
	data    []byte
	i       int
	started bool
	done    bool
	err     error
}

// next returns the next member, or ok false at the end of the object or on error
// (then s.err is set).
func (s *fields) next() (key, value []byte, ok bool) {
	if s.done {
		return nil, nil, false
	}
	data := s.data
	i := skipSpace(data, s.i)
	if !s.started {
		s.started = true
		if i >= len(data) || data[i] != '{' {
			return s.fail()
		}
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == '}' {
			return s.end(i + 1)
		}
	} else {
		if i >= len(data) {
			return s.fail()
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return s.end(i + 1)
		default:
			return s.fail()
		}
	}
	if i >= len(data) || data[i] != '"' {
		return s.fail()
	}
	keyEnd, ok := scanString(data, i)
	if !ok {
		return s.fail()
	}
	key = data[i+1 : keyEnd-1]
	if bytes.IndexByte(key, '\\') >= 0 {
		var k string
		if err := json.Unmarshal(data[i:keyEnd], &k); err != nil {
			return s.fail()
		}
		key = []byte(k)
	}
	i = skipSpace(data, keyEnd)
	if i >= len(data) || data[i] != ':' {
		return s.fail()
	}
	i = skipSpace(data, i+1)
	valueEnd, ok := scanValue(data, i)
	if !ok {
		return s.fail()
	}
	s.i = valueEnd
	return key, data[i:valueEnd], true
}

func (s *fields) fail() ([]byte, []byte, bool) {
	s.done, s.err = true, errNotObject
	return nil, nil, false
}

// end checks that only space follows the object.
func (s *fields) end(i int) ([]byte, []byte, bool) {
	s.done = true
	if skipSpace(s.data, i) != len(s.data) {
		s.err = errNotObject
	}
	return nil, nil, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scanString returns the index after the string that starts at data[i] (a quote).
func scanString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\\':
			j++
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return 0, false
		}
	}
	return 0, false
}

// scanValue returns the index after the value that starts at data[i].
func scanValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return scanString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e, ok := scanString(data, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case ',', '}', ']', ':':
		return 0, false
	}
	j := i
	for j < len(data) && !isSpace(data[j]) && data[j] != ',' && data[j] != '}' && data[j] != ']' {
		j++
	}
	return j, true
}
