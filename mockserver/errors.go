package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// apiError is a Stytch error response in the making.
type apiError struct {
	Status  int
	Type    string
	Message string
	Details map[string]any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message) }

func newError(status int, errorType, format string, args ...any) *apiError {
	return &apiError{Status: status, Type: errorType, Message: fmt.Sprintf(format, args...)}
}

// errorURL is where Stytch documents an error type.
func errorURL(status int, errorType string) string {
	return fmt.Sprintf("https://stytch.com/docs/b2b/api/errors/%d#%s", status, errorType)
}

// errorBody is the JSON body of every error the mock sends.
type errorBody struct {
	StatusCode   int            `json:"status_code"`
	RequestID    string         `json:"request_id"`
	ErrorType    string         `json:"error_type"`
	ErrorMessage string         `json:"error_message"`
	ErrorURL     string         `json:"error_url"`
	ErrorDetails map[string]any `json:"error_details,omitempty"`
}

func (e *apiError) body(requestID string) errorBody {
	return errorBody{
		StatusCode:   e.Status,
		RequestID:    requestID,
		ErrorType:    e.Type,
		ErrorMessage: e.Message,
		ErrorURL:     errorURL(e.Status, e.Type),
		ErrorDetails: e.Details,
	}
}

// writeError writes e as a Stytch error response.
func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	writeBody(w, e.Status, e.body(requestID))
}

// writeAdminError writes e as an error of the admin API: Stytch-shaped like the API's, so that
// one decoder reads both, but with an empty error_url. The admin API is the mock's own and
// stytch.com has no page for its errors (a link there would be a dead one); AdminPrefix and the
// README's "Admin API" section document them.
func writeAdminError(w http.ResponseWriter, requestID string, e *apiError) {
	b := e.body(requestID)
	b.ErrorURL = ""
	writeBody(w, e.Status, b)
}

func writeBody(w http.ResponseWriter, status int, b errorBody) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(b)
}

// jsonKind names the kind of a JSON value, for messages that must not echo it.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// asAPIError turns an error from the store or a handler into the response it stands for. Any
// other error is a bug in the mock and becomes a 500.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var se *store.Error
	if errors.As(err, &se) {
		status := map[store.Kind]int{
			store.Invalid:      http.StatusBadRequest,
			store.Unauthorized: http.StatusUnauthorized,
			store.Forbidden:    http.StatusForbidden,
			store.NotFound:     http.StatusNotFound,
		}[se.Kind]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		return &apiError{Status: status, Type: se.Type, Message: se.Message}
	}
	return newError(http.StatusInternalServerError, "internal_server_error", "The mock server failed: %v", err)
}

// requestError renders a request's violations as Stytch's 400: the first one names the error
// type and the message, and error_details lists them all. A body that is not one JSON value of
// bounded depth was never checked against a schema, so it gets the message alone.
func requestError(vs []contract.Violation) *apiError {
	first := vs[0]
	msg := first.Problem
	if first.Field != "" {
		msg = first.Field + ": " + first.Problem
	}
	e := newError(http.StatusBadRequest, first.ErrorType, "%s", msg)
	if first.Keyword == contract.KeywordNotJSON || first.Keyword == contract.KeywordTooDeep {
		return e
	}
	details := make([]any, len(vs))
	for i, v := range vs {
		details[i] = violationDetail{Field: v.Field, Problem: v.Problem, ErrorType: v.ErrorType}
	}
	e.Details = map[string]any{"violations": details}
	return e
}

// violationDetail is one violation in error_details.
type violationDetail struct {
	Field     string `json:"field"`
	Problem   string `json:"problem"`
	ErrorType string `json:"error_type"`
}

// responseError describes a response that broke the spec, for ContractViolations and the 500
// that replaces it.
func responseError(what string, vs []contract.Violation) error {
	var b strings.Builder
	b.WriteString(what)
	for i, v := range vs {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if v.Field != "" {
			b.WriteString(v.Field + ": ")
		}
		b.WriteString(v.Problem)
	}
	return errors.New(b.String())
}

// routeError maps a routing failure to Stytch's answer.
func routeError(err error, r *http.Request) *apiError {
	if errors.Is(err, contract.ErrMethodNotAllowed) {
		return newError(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s.", r.Method, r.URL.Path)
	}
	return newError(http.StatusNotFound, "route_not_found", "No route matches %s %s.", r.Method, r.URL.Path)
}

func errHeadersTooLarge() *apiError {
	return newError(http.StatusRequestHeaderFieldsTooLarge, "request_header_fields_too_large",
		"The request line and headers are larger than %d bytes.", maxHeaderBytes)
}

func errBodyTooLarge() *apiError {
	return newError(http.StatusRequestEntityTooLarge, "request_too_large", "The request body is larger than %d bytes.", maxBodyBytes)
}
