package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func response(status int, header http.Header) *http.Response {
	u, _ := url.Parse("https://test.stytch.com/v1/b2b/organizations/acme?x=secret-query")
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: header, Request: &http.Request{Method: "GET", URL: u}}
}

func TestNewErrorFromStytchJSON(t *testing.T) {
	body := `{"status_code":400,"request_id":"request-id-test-1","error_type":"organization_slug_already_used","error_message":"taken","error_url":"https://stytch.com/docs/b2b/api/errors/400#organization_slug_already_used","error_details":{"field":"organization_slug"}}`
	e := newError(response(400, nil), []byte(body), time.Now())
	if e.StatusCode != 400 || e.RequestID != "request-id-test-1" || e.ErrorType != "organization_slug_already_used" ||
		e.ErrorMessage != "taken" || e.ErrorDetails["field"] != "organization_slug" || e.Body != nil {
		t.Errorf("error = %+v", e)
	}
	for _, target := range []error{ErrInvalidRequest, ErrConflict} {
		if !errors.Is(e, target) {
			t.Errorf("does not match %v", target)
		}
	}
	for _, target := range []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrServer} {
		if errors.Is(e, target) {
			t.Errorf("matches %v", target)
		}
	}
	msg := e.Error()
	if !strings.Contains(msg, "400 organization_slug_already_used: taken") || !strings.Contains(msg, "request-id-test-1") || strings.Contains(msg, "secret-query") {
		t.Errorf("message %q", msg)
	}
}

// A body that is not Stytch's JSON keeps its real status: no invented 500.
func TestNewErrorFromAProxyPage(t *testing.T) {
	html := "<html>\n<h1>504 Gateway Time-out</h1>\n</html>"
	e := newError(response(504, http.Header{"Retry-After": {"7"}}), []byte(html), time.Now())
	if e.StatusCode != 504 || e.ErrorType != "" || string(e.Body) != html || e.RetryAfter != 7*time.Second {
		t.Errorf("error = %+v", e)
	}
	if !errors.Is(e, ErrServer) || !e.Temporary() {
		t.Errorf("a 504 must be a temporary server error")
	}
	if msg := e.Error(); !strings.Contains(msg, "504 Gateway Timeout") || !strings.Contains(msg, "Gateway Time-out") {
		t.Errorf("message %q", msg)
	}
	// JSON that is not a Stytch error is kept raw too.
	other := newError(response(502, nil), []byte(`{"message":"upstream"}`), time.Now())
	if other.ErrorType != "" || string(other.Body) != `{"message":"upstream"}` {
		t.Errorf("error = %+v", other)
	}
	huge := newError(response(500, nil), []byte(strings.Repeat("x", 2*maxErrorBody)), time.Now())
	if len(huge.Body) != maxErrorBody {
		t.Errorf("body kept %d bytes", len(huge.Body))
	}
}

func TestErrorSentinels(t *testing.T) {
	for _, tc := range []struct {
		status    int
		errorType string
		want      error
	}{
		{400, "invalid_email", ErrInvalidRequest},
		{400, "duplicate_member_email", ErrConflict},
		{400, "organization_external_id_already_used", ErrConflict},
		{401, "unauthorized_credentials", ErrUnauthorized},
		{403, "unauthorized_action", ErrForbidden},
		{404, "member_not_found", ErrNotFound},
		{429, "too_many_requests", ErrRateLimited},
		{500, "internal_server_error", ErrServer},
		{503, "", ErrServer},
	} {
		e := &Error{StatusCode: tc.status, ErrorType: tc.errorType}
		if !errors.Is(e, tc.want) {
			t.Errorf("%d %s does not match %v", tc.status, tc.errorType, tc.want)
		}
	}
	if errors.Is(&Error{StatusCode: 400, ErrorType: "invalid_email"}, ErrConflict) {
		t.Errorf("an invalid email is not a conflict")
	}
	if (&Error{StatusCode: 501}).Temporary() || (&Error{StatusCode: 400}).Temporary() || !(&Error{StatusCode: 429}).Temporary() {
		t.Errorf("Temporary is wrong")
	}
	ve := &ValidationError{Field: "trusted_metadata", Reason: "too big"}
	if !errors.Is(ve, ErrInvalidRequest) || errors.Is(ve, ErrConflict) || !strings.Contains(ve.Error(), "trusted_metadata") {
		t.Errorf("validation error %v", ve)
	}
}

// An HTTP-date Retry-After is read against the client's clock, the one its retries use, not the
// machine's.
func TestErrorReadsRetryAfterOnTheClientsClock(t *testing.T) {
	e := setup(t)
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	e.c.retrier.now = func() time.Time { return now }
	e.mt.RegisterResponder("GET", orgURL, stytchErr(429, "too_many_requests").
		HeaderSet(http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}))
	_, err := e.c.Organizations.Get(context.Background(), "acme", WithRequestMaxRetries(0))
	var se *Error
	if !errors.As(err, &se) || se.RetryAfter != 90*time.Second {
		t.Errorf("got %#v, want a 429 whose RetryAfter is 90s on the client's clock", err)
	}
}
