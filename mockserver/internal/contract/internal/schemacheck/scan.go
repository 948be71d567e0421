package schemacheck

import (
	"bytes"
	"math"
	"unicode/utf8"

	"github.com/b2bkit/stytchorgs/mockserver/internal/jsonstr"
)

// Scanning: a JSON document's bytes, walked once against the compiled nodes, without decoding
// and without allocating.

// scanner walks a JSON document, checking it against compiled nodes as it goes.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value checks the value at s.pos against n and moves past it.
func (s *scanner) value(n *node, depth int) bool {
	if depth >= MaxDepth || n.unsupported || s.pos >= len(s.data) {
		return false
	}
	if n.discMap != nil {
		return s.discriminated(n, depth)
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return n.allows(tObject) && s.object(n, depth)
	case c == '[':
		return n.allows(tArray) && s.array(n, depth)
	case c == '"':
		return s.string(n)
	case c == 't' || c == 'f':
		return s.literal() && n.allows(tBoolean)
	case c == 'n':
		return s.literal() && n.nullable && (n.anything || n.types != 0)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number(n)
	}
	return false
}

// allows reports whether n permits a value of type t.
func (n *node) allows(t typeSet) bool { return n.anything || n.types&t != 0 }

// string checks the string at s.pos against n and moves past it.
func (s *scanner) string(n *node) bool {
	str, ok := s.str()
	if !ok {
		return false
	}
	if n.anything {
		return true
	}
	return n.types&tString != 0 && n.checkString(str)
}

var literals = [...][]byte{[]byte("true"), []byte("false"), []byte("null")}

func (s *scanner) literal() bool {
	for _, lit := range literals {
		if bytes.HasPrefix(s.data[s.pos:], lit) {
			s.pos += len(lit)
			return true
		}
	}
	return false
}

// str scans a string and returns its content when it holds no escape sequence and is valid
// UTF-8; strings with escapes are left to kin-openapi (they are rare in API traffic).
func (s *scanner) str() ([]byte, bool) {
	start, ascii := s.pos+1, true
	// Plain skips most bytes eight at a time; the loop looks only at the others.
	for i := start + jsonstr.Plain(s.data[start:]); i < len(s.data); i += 1 + jsonstr.Plain(s.data[i+1:]) {
		switch c := s.data[i]; {
		case c == '"':
			content := s.data[start:i]
			s.pos = i + 1
			return content, ascii || utf8.Valid(content)
		case c >= 0x80:
			ascii = false
		default: // a backslash or a control character
			return nil, false
		}
	}
	return nil, false
}

func (n *node) checkString(b []byte) bool {
	if n.minLen > 0 || n.maxLen >= 0 {
		length := utf8.RuneCount(b)
		if length < n.minLen || (n.maxLen >= 0 && length > n.maxLen) {
			return false
		}
	}
	if n.pattern != nil && !n.pattern.Match(b) {
		return false
	}
	if n.enum != nil && !n.enum[string(b)] {
		return false
	}
	switch n.format {
	case formatDateTime:
		return validDateTime(b)
	case formatDate:
		return len(b) == 10 && validDate(b)
	}
	return true
}

// validDateTime accepts the RFC 3339 form the mock writes, YYYY-MM-DDTHH:MM:SSZ, with a real
// date: a subset of what kin-openapi accepts. Other forms are left to kin-openapi.
func validDateTime(b []byte) bool {
	if len(b) != 20 || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return false
	}
	hh, ok1 := digits(b[11:13])
	mm, ok2 := digits(b[14:16])
	ss, ok3 := digits(b[17:19])
	return ok1 && ok2 && ok3 && hh <= 23 && mm <= 59 && ss <= 59 && validDate(b[:10])
}

func validDate(b []byte) bool {
	if b[4] != '-' || b[7] != '-' {
		return false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// number checks a JSON number. Integers of up to 15 digits are read exactly without allocating;
// anything else (fractions, exponents, long numbers) is left to kin-openapi unless the schema
// takes any value.
func (s *scanner) number(n *node) bool {
	start := s.pos
	intDigits, integer, ok := s.scanNumber()
	switch {
	case !ok:
		return false
	case n.anything:
		return true
	case n.types&(tInteger|tNumber) == 0 || !integer || intDigits > 15:
		return false
	}
	return n.checkInteger(s.data[start:s.pos])
}

// scanNumber moves past a JSON number, and reports how many digits its integer part has and
// whether it has no fraction or exponent.
func (s *scanner) scanNumber() (intDigits int, integer, ok bool) {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	intStart := s.pos
	intDigits = s.digits()
	if intDigits == 0 || (intDigits > 1 && s.data[intStart] == '0') {
		return 0, false, false
	}
	integer = true
	if s.at('.') {
		integer = false
		s.pos++
		if s.digits() == 0 {
			return 0, false, false
		}
	}
	if s.at('e') || s.at('E') {
		integer = false
		s.pos++
		if s.at('+') || s.at('-') {
			s.pos++
		}
		if s.digits() == 0 {
			return 0, false, false
		}
	}
	return intDigits, integer, true
}

// at reports whether the byte at s.pos is c.
func (s *scanner) at(c byte) bool { return s.pos < len(s.data) && s.data[s.pos] == c }

// digits moves past a run of decimal digits and returns its length.
func (s *scanner) digits() int {
	start := s.pos
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos - start
}

// checkInteger checks an integer literal of at most 15 digits, optionally negative, against
// n's format and bounds.
func (n *node) checkInteger(lit []byte) bool {
	negative := lit[0] == '-'
	if negative {
		lit = lit[1:]
	}
	v, _ := digits(lit)
	f := float64(v)
	if negative {
		f = -f
	}
	if n.format == formatInt32 && (f < math.MinInt32 || f > math.MaxInt32) {
		return false
	}
	return (n.min == nil || f >= *n.min) && (n.max == nil || f <= *n.max)
}

// open moves past an array's or object's opening bracket and reports whether the closing one
// follows at once (and moves past it too).
func (s *scanner) open(closing byte) (empty bool) {
	s.pos++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == closing {
		s.pos++
		return true
	}
	return false
}

// next moves past what follows a value inside an array or object: a comma (more) or the
// closing bracket.
func (s *scanner) next(closing byte) (more, ok bool) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false, false
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return true, true
	case closing:
		s.pos++
		return false, true
	}
	return false, false
}

