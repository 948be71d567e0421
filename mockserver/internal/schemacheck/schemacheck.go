// Package schemacheck is the mock's fast path for validating JSON against openapi.yaml.
//
// kin-openapi validates a body by decoding it into `any` values and visiting them, which costs
// tens of microseconds and a hundred or more allocations for a typical Organization. This
// package compiles kin-openapi's schema objects once into checkers that walk the raw JSON bytes
// without allocating.
//
// It answers only "valid" or "not sure". Valid means kin-openapi would accept the document too;
// "not sure" covers invalid documents and everything this package does not model (schema
// keywords it does not know, unusual encodings, duplicate property names that differ only in
// case). On "not sure" the caller asks kin-openapi, which stays the authority and produces the
// error messages. A differential fuzz test holds the package to that contract.
package schemacheck

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// Checker validates JSON documents against one compiled schema. It is safe for concurrent use.
type Checker struct {
	root *node
}

// Options decide what compiled checkers look at.
type Options struct {
	// Request rejects (as "not sure") object keys that match a declared property only without
	// regard to case or only after Unicode folding: encoding/json would bind such a key into the
	// property, bypassing the property's validation, so kin-openapi's exact binding must decide.
	Request bool
}

// Compile builds a Checker for schema. A schema that uses keywords this package does not model
// still compiles; documents it governs are simply never "valid" here.
func Compile(schema *openapi3.Schema, opts Options) *Checker {
	c := &compiler{opts: opts, nodes: map[*openapi3.Schema]*node{}}
	return &Checker{root: c.compile(schema)}
}

// Valid reports whether data is a JSON document that kin-openapi would find valid. false means
// invalid or not sure.
func (c *Checker) Valid(data []byte) bool {
	s := scanner{data: data}
	s.skipSpace()
	if !s.value(c.root, 0) {
		return false
	}
	s.skipSpace()
	return s.pos == len(s.data)
}

// typeSet is the set of JSON types a schema permits; zero permits all.
type typeSet uint8

const (
	tObject typeSet = 1 << iota
	tArray
	tString
	tInteger
	tNumber
	tBoolean
)

type formatKind uint8

const (
	formatNone formatKind = iota
	formatDateTime
	formatDate
	formatInt32
	formatInt64
)

// property is a declared property of an object schema: its schema and its bit in the mask of
// required properties.
type property struct {
	node *node
	bit  uint64
}

// node is one compiled schema.
type node struct {
	unsupported bool // uses something this package does not model: never valid
	anything    bool // any JSON value; null only when nullable (kin-openapi's empty schema is not)
	types       typeSet
	nullable    bool

	// objects
	props      map[string]property // declared properties: one lookup per key finds both
	required   uint64
	foldNames  map[string]bool // lowercased property names; only in request checkers
	addl       *node           // additionalProperties schema; nil means any when addlAllowed
	addlForbid bool
	maxProps   int // -1: none

	// arrays
	items    *node
	minItems int
	maxItems int // -1: none

	// strings
	minLen  int
	maxLen  int // -1: none
	pattern *regexp.Regexp
	enum    map[string]bool
	format  formatKind

	// numbers
	min, max *float64

	// oneOf with a discriminator
	discProp string
	discMap  map[string]*node
}

type compiler struct {
	opts  Options
	nodes map[*openapi3.Schema]*node
}

func (c *compiler) compile(s *openapi3.Schema) *node {
	if s == nil {
		return &node{unsupported: true} // an unresolved reference: kin-openapi reports it
	}
	if n, ok := c.nodes[s]; ok {
		return n // shared or recursive schemas compile once
	}
	n := &node{maxProps: -1, maxItems: -1, maxLen: -1}
	c.nodes[s] = n
	if !c.fill(n, s) {
		*n = node{unsupported: true}
	}
	return n
}

