package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/b2bkit/stytchorgs/mockserver/internal/schemacheck"
)

// errorTypeExtension names, in openapi.yaml, the Stytch error a schema's validation failure
// becomes: a string for every failure, or a map from JSON Schema keyword to error type.
const errorTypeExtension = "x-stytch-error-type"

// requestOptions are the kin-openapi options of request validation: every violation reported,
// no defaults written into the request (a partial update must stay partial), and the validated
// body kept, so the handler binds it (with exact, case-sensitive field names) instead of
// decoding the body a second time. Credentials are not kin-openapi's to check: the mock checks
// them before any validation, as Stytch answers 401 whatever else is wrong.
var requestOptions = &openapi3filter.Options{
	MultiError:              true,
	SkipSettingDefaults:     true,
	KeepValidatedValue:      true,
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// responseOptions make response validation strict: a status the operation does not document is
// a violation too.
var responseOptions = &openapi3filter.Options{
	MultiError:              true,
	IncludeResponseStatus:   true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// violation is one way a request breaks the spec.
type violation struct {
	Field     string `json:"field"`
	Problem   string `json:"problem"`
	ErrorType string `json:"error_type"`
}

// validateRequest checks a request against its operation. It returns nil, or a 400 that names
// the first violation and lists all of them in error_details.
func validateRequest(ctx context.Context, input *openapi3filter.RequestValidationInput) *apiError {
	err := openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		return nil
	}
	var vs []violation
	collectViolations("", nil, err, &vs)
	if len(vs) == 0 {
		vs = append(vs, violation{Problem: err.Error(), ErrorType: "bad_request"})
	}
	// kin-openapi visits properties in map order; sort so the same request always gets the
	// same answer.
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Field < vs[j].Field })
	first := vs[0]
	msg := first.Problem
	if first.Field != "" {
		msg = first.Field + ": " + first.Problem
	}
	e := newError(http.StatusBadRequest, first.ErrorType, "%s", msg)
	details := make([]any, len(vs))
	for i, v := range vs {
		details[i] = v
	}
	e.Details = map[string]any{"violations": details}
	return e
}

// collectViolations flattens kin-openapi's nested validation errors into violations, each
// named after the parameter (prefix) or body field it is about. A *RequestError is matched by
// its concrete type: it unwraps to its own MultiError, and matching that through errors.As
// first would lose the parameter's name. Below it, errors.As descends into a oneOf's
// SchemaError, which wraps its branches' errors.
func collectViolations(prefix string, re *openapi3filter.RequestError, err error, out *[]violation) {
	if e, ok := err.(*openapi3filter.RequestError); ok {
		name := ""
		if e.Parameter != nil {
			name = e.Parameter.Name
		}
		collectViolations(name, e, e.Err, out)
		return
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			collectViolations(prefix, re, e, out)
		}
		return
	}
	addViolation(prefix, err, re, out)
}

func addViolation(prefix string, err error, re *openapi3filter.RequestError, out *[]violation) {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		field := joinField(prefix, se.JSONPointer())
		errorType, problem := schemaViolation(se)
		*out = append(*out, violation{Field: field, Problem: problem, ErrorType: errorType})
		return
	}
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(err, &pe) && re != nil && re.RequestBody != nil:
		*out = append(*out, violation{Problem: "the request body is not valid JSON: " + pe.Error(), ErrorType: "bad_request"})
	case err == nil && re != nil:
		*out = append(*out, violation{Field: prefix, Problem: re.Reason, ErrorType: "bad_request"})
	default:
		problem := err.Error()
		if re != nil && re.RequestBody != nil && errors.Is(err, openapi3filter.ErrInvalidRequired) {
			problem = "a JSON request body is required"
		}
		*out = append(*out, violation{Field: prefix, Problem: problem, ErrorType: "bad_request"})
	}
}

