package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// The slow path: kin-openapi decides whatever the fast path could not vouch for, and its nested
// errors become violations.

// errorTypeExtension names, in openapi.yaml, the Stytch error a schema's validation failure
// becomes: a string for every failure, or a map from JSON Schema keyword to error type.
const errorTypeExtension = "x-stytch-error-type"

// requestOptions are the kin-openapi options of request validation: every violation reported,
// no defaults written into the request (a partial update must stay partial), and the validated
// body kept, so the handler binds it (with exact, case-sensitive field names) instead of
// decoding the body a second time. Credentials are not kin-openapi's to check.
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

// requestViolations validates a request with kin-openapi; the violations come sorted by field,
// so that the same request always gets the same answer (kin-openapi visits properties in map
// order).
func (o *Operation) requestViolations(input *openapi3filter.RequestValidationInput) []Violation {
	err := openapi3filter.ValidateRequest(input.Request.Context(), input)
	if err == nil {
		return nil
	}
	var vs []Violation
	collectViolations("", nil, err, &vs)
	if len(vs) == 0 {
		vs = append(vs, Violation{Problem: err.Error(), ErrorType: "bad_request"})
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Field < vs[j].Field })
	return o.stamp(vs, Request)
}

// responseViolations validates a response with kin-openapi.
func (o *Operation) responseViolations(req *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) []Violation {
	input := &openapi3filter.ResponseValidationInput{RequestValidationInput: req, Status: status, Header: header, Options: responseOptions}
	input.SetBodyBytes(body)
	err := openapi3filter.ValidateResponse(req.Request.Context(), input)
	if err == nil {
		return nil
	}
	var vs []Violation
	collectViolations("", nil, err, &vs)
	return o.stamp(vs, Response)
}

func (o *Operation) stamp(vs []Violation, d Direction) []Violation {
	for i := range vs {
		vs[i].Operation, vs[i].Direction = o.ID(), d
		if d == Response {
			vs[i].ErrorType = ""
		}
	}
	return vs
}

// errorBodyViolations checks an error body that belongs to no operation against the Error
// schema.
func errorBodyViolations(schema *openapi3.Schema, body []byte) []Violation {
	value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), nil, nil, nil)
	if err != nil {
		return []Violation{{Direction: Response, Keyword: KeywordNotJSON, Problem: "error body is not JSON: " + err.Error()}}
	}
	err = schema.VisitJSON(value, openapi3.VisitAsResponse(), openapi3.MultiErrors())
	if err == nil {
		return nil
	}
	var vs []Violation
	collectViolations("", nil, err, &vs)
	for i := range vs {
		vs[i].Direction, vs[i].ErrorType = Response, ""
	}
	return vs
}

// checkValue validates a value against a schema as a request body.
func checkValue(schema *openapi3.Schema, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var value any
	if err := json.Unmarshal(b, &value); err != nil {
		return err
	}
	return schema.VisitJSON(value, openapi3.VisitAsRequest(), openapi3.DisableSchemaErrorDetails())
}

// collectViolations flattens kin-openapi's nested validation errors into violations, each
// named after the parameter (prefix) or body field it is about. A *RequestError is matched by
// its concrete type: it unwraps to its own MultiError, and matching that through errors.As
// first would lose the parameter's name. Below it, errors.As descends into a oneOf's
// SchemaError, which wraps its branches' errors.
func collectViolations(prefix string, re *openapi3filter.RequestError, err error, out *[]Violation) {
	if e, ok := err.(*openapi3filter.RequestError); ok {
		name := ""
		if e.Parameter != nil {
			name = e.Parameter.Name
		}
		collectViolations(name, e, e.Err, out)
		return
	}
	if e, ok := err.(*openapi3filter.ResponseError); ok && e.Err == nil {
		*out = append(*out, Violation{Problem: e.Reason})
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

func addViolation(prefix string, err error, re *openapi3filter.RequestError, out *[]Violation) {
	aboutBody := re != nil && re.RequestBody != nil
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		errorType, keyword, problem := schemaViolation(se)
		pointer := se.JSONPointer()
		if d := se.Schema; se.SchemaField == "discriminator" && d != nil && d.Discriminator != nil {
			// kin-openapi points at the object; the problem is its discriminating property.
			pointer = append(pointer, d.Discriminator.PropertyName)
		}
		field := joinField(prefix, pointer)
		if field == "" && aboutBody {
			field = BodyField
		}
		*out = append(*out, Violation{Field: field, Problem: problem, Keyword: keyword, ErrorType: errorType})
		return
	}
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(err, &pe) && aboutBody:
		*out = append(*out, Violation{Field: BodyField, Problem: "not valid JSON: " + pe.Error(), ErrorType: "bad_request"})
	case err == nil && aboutBody:
		// The one body failure kin-openapi reports without an error: a media type the
		// operation does not take.
		*out = append(*out, Violation{Field: "Content-Type", Problem: contentTypeProblem(re), ErrorType: "bad_request"})
	case err == nil && re != nil:
		*out = append(*out, Violation{Field: prefix, Problem: re.Reason, ErrorType: "bad_request"})
	default:
		problem, field := err.Error(), prefix
		if aboutBody && errors.Is(err, openapi3filter.ErrInvalidRequired) {
			problem, field = "a JSON request body is required", BodyField
		}
		*out = append(*out, Violation{Field: field, Problem: problem, ErrorType: "bad_request"})
	}
}

