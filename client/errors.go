package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. An *Error matches the ones its status and error type stand for;
// a *ValidationError matches ErrInvalidRequest.
var (
	ErrInvalidRequest = errors.New("stytch: invalid request") // 400
	ErrConflict       = errors.New("stytch: conflict")        // 400: a slug, external id or email already used
	ErrUnauthorized   = errors.New("stytch: unauthorized")    // 401
	ErrForbidden      = errors.New("stytch: forbidden")       // 403: a member session lacks a permission
	ErrNotFound       = errors.New("stytch: not found")       // 404
	ErrRateLimited    = errors.New("stytch: rate limited")    // 429
	ErrServer         = errors.New("stytch: server error")    // 5xx

	// ErrEarlierAttemptMayHaveSucceeded matches an *Error whose call was retried after an
	// attempt that may have been carried out (see Error.EarlierAttemptMayHaveSucceeded).
	ErrEarlierAttemptMayHaveSucceeded = errors.New("stytch: an earlier attempt may have succeeded")
)

// conflictTypes are the 400 error types that mean "already used by another": Stytch reports
// conflicts as 400, not 409.
var conflictTypes = map[string]bool{
	"organization_slug_already_used":                       true,
	"organization_external_id_already_used":                true,
	"organization_settings_claimed_domain_already_claimed": true,
	"duplicate_member_email":                               true,
	"duplicate_member_external_id":                         true,
	"duplicate_member_phone_number":                        true,
	"retired_member_email":                                 true,
	"reactivation_email_belongs_to_another_member":         true,
	"desired_email_deactivated_by_different_member":        true,
	"desired_email_updating_for_different_member":          true,
	"action_not_allowed_email_domain_is_claimed":           true,
}

// Error is a response of the API other than a success. Use errors.As to read it and errors.Is
// with the sentinels to classify it:
//
//	var se *client.Error
//	if errors.As(err, &se) { log.Print(se.ErrorType, se.RequestID) }
//	if errors.Is(err, client.ErrNotFound) { … }
type Error struct {
	StatusCode   int            // the HTTP status
	RequestID    string         // Stytch's request id; quote it to Stytch's support
	ErrorType    string         // a stable code such as organization_slug_already_used
	ErrorMessage string         // a human-readable explanation
	ErrorURL     string         // Stytch's documentation of the error type
	ErrorDetails map[string]any // rarely present
	// RetryAfter is how long the server asked to wait (Retry-After), or 0.
	RetryAfter time.Duration
	// Body is the raw response body when it was not a Stytch error (a proxy's HTML page), up to
	// 64 KB; nil otherwise.
	Body []byte
	// Method and Path of the request, without the query string.
	Method, Path string
	// Attempts is how many requests the call sent: 1, plus its retries, plus any request
	// net/http sent again by itself on a broken kept-alive connection.
	Attempts int
	// EarlierAttemptMayHaveSucceeded reports that the call is a write that was retried after
	// an attempt whose outcome is unknown (a 5xx, a timeout, a connection lost after sending),
	// so this answer may describe what that attempt did: a Delete whose first attempt deleted
	// the member, and whose answer was lost, ends in ErrNotFound. errors.Is(err,
	// ErrEarlierAttemptMayHaveSucceeded) reports the same; ErrNotFound still matches.
	EarlierAttemptMayHaveSucceeded bool
}

// Error reads "stytch: METHOD /path: status error_type: message (request_id …)", or
// the HTTP status text and the start of the body when the answer was not Stytch's JSON.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stytch: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.ErrorType != "" {
		fmt.Fprintf(&b, " %s: %s", e.ErrorType, e.ErrorMessage)
	} else {
		fmt.Fprintf(&b, " %s", http.StatusText(e.StatusCode))
		if len(e.Body) > 0 {
			body := strings.Join(strings.Fields(string(e.Body[:min(len(e.Body), 120)])), " ")
			fmt.Fprintf(&b, " (body: %q)", body)
		}
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id %s)", e.RequestID)
	}
	if e.EarlierAttemptMayHaveSucceeded {
		fmt.Fprintf(&b, " (after %d attempts; an earlier one may have succeeded)", e.Attempts)
	}
	return b.String()
}

// Is reports whether e stands for a sentinel error.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrConflict:
		return e.StatusCode == http.StatusBadRequest && conflictTypes[e.ErrorType]
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	case ErrEarlierAttemptMayHaveSucceeded:
		return e.EarlierAttemptMayHaveSucceeded
	}
	return false
}

// Temporary reports whether the request may succeed if repeated later: rate limits, timeouts and
// server errors other than 501.
func (e *Error) Temporary() bool {
	return retryableStatus(e.StatusCode)
}

// maxErrorBody bounds what is read of an error response.
const maxErrorBody = 64 << 10

// newError builds the *Error for a response that is not a success. It never invents a status:
// a body that is not Stytch's JSON keeps the real status and is kept raw. now is the client's
// clock (the retrier's), which an HTTP-date Retry-After is read against.
func newError(resp *http.Response, body []byte, now time.Time) *Error {
	e := &Error{StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header, now)}
	if resp.Request != nil {
		e.Method, e.Path = resp.Request.Method, resp.Request.URL.Path
	}
	var wire struct {
		StatusCode   int            `json:"status_code"`
		RequestID    string         `json:"request_id"`
		ErrorType    string         `json:"error_type"`
		ErrorMessage string         `json:"error_message"`
		ErrorURL     string         `json:"error_url"`
		ErrorDetails map[string]any `json:"error_details"`
	}
	if json.Unmarshal(body, &wire) == nil && wire.ErrorType != "" {
		e.RequestID, e.ErrorType, e.ErrorMessage = wire.RequestID, wire.ErrorType, wire.ErrorMessage
		e.ErrorURL, e.ErrorDetails = wire.ErrorURL, wire.ErrorDetails
		return e
	}
	e.Body = body[:min(len(body), maxErrorBody)]
	return e
}

// ValidationError is a request the client refused to send because it would break a rule Stytch
// enforces, such as the metadata limits. It matches ErrInvalidRequest.
type ValidationError struct {
	Field     string
	Reason    string
	ErrorType string // the error type Stytch would answer, when there is one

	cause error // what the rule check returned, such as a JSON encoding error
}

// Error reads "stytch: invalid field: reason".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("stytch: invalid %s: %s", e.Field, e.Reason)
}

// Is makes a *ValidationError match ErrInvalidRequest.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

// Unwrap returns the failure behind the refusal, so that errors.As finds, for example, the
// *json.UnsupportedValueError of metadata that cannot be encoded.
func (e *ValidationError) Unwrap() error { return e.cause }
