// Package contract is openapi.yaml at run time: it routes HTTP requests to the spec's
// operations and checks requests and responses against them, answering with violations as
// data (operation, direction, field, problem) rather than HTTP errors, so that the mock renders
// them as Stytch errors and a proxy can log them.
//
// Every check runs in two tiers, which callers never see: a fast path (schemacheck, compiled
// once per process) vouches without allocating for traffic that surely conforms, and
// kin-openapi, the authority, decides and explains everything else. A differential test and a
// fuzz target hold the fast path to kin-openapi's answers.
package contract

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/mockserver/internal/contract/internal/schemacheck"
)

// Contract is openapi.yaml loaded, validated and compiled once per process. It is read-only
// and safe for concurrent use.
type Contract struct {
	doc    *openapi3.T
	router *router
	// operations by kin-openapi's operation object, which routing finds.
	operations map[*openapi3.Operation]*Operation
	sorted     []*Operation
	// errorSchema is components/schemas/Error, for error bodies that belong to no operation
	// (unknown routes, injected faults); errorBody checks them fast.
	errorSchema *openapi3.Schema
	errorBody   *schemacheck.Checker
}

// Load returns the contract of the embedded openapi.yaml. The spec is loaded once per process;
// every later call returns the same Contract.
func Load() (*Contract, error) { return load() }

var load = sync.OnceValues(func() (*Contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, fmt.Errorf("contract: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: openapi.yaml is invalid: %w", err)
	}
	// kin-openapi matches request hosts against servers; the contract holds on any host.
	doc.Servers = nil
	router, err := newRouter(doc)
	if err != nil {
		return nil, err
	}
	c := &Contract{doc: doc, router: router, operations: map[*openapi3.Operation]*Operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := compileOperation(doc, strings.ToUpper(method), path, item, op)
			c.operations[op] = o
			c.sorted = append(c.sorted, o)
		}
	}
	slices.SortFunc(c.sorted, func(a, b *Operation) int { return strings.Compare(a.pattern, b.pattern) })
	ref := doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("contract: openapi.yaml has no Error schema")
	}
	c.errorSchema = ref.Value
	c.errorBody = schemacheck.Compile(ref.Value, schemacheck.Options{})
	return c, nil
})

// Operations returns every operation of the spec, ordered by method and path.
func (c *Contract) Operations() []*Operation { return slices.Clone(c.sorted) }

// Route finds the operation of a request: a Route, or ErrNotFound or ErrMethodNotAllowed.
// Routing follows kin-openapi's matching order, except that repeated slashes count as one.
func (c *Contract) Route(r *http.Request) (Route, error) {
	rt := Route{c: c, r: r}
	op, t, err := c.router.find(r, &rt.params)
	if err != nil {
		return Route{}, err
	}
	rt.op, rt.tmpl = c.operations[op], t
	return rt, nil
}

// CheckErrorBody checks an error body that belongs to no operation (an unknown route, an
// injected fault, a gateway's answer) against the spec's Error schema.
func (c *Contract) CheckErrorBody(body []byte) []Violation {
	if c.errorBody.Valid(body) {
		return nil
	}
	return errorBodyViolations(c.errorSchema, body)
}

// CheckSchema checks a value (anything encoding/json encodes, such as a fixture's create
// params) against one of the spec's component schemas, as the body of a request would be.
func (c *Contract) CheckSchema(name string, v any) error {
	ref := c.doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("contract: openapi.yaml has no schema %s", name)
	}
	return checkValue(ref.Value, v)
}

// Direction says which half of an exchange a violation is about.
type Direction string

const (
	Request  Direction = "request"
	Response Direction = "response"
)

// Violation is one way a request or a response breaks the spec.
type Violation struct {
	// Operation is the operationId the traffic was routed to; empty for an error body that
	// belongs to no operation.
	Operation string
	Direction Direction
	// Field names what broke: a parameter (member_id), a body field
	// (query.operands[0].filter_value), or nothing when the problem is the whole message.
	Field   string
	Problem string
	// Keyword is the JSON Schema keyword that failed (type, required, enum, …), or for the
	// body as a whole, KeywordNotJSON or KeywordTooDeep; empty when kin-openapi named none.
	Keyword string
	// ErrorType is the Stytch error type the spec maps a request violation to (its
	// x-stytch-error-type, or bad_request).
	ErrorType string
}

// Keywords of violations about a request body as a whole, found before any schema is
// consulted.
const (
	KeywordNotJSON = "json"  // not exactly one JSON value
	KeywordTooDeep = "depth" // objects and arrays nested deeper than MaxNesting
)

// MaxNesting bounds how deeply a request body may nest objects and arrays. Stytch's deepest
// body (a search query) nests four levels; metadata may nest more, but not without bound. It
// is the fast path's limit, so a body the fast path vouches for never needs this check.
const MaxNesting = schemacheck.MaxDepth

func (v Violation) String() string {
	s := string(v.Direction)
	if v.Operation != "" {
		s = v.Operation + " " + s
	}
	if v.Field != "" {
		return s + ": " + v.Field + ": " + v.Problem
	}
	return s + ": " + v.Problem
}
