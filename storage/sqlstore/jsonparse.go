package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// jsonParser reads JSON values from b, from position i.
type jsonParser struct {
	b []byte
	i int
}

// errSyntax is what every malformed body matches.
var errSyntax = errors.New("invalid JSON")

func (p *jsonParser) fail(want string) error {
	if p.i >= len(p.b) {
		return fmt.Errorf("%w: want %s, found the end", errSyntax, want)
	}
	return fmt.Errorf("%w: want %s at offset %d", errSyntax, want, p.i)
}

func (p *jsonParser) end() error {
	p.space()
	if p.i != len(p.b) {
		return p.fail("the end")
	}
	return nil
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) consume(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// null consumes a null literal.
func (p *jsonParser) null() bool {
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// string reads a string (null reads as "").
func (p *jsonParser) string() (string, error) {
	if p.null() {
		return "", nil
	}
	raw, plain, err := p.rawString()
	if err != nil || plain {
		return string(raw), err
	}
	var s string
	err = json.Unmarshal(raw, &s)
	return s, err
}

// key reads a string without copying it when it has no escapes (null reads as
// empty). The bytes are valid until the parser's input changes.
func (p *jsonParser) key() ([]byte, error) {
	if p.null() {
		return nil, nil
	}
	raw, plain, err := p.rawString()
	if err != nil || plain {
		return raw, err
	}
	var s string
	err = json.Unmarshal(raw, &s)
	return []byte(s), err
}

// rawString reads a string. When plain (no escapes, valid UTF-8), raw is its content;
// otherwise raw is the whole quoted string, for encoding/json to decode.
func (p *jsonParser) rawString() (raw []byte, plain bool, err error) {
	start := p.i
	if !p.consume('"') {
		return nil, false, p.fail("a string")
	}
	escaped, ascii := false, true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			raw := p.b[start+1 : p.i-1]
			if !escaped && (ascii || utf8.Valid(raw)) {
				return raw, true, nil
			}
			return p.b[start:p.i], false, nil
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return nil, false, p.fail("no control character in a string")
		default:
			ascii = ascii && c < utf8.RuneSelf
			p.i++
		}
	}
	return nil, false, p.fail("the end of a string")
}

func (p *jsonParser) text(dst *string) (err error) {
	*dst, err = p.string()
	return err
}

func (p *jsonParser) time() (time.Time, error) {
	raw, err := p.key()
	if err != nil || len(raw) == 0 {
		return time.Time{}, err
	}
	if t, ok := parseFixedTime(string(raw), 'T', true); ok {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(raw))
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

func (p *jsonParser) id() (itsm.ID, error) {
	s, err := p.string()
	if err != nil || s == "" {
		return itsm.ID{}, err
	}
	return itsm.ParseID(s)
}

func (p *jsonParser) int() (int, error) {
	if p.null() {
		return 0, nil
	}
	raw, err := p.value()
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("%w: %s is not an integer", errSyntax, raw)
	}
	return n, nil
}

func (p *jsonParser) bool() (bool, error) {
	switch {
	case p.null():
		return false, nil
	case len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "true":
		p.i += 4
		return true, nil
	case len(p.b)-p.i >= 5 && string(p.b[p.i:p.i+5]) == "false":
		p.i += 5
		return false, nil
	}
	return false, p.fail("a boolean")
}

// decode reads the next value with encoding/json.
func (p *jsonParser) decode(dst any) error {
	raw, err := p.value()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, dst)
}

// value skips the next value and returns its bytes. It finds the value's end; only
// strings are checked on the way, encoding/json checks the rest where it matters.
func (p *jsonParser) value() ([]byte, error) {
	start := p.i
	depth := 0
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case '"':
			if _, err := p.string(); err != nil {
				return nil, err
			}
		case '{', '[':
			depth++
			p.i++
		case '}', ']':
			if depth == 0 {
				return p.scalar(start)
			}
			depth--
			p.i++
		case ',':
			if depth == 0 {
				return p.scalar(start)
			}
			p.i++
		default:
			p.i++
		}
		if depth == 0 && p.i > start {
			switch p.b[p.i-1] {
			case '"':
				return p.b[start:p.i], nil
			case '}', ']':
				if raw := p.b[start:p.i]; json.Valid(raw) {
					return raw, nil
				}
				return nil, fmt.Errorf("%w at offset %d", errSyntax, start)
			}
		}
	}
	if depth == 0 && p.i > start {
		return p.scalar(start)
	}
	return nil, p.fail("a value")
}

// scalar returns the number or literal between start and p.i.
func (p *jsonParser) scalar(start int) ([]byte, error) {
	raw := p.b[start:p.i]
	for len(raw) > 0 && (raw[len(raw)-1] == ' ' || raw[len(raw)-1] == '\t' || raw[len(raw)-1] == '\n' || raw[len(raw)-1] == '\r') {
		raw = raw[:len(raw)-1]
	}
	if len(raw) == 0 || !json.Valid(raw) {
		return nil, fmt.Errorf("%w at offset %d", errSyntax, start)
	}
	return raw, nil
}
