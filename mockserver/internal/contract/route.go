package contract

import (
	"bytes"
	"io"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// Route is a request matched to its operation, ready to have the request and then its response
// checked. It is a value so that routing allocates nothing; keep it in a variable and call its
// methods on that.
type Route struct {
	c      *Contract
	op     *Operation
	tmpl   *pathTemplate
	params [maxParams]string // percent-encoded, in the order of tmpl.names
	r      *http.Request
	kin    *openapi3filter.RequestValidationInput // built when kin-openapi is first needed
}

// Operation is the operation the request was routed to.
func (rt *Route) Operation() *Operation { return rt.op }

// Params calls yield with each path parameter's name and its value, percent-decoded once.
func (rt *Route) Params(yield func(name, value string) bool) {
	for i, name := range rt.tmpl.names {
		if !yield(name, unescape(rt.params[i])) {
			return
		}
	}
}

func (rt *Route) escapedParam(name string) string {
	for i, n := range rt.tmpl.names {
		if n == name {
			return rt.params[i]
		}
	}
	return ""
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// CheckRequest checks the request's parameters and its body (given whole; r.Body is not read)
// against the operation. Credentials are not checked: they are the server's business, and
// Stytch answers them before anything else.
//
// When kin-openapi decides, it reads the body from a new r.Body and leaves in its place a body
// that carries the decoded value, which oapi-codegen's binding takes instead of decoding the
// body a second time (and binds with exact, case-sensitive field names).
func (rt *Route) CheckRequest(body []byte) []Violation {
	if rt.op.requestValid(rt, body) {
		return nil
	}
	if v := checkJSONShape(rt.op, body); v != nil {
		return []Violation{*v}
	}
	rt.r.Body = io.NopCloser(bytes.NewReader(body))
	return rt.op.requestViolations(rt.kinInput())
}

// CheckResponse checks a response to the request against the operation: its status must be
// documented, and its Content-Type and body must be what the spec says. A 413 or 431 answers
// the request's size before any operation sees it (the spec's Errors section documents them for
// every request), so only its error body is checked, as for an unrouted answer.
func (rt *Route) CheckResponse(status int, header http.Header, body []byte) []Violation {
	if status == http.StatusRequestEntityTooLarge || status == http.StatusRequestHeaderFieldsTooLarge {
		return rt.c.CheckErrorBody(body)
	}
	if rt.op.responseValid(status, header, body) {
		return nil
	}
	return rt.op.responseViolations(rt.kinInput(), status, header, body)
}

func (rt *Route) kinInput() *openapi3filter.RequestValidationInput {
	if rt.kin == nil {
		params := make(map[string]string, len(rt.tmpl.names))
		for i, name := range rt.tmpl.names {
			params[name] = rt.params[i]
		}
		rt.kin = &openapi3filter.RequestValidationInput{
			Request:    rt.r,
			PathParams: params,
			Route:      rt.c.router.kinRoute(rt.tmpl, rt.r.Method, rt.op.op),
			Options:    requestOptions,
		}
	}
	return rt.kin
}
