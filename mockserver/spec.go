package mockserver

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/b2bkit/stytchorgs"
)

// compiledSpec is openapi.yaml loaded, validated and routed once per process and shared,
// read-only, by every server: starting a server after the first costs no spec work.
type compiledSpec struct {
	doc    *openapi3.T
	router routers.Router
	// errorSchema is components/schemas/Error, for error bodies that belong to no operation
	// (unknown routes, injected faults).
	errorSchema *openapi3.Schema
	// operations by "METHOD /path template", as the generated server registers them.
	operations map[string]*openapi3.Operation
}

var loadSpec = sync.OnceValues(func() (*compiledSpec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, fmt.Errorf("mockserver: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("mockserver: openapi.yaml is invalid: %w", err)
	}
	// The routers match request hosts against servers; the mock answers on any host.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("mockserver: route openapi.yaml: %w", err)
	}
	s := &compiledSpec{doc: doc, router: router, operations: map[string]*openapi3.Operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			s.operations[strings.ToUpper(method)+" "+path] = op
		}
	}
	ref := doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("mockserver: openapi.yaml has no Error schema")
	}
	s.errorSchema = ref.Value
	return s, nil
})