// BodyField is the Field of a violation about a request body as a whole (not JSON, not an
// object, missing), so that every violation names what it is about.
const BodyField = "body"

// contentTypeProblem says which media types a request body may have, and which it had.
func contentTypeProblem(re *openapi3filter.RequestError) string {
	want := slices.Sorted(maps.Keys(re.RequestBody.Content))
	got := ""
	if re.Input != nil && re.Input.Request != nil {
		got = re.Input.Request.Header.Get("Content-Type")
	}
	return "must be " + strings.Join(want, " or ") + ", not " + strconv.Quote(got)
}

// schemaViolation maps a schema failure to a Stytch error type through the failing schema's
// x-stytch-error-type, and describes the problem without echoing the value.
func schemaViolation(se *openapi3.SchemaError) (errorType, keyword, problem string) {
	problem = se.Reason
	if problem == "" {
		problem = "does not match the schema's " + se.SchemaField
	}
	keyword = se.SchemaField
	if keyword == "discriminator" {
		// One keyword, three failures: the property is missing, is not a string, or names no
		// schema. The spec maps each to its own error type.
		value, isString := se.Value.(string)
		switch {
		case se.Value == nil:
			keyword = "discriminator-missing"
		case !isString:
			keyword = "discriminator-type"
		}
		problem = discriminatorProblem(se.Schema, keyword, value)
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
	return errorType, se.SchemaField, problem
}

// discriminatorProblem describes a discriminator's failure (keyword, from schemaViolation) with
// the values the property may take, which kin-openapi leaves out: a caller who misspelled a
// search filter's name learns the right one. value is what was sent, when it was a string.
func discriminatorProblem(s *openapi3.Schema, keyword, value string) string {
	if s == nil || s.Discriminator == nil {
		return "does not match the schema's discriminator"
	}
	name := s.Discriminator.PropertyName
	valid := strings.Join(slices.Sorted(maps.Keys(s.Discriminator.Mapping)), ", ")
	switch keyword {
	case "discriminator-missing":
		return fmt.Sprintf("property %q is missing; it takes one of: %s", name, valid)
	case "discriminator-type":
		return fmt.Sprintf("must be a string, one of: %s", valid)
	}
	return fmt.Sprintf("%s is not a valid %s; it takes one of: %s", QuoteClipped(value), name, valid)
}

// QuoteClipped quotes what a caller sent for an error message, cut to its first 64 bytes: the
// message names the value without echoing a megabyte of it.
func QuoteClipped(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
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

// checkJSONShape refuses a body that is not exactly one JSON value (kin-openapi would read the
// first value and ignore what follows) or that nests deeper than MaxNesting, before any decoding.
func checkJSONShape(o *Operation, body []byte) *Violation {
	if o.body == nil || len(body) == 0 {
		return nil
	}
	if !json.Valid(body) {
		return &Violation{Operation: o.ID(), Direction: Request, Keyword: KeywordNotJSON, ErrorType: "bad_request",
			Problem: "The request body is not one valid JSON value."}
	}
	if deepest := nesting(body); deepest > MaxNesting {
		return &Violation{Operation: o.ID(), Direction: Request, Keyword: KeywordTooDeep, ErrorType: "bad_request",
			Problem: "The request body nests objects and arrays " + strconv.Itoa(deepest) + " levels deep; at most " + strconv.Itoa(MaxNesting) + " are allowed."}
	}
	return nil
}

// nesting is how deeply a valid JSON document nests objects and arrays.
func nesting(body []byte) int {
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
	return deepest
}
