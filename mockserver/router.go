package mockserver

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// router finds the operation of a request. It tries the spec's path templates in kin-openapi's
// matching order (the order its gorillamux router uses) and takes the first whose segments
// match, so it answers exactly as kin-openapi would, including for the overlapping member paths
// (router_test.go compares the two on every path), but without regular expressions and without
// allocating except for the parameters.
type router struct {
	doc   *openapi3.T
	paths []*pathTemplate
}

// pathTemplate is one path of the spec, split into segments.
type pathTemplate struct {
	path     string
	item     *openapi3.PathItem
	segments []string // literal segments, or "" where a parameter goes
	names    []string // the parameters, in order
	ops      map[string]*openapi3.Operation
}

// maxSegments bounds the request paths the router looks at; no spec path comes close.
const maxSegments = 16

func newRouter(doc *openapi3.T) *router {
	r := &router{doc: doc}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		t := &pathTemplate{path: path, item: item, ops: map[string]*openapi3.Operation{}}
		for _, part := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
			if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
				t.segments = append(t.segments, "")
				t.names = append(t.names, part[1:len(part)-1])
			} else {
				t.segments = append(t.segments, part)
			}
		}
		for method, op := range item.Operations() {
			t.ops[strings.ToUpper(method)] = op
		}
		r.paths = append(r.paths, t)
	}
	return r
}

// find returns the operation, its path template and its path parameters (still
// percent-encoded, as kin-openapi takes them), or routers.ErrPathNotFound or
// routers.ErrMethodNotAllowed.
func (r *router) find(req *http.Request) (*openapi3.Operation, *pathTemplate, map[string]string, error) {
	path := req.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		return nil, nil, nil, routers.ErrPathNotFound
	}
	var parts [maxSegments]string
	n := 0
	for rest, more := path[1:], true; more; n++ {
		if n == maxSegments {
			return nil, nil, nil, routers.ErrPathNotFound
		}
		parts[n], rest, more = strings.Cut(rest, "/")
	}
	for _, t := range r.paths {
		if !t.matches(parts[:n]) {
			continue
		}
		op := t.ops[req.Method]
		if op == nil {
			return nil, nil, nil, routers.ErrMethodNotAllowed
		}
		var params map[string]string
		if len(t.names) > 0 {
			params = make(map[string]string, len(t.names))
			i := 0
			for j, s := range t.segments {
				if s == "" {
					params[t.names[i]] = parts[j]
					i++
				}
			}
		}
		return op, t, params, nil
	}
	return nil, nil, nil, routers.ErrPathNotFound
}

func (t *pathTemplate) matches(parts []string) bool {
	if len(parts) != len(t.segments) {
		return false
	}
	for i, s := range t.segments {
		if s == "" {
			if parts[i] == "" {
				return false
			}
		} else if s != parts[i] {
			return false
		}
	}
	return true
}

// route builds kin-openapi's description of a match, for the slow path.
func (r *router) route(t *pathTemplate, method string, op *openapi3.Operation) *routers.Route {
	return &routers.Route{Spec: r.doc, Path: t.path, PathItem: t.item, Method: method, Operation: op}
}