// fill compiles s into n, and reports false when s uses what this package does not model.
func (c *compiler) fill(n *node, s *openapi3.Schema) bool {
	if len(s.AllOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil || s.UniqueItems || s.ReadOnly || s.WriteOnly ||
		s.MultipleOf != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.Const != nil ||
		len(s.PrefixItems) > 0 || s.If != nil || s.PatternProperties != nil || s.PropertyNames != nil ||
		s.MinLength > math.MaxInt32 || s.Always != nil || s.MinProps > 0 {
		// MinProps: a repeated key counts twice here, once for kin-openapi's decoded map.
		return false
	}
	n.nullable = s.Nullable
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			switch t {
			case openapi3.TypeObject:
				n.types |= tObject
			case openapi3.TypeArray:
				n.types |= tArray
			case openapi3.TypeString:
				n.types |= tString
			case openapi3.TypeInteger:
				n.types |= tInteger
			case openapi3.TypeNumber:
				n.types |= tNumber
			case openapi3.TypeBoolean:
				n.types |= tBoolean
			default:
				return false
			}
		}
	}

	if len(s.OneOf) > 0 {
		// kin-openapi applies the parent's own keywords after the branch: only a parent with
		// none (a nullable parent aside, whose null is left to kin-openapi) is modelled.
		parent := *s
		parent.OneOf, parent.Discriminator, parent.Nullable = nil, nil, false
		if s.Discriminator == nil || len(s.Discriminator.Mapping) == 0 || !parent.IsEmpty() {
			return false
		}
		n.discProp = s.Discriminator.PropertyName
		n.discMap = map[string]*node{}
		for value, mapping := range s.Discriminator.Mapping {
			var target *openapi3.Schema
			for _, item := range s.OneOf {
				if item.Ref == mapping.Ref {
					target = item.Value
				}
			}
			if target == nil {
				return false
			}
			n.discMap[value] = c.compile(target)
		}
		return true
	}

	if s.IsEmpty() {
		n.anything = true // any value but null, as kin-openapi has it
		return true
	}
	if n.types == 0 {
		return false // keywords without a type: leave to kin-openapi
	}

	// objects
	if len(s.Properties) > 64 {
		return false
	}
	if len(s.Properties) > 0 {
		n.props = make(map[string]property, len(s.Properties))
		if c.opts.Request {
			n.foldNames = make(map[string]bool, len(s.Properties))
		}
		i := 0
		for name, ref := range s.Properties {
			n.props[name] = property{node: c.compile(ref.Value), bit: 1 << i}
			if n.foldNames != nil {
				if len(name) > maxFoldedName {
					return false // foldsOntoProperty compares keys of at most that length
				}
				n.foldNames[strings.ToLower(name)] = true
			}
			i++
		}
	}
	for _, r := range s.Required {
		p, ok := n.props[r]
		if !ok {
			return false // a required property without a schema: rare, leave it
		}
		n.required |= p.bit
	}
	switch {
	case s.AdditionalProperties.Schema != nil:
		n.addl = c.compile(s.AdditionalProperties.Schema.Value)
	case s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has:
		n.addlForbid = true
	}
	if s.MaxProps != nil {
		n.maxProps = int(*s.MaxProps)
	}

	// arrays
	if s.Items != nil {
		n.items = c.compile(s.Items.Value)
	}
	n.minItems = int(s.MinItems)
	if s.MaxItems != nil {
		n.maxItems = int(*s.MaxItems)
	}

	// strings
	n.minLen = int(s.MinLength)
	if s.MaxLength != nil {
		n.maxLen = int(*s.MaxLength)
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return false
		}
		n.pattern = re
	}
	if len(s.Enum) > 0 {
		n.enum = make(map[string]bool, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return false
			}
			n.enum[str] = true
		}
	}
	switch s.Format {
	case "":
	case "date-time":
		n.format = formatDateTime
	case "date":
		n.format = formatDate
	case "int32":
		n.format = formatInt32
	case "int64":
		n.format = formatInt64
	default:
		// kin-openapi checks only the formats registered with it; an unregistered one (email,
		// uri) is an annotation. A registered one this package does not know is not modelled.
		if _, ok := openapi3.SchemaStringFormats[s.Format]; ok {
			return false
		}
		if _, ok := openapi3.SchemaIntegerFormats[s.Format]; ok {
			return false
		}
		if _, ok := openapi3.SchemaNumberFormats[s.Format]; ok {
			return false
		}
	}

	// numbers
	n.min, n.max = s.Min, s.Max
	return true
}

// scanner walks a JSON document, checking it against compiled nodes as it goes.
type scanner struct {
	data []byte
	pos  int
}

// MaxDepth bounds how many objects and arrays may enclose one another; the checker leaves
// deeper documents to its caller (the mock refuses such request bodies outright).
const MaxDepth = 32

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
		if !n.anything && n.types&tObject == 0 {
			return false
		}
		return s.object(n, depth)
	case c == '[':
		if !n.anything && n.types&tArray == 0 {
			return false
		}
		return s.array(n, depth)
	case c == '"':
		str, ok := s.str()
		if !ok {
			return false
		}
		if n.anything {
			return true
		}
		return n.types&tString != 0 && n.checkString(str)
	case c == 't' || c == 'f':
		if !s.literal() {
			return false
		}
		return n.anything || n.types&tBoolean != 0
	case c == 'n':
		if !s.literal() {
			return false
		}
		return n.nullable && (n.anything || n.types != 0)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number(n)
	}
	return false
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
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			content := s.data[start:i]
			s.pos = i + 1
			return content, utf8.Valid(content)
		case c == '\\' || c < 0x20:
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
	if s.data[s.pos] == '-' {
		s.pos++
	}
	intStart := s.pos
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
	}
	intDigits := s.pos - intStart
	if intDigits == 0 || (intDigits > 1 && s.data[intStart] == '0') {
		return false
	}
	simple := true
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		simple = false
		s.pos++
		d := s.pos
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
		}
		if s.pos == d {
			return false
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		simple = false
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		d := s.pos
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
		}
		if s.pos == d {
			return false
		}
	}
	if n.anything {
		return true
	}
	if n.types&(tInteger|tNumber) == 0 || !simple || intDigits > 15 {
		return false
	}
	v, _ := digits(s.data[intStart : intStart+intDigits])
	f := float64(v)
	if s.data[start] == '-' {
		f = -f
	}
	if n.format == formatInt32 && (f < math.MinInt32 || f > math.MaxInt32) {
		return false
	}
	if (n.min != nil && f < *n.min) || (n.max != nil && f > *n.max) {
		return false
	}
	return true
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
	count := 0
	if !s.open('}') {
		for more := true; more; {
			key, ok := s.member()
			if !ok {
				return false
			}
			child, bit := n.childFor(key)
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

// anyNode stands for values kin-openapi does not visit (undeclared properties without an
// additionalProperties schema, items without a schema): any JSON value, null included.
var anyNode = &node{anything: true, nullable: true}

// maxFoldedName is the longest property name a request checker compares case-folded keys with.
const maxFoldedName = 64

// childFor returns the node a property's value is checked against, or nil when the document is
// not valid (or not surely valid) with this key, and the property's bit in the required mask
// (0 for an undeclared key).
func (n *node) childFor(key []byte) (*node, uint64) {
	if n.anything {
		return anyNode, 0
	}
	if p, ok := n.props[string(key)]; ok {
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
