// Package jsonappend writes the JSON of the mock's most frequent responses without reflection,
// byte for byte as encoding/json writes it (HTML-safe, object keys sorted, floats as it formats
// them). Every function reports ok false for a value it does not know how to write exactly
// (a json.Number, a NaN, a year past 9999): the caller then encodes the whole response with
// encoding/json, so that an unusual value costs speed, never fidelity.
package jsonappend

import (
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/stytchorgs/mockserver/internal/jsonstr"
)

// Any appends v, a value as encoding/json decodes JSON into an any (metadata).
func Any(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, v), true
	case string:
		return String(b, v), true
	case float64:
		return Float(b, v)
	case map[string]any:
		return Object(b, v)
	case []any:
		return array(b, v)
	}
	return b, false
}

// Object appends m with its keys sorted, as encoding/json writes a map; a nil m is null.
func Object(b []byte, m map[string]any) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	var room [20]string // Stytch's limit on metadata keys: sorting them needs no allocation
	keys := room[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(String(b, k), ':')
		var ok bool
		if b, ok = Any(b, m[k]); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func array(b []byte, vs []any) ([]byte, bool) {
	if vs == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = Any(b, v); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// Strings appends a list of strings; a nil list is null.
func Strings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, s)
	}
	return append(b, ']')
}

// Float appends f as encoding/json formats a float64: the shortest decimal that reads back as
// f, in exponent form only below 1e-6 or from 1e21 on, with a one-digit exponent unpadded.
// JSON has no NaN or infinity: encoding/json refuses them, and so does Float (ok false).
func Float(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-07 is written e-7
		b = b[:n-1]
	}
	return b, true
}

// Time appends t as time.Time's MarshalJSON does: RFC 3339 with nanoseconds, quoted. A time it
// refuses (a year outside 0-9999) is refused here too.
func Time(b []byte, t time.Time) ([]byte, bool) {
	out, err := t.AppendText(append(b, '"')) // AppendText is MarshalJSON unquoted
	if err != nil {
		return b, false
	}
	return append(out, '"'), true
}

// String appends s as a JSON string the way encoding/json does by default: <, > and & escaped
// (so the JSON is safe in HTML), U+2028 and U+2029 escaped (so it is safe in JavaScript), and
// each byte of invalid UTF-8 replaced by U+FFFD.
func String(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is still to be copied
	// PlainHTML skips most bytes eight at a time; the loop looks only at the others.
	for i := jsonstr.PlainHTML(s); i < len(s); i += jsonstr.PlainHTML(s[i:]) {
		escape, size := escapeAt(s, i)
		if escape != "" {
			b = append(append(b, s[start:i]...), escape...)
			start = i + size
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}

// escapeAt is what encoding/json writes for the character at s[i] in place of it, if anything,
// and the character's size.
func escapeAt(s string, i int) (string, int) {
	if s[i] < utf8.RuneSelf {
		return asciiEscapes[s[i]], 1
	}
	switch r, size := utf8.DecodeRuneInString(s[i:]); {
	case r == utf8.RuneError && size == 1:
		return `\ufffd`, 1
	case r == '\u2028':
		return `\u2028`, size
	case r == '\u2029':
		return `\u2029`, size
	default:
		return "", size
	}
}

// asciiEscapes are encoding/json's escapes of ASCII characters, by character; "" for the many
// it writes as they are.
var asciiEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	uEscape := func(c byte) string { return `\u00` + string(hex[c>>4]) + string(hex[c&0xF]) }
	for c := range byte(0x20) {
		t[c] = uEscape(c) // control characters
	}
	for _, c := range []byte("<>&") {
		t[c] = uEscape(c)
	}
	for c, escape := range map[byte]string{'"': `\"`, '\\': `\\`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`} {
		t[c] = escape
	}
	return t
}()
