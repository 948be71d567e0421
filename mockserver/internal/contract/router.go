package contract

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// router finds the operation of a request. It tries the spec's path templates in kin-openapi's
// matching order (the order its gorillamux router uses) and takes the first whose segments
// match, so it answers exactly as kin-openapi would, including for the overlapping member paths
// (router_test.go compares the two on every path), but without regular expressions and without
// allocating. The one difference: repeated slashes count as one (see find).
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

// maxParams is the most path parameters a spec path may have (Stytch's have up to three); a
// route holds them in an array, so that routing allocates nothing.
const maxParams = 4

func newRouter(doc *openapi3.T) (*router, error) {
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
		if len(t.names) > maxParams {
			return nil, fmt.Errorf("contract: %s has more than %d path parameters", path, maxParams)
		}
		for method, op := range item.Operations() {
			t.ops[strings.ToUpper(method)] = op
		}
		r.paths = append(r.paths, t)
	}
	return r, nil
}

// find returns the operation and its path template, and puts its path parameters into params
// (still percent-encoded, as kin-openapi takes them, in the order of the template's names); or
// it returns ErrNotFound or ErrMethodNotAllowed.
//
// Repeated slashes count as one, as the official Go SDK needs (given a base URL that ends in
// "/", it asks for //v1/b2b/sessions/jwks/{project_id}), except where an empty segment can be
// read as an empty parameter: /organizations//metrics is an organization without an id, not
// the organization "metrics", and is not found, as kin-openapi answers.
func (r *router) find(req *http.Request, params *[maxParams]string) (*openapi3.Operation, *pathTemplate, error) {
	path := req.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		return nil, nil, ErrNotFound
	}
	var parts [maxSegments]string
	n, repeated := 0, false
	for rest, more := path[1:], true; more; {
		var part string
		part, rest, more = strings.Cut(rest, "/")
		if part == "" && more && n > 0 && parts[n-1] == "" {
			continue // a run of slashes is one empty segment here
		}
		if n == maxSegments {
			return nil, nil, ErrNotFound
		}
		parts[n] = part
		repeated = repeated || (part == "" && more)
		n++
	}
	segments := parts[:n]
	if repeated {
		if r.emptyParameter(segments) {
			return nil, nil, ErrNotFound
		}
		segments = withoutRepeatedSlashes(segments)
	}
	for _, t := range r.paths {
		if !t.matches(segments) {
			continue
		}
		op := t.ops[req.Method]
		if op == nil {
			return nil, nil, ErrMethodNotAllowed
		}
		i := 0
		for j, s := range t.segments {
			if s == "" {
				params[i] = segments[j]
				i++
			}
		}
		return op, t, nil
	}
	return nil, nil, ErrNotFound
}

// withoutRepeatedSlashes drops the empty segments a repeated slash leaves; a last empty
// segment, from one trailing slash, stays.
func withoutRepeatedSlashes(parts []string) []string {
	out := make([]string, 0, len(parts))
	for i, p := range parts {
		if p != "" || i == len(parts)-1 {
			out = append(out, p)
		}
	}
	return out
}

// emptyParameter reports whether some path template matches parts with an empty segment in
// place of one of its parameters, each other empty segment but a last one being a repeated
// slash.
func (r *router) emptyParameter(parts []string) bool {
	for _, t := range r.paths {
		if t.matchesWithEmptyParameter(parts, 0, false) {
			return true
		}
	}
	return false
}

func (t *pathTemplate) matchesWithEmptyParameter(parts []string, next int, emptyParam bool) bool {
	if len(parts) == 0 {
		return next == len(t.segments) && emptyParam
	}
	p := parts[0]
	if p == "" && len(parts) > 1 && t.matchesWithEmptyParameter(parts[1:], next, emptyParam) {
		return true // a repeated slash
	}
	if next == len(t.segments) {
		return false
	}
	switch s := t.segments[next]; {
	case s == "": // a parameter
		return t.matchesWithEmptyParameter(parts[1:], next+1, emptyParam || p == "")
	case s == p:
		return t.matchesWithEmptyParameter(parts[1:], next+1, emptyParam)
	}
	return false
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

// ErrNotFound and ErrMethodNotAllowed are Route's answers for a request that matches no path
// of the spec, or a path but none of its methods. They are kin-openapi's own errors.
var (
	ErrNotFound         = routers.ErrPathNotFound
	ErrMethodNotAllowed = routers.ErrMethodNotAllowed
)

// kinRoute builds kin-openapi's description of a match, for the slow path.
func (r *router) kinRoute(t *pathTemplate, method string, op *openapi3.Operation) *routers.Route {
	return &routers.Route{Spec: r.doc, Path: t.path, PathItem: t.item, Method: method, Operation: op}
}
