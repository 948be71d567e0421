package mockserver

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/mockserver/internal/schemacheck"
)

// compiledSpec is openapi.yaml loaded, validated and routed once per process and shared,
// read-only, by every server: starting a server after the first costs no spec work.
type compiledSpec struct {
	doc    *openapi3.T
	router *router
	// errorSchema is components/schemas/Error, for error bodies that belong to no operation
	// (unknown routes, injected faults).
	errorSchema *openapi3.Schema
	// operations by kin-openapi's operation object, which routing returns.
	operations map[*openapi3.Operation]*operation
	// errorBody checks error bodies that belong to no operation, fast.
	errorBody *schemacheck.Checker
}

var loadSpec = sync.OnceValues(func() (*compiledSpec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, fmt.Errorf("mockserver: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("mockserver: openapi.yaml is invalid: %w", err)
	}
	// kin-openapi matches request hosts against servers; the mock answers on any host.
	doc.Servers = nil
	s := &compiledSpec{doc: doc, router: newRouter(doc), operations: map[*openapi3.Operation]*operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			s.operations[op] = compileOperation(doc, strings.ToUpper(method), path, item, op)
		}
	}
	ref := doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("mockserver: openapi.yaml has no Error schema")
	}
	s.errorSchema = ref.Value
	s.errorBody = schemacheck.Compile(ref.Value, schemacheck.Options{})
	return s, nil
})