// member reads an object member's key and colon, and stops at its value.
func (s *scanner) member() ([]byte, bool) {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false
	}
	key, ok := s.str()
	if !ok {
		return nil, false
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, false
	}
	s.pos++
	s.skipSpace()
	return key, true
}

func (s *scanner) array(n *node, depth int) bool {
	count := 0
	if !s.open(']') {
		item := n.items
		if item == nil {
			item = anyNode // kin-openapi does not look at items without a schema
		}
		for more := true; more; {
			s.skipSpace()
			if !s.value(item, depth+1) {
				return false
			}
			count++
			var ok bool
			if more, ok = s.next(']'); !ok {
				return false
			}
		}
	}
	if n.anything {
		return true
	}
	return count >= n.minItems && (n.maxItems < 0 || count <= n.maxItems)
}

func (s *scanner) object(n *node, depth int) bool {
	var seen uint64
	count, hint := 0, 0
	if !s.open('}') {
		for more := true; more; {
			key, ok := s.member()
			if !ok {
				return false
			}
			child, bit := n.childFor(key, &hint)
			if child == nil {
				return false
			}
			seen |= bit
			if !s.value(child, depth+1) {
				return false
			}
			count++
			if more, ok = s.next('}'); !ok {
				return false
			}
		}
	}
	if n.anything {
		return true
	}
	return seen&n.required == n.required && (n.maxProps < 0 || count <= n.maxProps)
}

// childFor returns the node a property's value is checked against, or nil when the document is
// not valid (or not surely valid) with this key, and the property's bit in the required mask
// (0 for an undeclared key). hint is where in n.names the next key is likely to be: encoding/json
// writes a struct's fields in order, and the generated structs declare them in the order of
// n.names, so most keys are found by one comparison instead of a map lookup.
func (n *node) childFor(key []byte, hint *int) (*node, uint64) {
	if n.anything {
		return anyNode, 0
	}
	if i := *hint; i < len(n.names) && n.names[i] == string(key) {
		*hint = i + 1
		p := n.ordered[i]
		return p.node, p.bit
	}
	if p, ok := n.props[string(key)]; ok {
		*hint = p.index + 1
		return p.node, p.bit
	}
	if n.addlForbid {
		return nil, 0
	}
	if n.foldNames != nil && n.foldsOntoProperty(key) {
		return nil, 0
	}
	if n.addl != nil {
		return n.addl, 0
	}
	return anyNode, 0
}

// foldsOntoProperty reports whether encoding/json might bind key into a declared property: it
// matches one without regard to ASCII case, or holds non-ASCII bytes that Unicode folding could
// map onto one.
func (n *node) foldsOntoProperty(key []byte) bool {
	var lower [maxFoldedName]byte
	for i, c := range key {
		if c >= 0x80 {
			return true // Unicode folding can shorten a key: not sure whatever its length
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if i < len(lower) {
			lower[i] = c
		}
	}
	if len(key) > len(lower) {
		return false // an ASCII key longer than any property name (fill makes sure)
	}
	return n.foldNames[string(lower[:len(key)])]
}

// discriminated checks an object against the oneOf branch its discriminator names, as
// kin-openapi does. A missing or unknown discriminator is left to kin-openapi.
func (s *scanner) discriminated(n *node, depth int) bool {
	if s.data[s.pos] != '{' {
		return false
	}
	value, ok := s.peekProperty(n.discProp)
	if !ok {
		return false
	}
	branch, ok := n.discMap[string(value)]
	if !ok {
		return false
	}
	return s.value(branch, depth)
}

// peekProperty finds a top-level string property of the object at s.pos without moving. When
// the key repeats, the last one counts, as in the map kin-openapi decodes.
func (s *scanner) peekProperty(name string) ([]byte, bool) {
	p := scanner{data: s.data, pos: s.pos}
	if p.open('}') {
		return nil, false
	}
	var value []byte
	found := false
	for more := true; more; {
		key, ok := p.member()
		if !ok {
			return nil, false
		}
		if string(key) == name {
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return nil, false
			}
			if value, ok = p.str(); !ok {
				return nil, false
			}
			found = true
		} else if !p.value(anyNode, 0) {
			return nil, false
		}
		if more, ok = p.next('}'); !ok {
			return nil, false
		}
	}
	return value, found
}
