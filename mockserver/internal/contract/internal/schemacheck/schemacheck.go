// Package schemacheck is the contract's fast path for validating JSON against openapi.yaml.
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
	"regexp"

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
	node  *node
	bit   uint64
	index int // in node.names
}

// node is one compiled schema.
type node struct {
	unsupported bool // uses something this package does not model: never valid
	anything    bool // any JSON value; null only when nullable (kin-openapi's empty schema is not)
	types       typeSet
	nullable    bool

	// objects
	props      map[string]property // declared properties: one lookup per key finds both
	names      []string            // the declared properties' names, sorted
	ordered    []property          // the declared properties, in the order of names
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

// MaxDepth bounds how many objects and arrays may enclose one another; the checker leaves
// deeper documents to its caller (the contract refuses such request bodies outright).
const MaxDepth = 32

// anyNode stands for values kin-openapi does not visit (undeclared properties without an
// additionalProperties schema, items without a schema): any JSON value, null included.
var anyNode = &node{anything: true, nullable: true}

// maxFoldedName is the longest property name a request checker compares case-folded keys with.
const maxFoldedName = 64
