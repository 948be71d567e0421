package contract

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract/internal/schemacheck"
)

// Operation is one operation of the spec, compiled once per process: what a server needs to
// know of it, and enough to tell, without kin-openapi, that a request or a response surely
// conforms (the fast path). Whatever the fast path cannot vouch for goes to kin-openapi, which
// stays the authority and writes the messages.
type Operation struct {
	op             *openapi3.Operation
	pattern        string // "METHOD /path template", as oapi-codegen's std-http server registers it
	secured        bool   // needs Basic credentials
	sessionHeaders bool   // takes the member-session headers
	slow           bool   // a parameter this fast path does not model: always ask kin-openapi
	params         []paramCheck
	body           *schemacheck.Checker // nil without a request body
	bodyRequired   bool
	responses      map[int]*schemacheck.Checker
}

// paramCheck is a parameter's schema in the two shapes the spec uses: a string with a minimum
// length, or a boolean.
type paramCheck struct {
	in, name  string
	header    string // name in its canonical form, for a header parameter
	required  bool
	boolean   bool
	minLength int
}

// ID is the operation's operationId.
func (o *Operation) ID() string { return o.op.OperationID }

// Pattern is "METHOD /path template", the pattern oapi-codegen's std-http server registers the
// operation's handler under.
func (o *Operation) Pattern() string { return o.pattern }

// Secured reports whether the operation needs the project's Basic credentials (all but the
// JWKS do).
func (o *Operation) Secured() bool { return o.secured }

// TakesMemberSession reports whether the operation takes the X-Stytch-Member-Session and
// X-Stytch-Member-SessionJWT headers that act on a member's behalf.
func (o *Operation) TakesMemberSession() bool { return o.sessionHeaders }

func compileOperation(doc *openapi3.T, method, path string, item *openapi3.PathItem, op *openapi3.Operation) *Operation {
	o := &Operation{op: op, pattern: method + " " + path, responses: map[int]*schemacheck.Checker{}}
	security := doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	o.secured = len(security) > 0
	params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
	for _, ref := range params {
		p := ref.Value
		if p.In == openapi3.ParameterInHeader && p.Name == "X-Stytch-Member-Session" {
			o.sessionHeaders = true
		}
		s := p.Schema.Value
		pc := paramCheck{in: p.In, name: p.Name, required: p.Required, header: textproto.CanonicalMIMEHeaderKey(p.Name)}
		switch {
		case s.Type.Is(openapi3.TypeBoolean):
			pc.boolean = true
		case s.Type.Is(openapi3.TypeString) && s.Pattern == "" && s.MaxLength == nil && len(s.Enum) == 0 && s.Format == "":
			pc.minLength = int(s.MinLength)
		default:
			o.slow = true
		}
		o.params = append(o.params, pc)
	}
	if rb := op.RequestBody; rb != nil {
		media := rb.Value.Content.Get("application/json")
		if media == nil || len(rb.Value.Content) != 1 {
			o.slow = true
		} else {
			o.body = schemacheck.Compile(media.Schema.Value, schemacheck.Options{Request: true})
			o.bodyRequired = rb.Value.Required
		}
	}
	for code, ref := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil {
			continue // "default" and ranges: kin-openapi decides
		}
		if media := ref.Value.Content.Get("application/json"); media != nil {
			o.responses[status] = schemacheck.Compile(media.Schema.Value, schemacheck.Options{})
		}
	}
	return o
}

// requestValid reports whether a request surely passes kin-openapi's validation of its
// parameters and body. Authentication is checked by the caller.
func (o *Operation) requestValid(rt *Route, body []byte) bool {
	if o.slow {
		return false
	}
	r := rt.r
	var query url.Values
	for _, p := range o.params {
		var values []string
		switch p.in {
		case openapi3.ParameterInPath:
			values = []string{rt.escapedParam(p.name)}
		case openapi3.ParameterInQuery:
			if query == nil {
				query = r.URL.Query()
			}
			values = query[p.name]
		case openapi3.ParameterInHeader:
			values = r.Header[p.header]
		default:
			return false
		}
		switch {
		case len(values) == 0:
			if p.required {
				return false
			}
			continue
		case len(values) > 1:
			return false
		}
		v := values[0]
		if p.boolean {
			if v != "true" && v != "false" {
				return false
			}
		} else if utf8.RuneCountInString(v) < p.minLength {
			return false
		}
	}
	if o.body == nil {
		return true
	}
	if len(body) == 0 {
		return !o.bodyRequired
	}
	return r.Header.Get("Content-Type") == "application/json" && o.body.Valid(body)
}

// responseValid reports whether a response surely passes kin-openapi's validation: a documented
// status, JSON, and a body its schema accepts.
func (o *Operation) responseValid(status int, header http.Header, body []byte) bool {
	c := o.responses[status]
	return c != nil && header.Get("Content-Type") == "application/json" && c.Valid(body)
}