// schemaViolation maps a schema failure to a Stytch error type through the failing schema's
// x-stytch-error-type, and describes the problem without echoing the value.
func schemaViolation(se *openapi3.SchemaError) (errorType, problem string) {
	problem = se.Reason
	if problem == "" {
		problem = "does not match the schema's " + se.SchemaField
	}
	keyword := se.SchemaField
	if keyword == "discriminator" {
		// One keyword, three failures: the property is missing, is not a string, or names no
		// schema. The spec maps each to its own error type.
		if se.Value == nil {
			keyword = "discriminator-missing"
		} else if _, ok := se.Value.(string); !ok {
			keyword = "discriminator-type"
		}
	}
	errorType = extensionErrorType(se.Schema, keyword)
	if se.SchemaField == "required" && se.Schema != nil {
		// The missing property's own schema names the error, if it names one.
		for name, prop := range se.Schema.Properties {
			if strings.Contains(se.Reason, strconv.Quote(name)) && prop.Value != nil {
				if t := extensionErrorType(prop.Value, "required"); t != "" {
					errorType = t
				}
			}
		}
	}
	if errorType == "" {
		errorType = "bad_request"
	}
	return errorType, problem
}

func extensionErrorType(s *openapi3.Schema, keyword string) string {
	if s == nil {
		return ""
	}
	switch v := s.Extensions[errorTypeExtension].(type) {
	case string:
		return v
	case map[string]any:
		t, _ := v[keyword].(string)
		return t
	}
	return ""
}

// joinField renders a JSON pointer as a field path: query.operands[0].filter_value.
func joinField(prefix string, pointer []string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range pointer {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// validateResponse checks a response the mock produced against its operation.
func validateResponse(ctx context.Context, req *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: req,
		Status:                 status,
		Header:                 header,
		Options:                responseOptions,
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, input)
}

// validateErrorBody checks an error body that belongs to no operation (an unknown route, an
// injected fault) against the Error schema.
func validateErrorBody(spec *compiledSpec, body []byte) error {
	value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), nil, nil, nil)
	if err != nil {
		return fmt.Errorf("error body is not JSON: %w", err)
	}
	return spec.errorSchema.VisitJSON(value, openapi3.VisitAsResponse(), openapi3.MultiErrors())
}

// routeError maps a routing failure to Stytch's answer.
func routeError(err error, r *http.Request) *apiError {
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		return newError(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s.", r.Method, r.URL.Path)
	}
	return newError(http.StatusNotFound, "route_not_found", "No route matches %s %s.", r.Method, r.URL.Path)
}

// readBody reads a request body up to limit bytes; past it, it reports tooLarge without reading
// the rest.
func readBody(r *http.Request, limit int64) (body []byte, tooLarge bool, err error) {
	switch {
	case r.ContentLength > limit:
		return nil, true, nil
	case r.Body == nil || r.Body == http.NoBody:
		return nil, false, nil
	}
	// The buffer grows as bytes arrive, never ahead of them: a declared Content-Length is a
	// promise, not data, and a client that announces a megabyte and sends ten bytes must not
	// make every one of its connections hold a megabyte.
	first := int64(bodyFirstAlloc)
	if r.ContentLength >= 0 {
		first = min(first, r.ContentLength)
	}
	var buf bytes.Buffer
	buf.Grow(int(first) + bytes.MinRead) // + MinRead: reading the EOF needs no second buffer
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		return nil, false, err
	}
	if int64(buf.Len()) > limit {
		return nil, true, nil
	}
	return buf.Bytes(), false, nil
}

// headerBytes is about what the request line and headers of r took on the wire.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len(r.Host) + 16
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

func errHeadersTooLarge() *apiError {
	return newError(http.StatusRequestHeaderFieldsTooLarge, "request_header_fields_too_large",
		"The request line and headers are larger than %d bytes.", maxHeaderBytes)
}

// bodyFirstAlloc is the most readBody allocates for a body before its bytes arrive.
const bodyFirstAlloc = 16 << 10

// maxNesting bounds how deeply a request body may nest objects and arrays. Stytch's deepest
// body (a search query) nests four levels; metadata may nest more, but not without bound. It
// is the fast path's limit, so a body the fast path vouches for never needs this check.
const maxNesting = schemacheck.MaxDepth

// checkJSONShape refuses a body that is not exactly one JSON value (kin-openapi would read the
// first value and ignore what follows) or that nests deeper than maxNesting, before any decoding.
func checkJSONShape(o *operation, body []byte) *apiError {
	if o.body == nil || len(body) == 0 {
		return nil
	}
	if !json.Valid(body) {
		return newError(http.StatusBadRequest, "bad_request", "The request body is not one valid JSON value.")
	}
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	if deepest > maxNesting {
		return newError(http.StatusBadRequest, "bad_request", "The request body nests objects and arrays %d levels deep; at most %d are allowed.", deepest, maxNesting)
	}
	return nil
}
