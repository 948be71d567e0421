package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jarcoal/httpmock"

	"github.com/b2bkit/stytchorgs"
)

func TestShouldRetry(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "https://test.stytch.com/v1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "https://test.stytch.com/v1", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	eof := &url.Error{Op: "Get", URL: "https://test.stytch.com/v1", Err: io.ErrUnexpectedEOF}
	dns := &url.Error{Op: "Get", URL: "https://nope.invalid/v1", Err: &net.DNSError{Err: "no such host", Name: "nope.invalid"}}
	scheme := &url.Error{Op: "Get", URL: "ftp://x", Err: errors.New(`unsupported protocol scheme "ftp"`)}
	for _, tc := range []struct {
		name       string
		idempotent bool
		status     int
		err        error
		want       bool
	}{
		{"read ok", true, 200, nil, false},
		{"read 400", true, 400, nil, false},
		{"read 404", true, 404, nil, false},
		{"read 408", true, 408, nil, true},
		{"read 429", true, 429, nil, true},
		{"read 500", true, 500, nil, true},
		{"read 501", true, 501, nil, false},
		{"read 502", true, 502, nil, true},
		{"read 503", true, 503, nil, true},
		{"read 504", true, 504, nil, true},
		{"read refused", true, 0, refused, true},
		{"read reset", true, 0, reset, true},
		{"read unexpected EOF", true, 0, eof, true},
		{"read DNS", true, 0, dns, true},
		{"read bad scheme", true, 0, scheme, false},
		{"read canceled", true, 0, context.Canceled, false},
		{"read, one attempt ran out of time", true, 0, &url.Error{Op: "Get", URL: "u", Err: context.DeadlineExceeded}, true},
		{"create, one attempt ran out of time", false, 0, &url.Error{Op: "Post", URL: "u", Err: context.DeadlineExceeded}, false},
		{"create 429", false, 429, nil, true},
		{"create 500", false, 500, nil, false},
		{"create 503", false, 503, nil, false},
		{"create 408", false, 408, nil, false},
		{"create refused", false, 0, refused, true},
		{"create DNS", false, 0, dns, true},
		{"create reset after sending", false, 0, reset, false},
		{"create unexpected EOF", false, 0, eof, false},
	} {
		if got := shouldRetry(tc.idempotent, tc.status, tc.err); got != tc.want {
			t.Errorf("%s: shouldRetry = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Every operation of the spec has exactly one retry class, and the class agrees with the
// method's semantics: a GET is a read, a PUT or a DELETE an idempotent write. A POST is a create
// (retried only when unsent) unless it is listed here with the reason it may be repeated.
func TestRetryClassesFollowTheSpec(t *testing.T) {
	postsSafeToRepeat := map[string]retryClass{
		"searchOrganizations":      retryRead,       // a query; changes nothing
		"searchMembers":            retryRead,       // a query; changes nothing
		"unlinkMemberRetiredEmail": retryIdempotent, // a second unlink fails, changing nothing
		"revokeMemberConnectedApp": retryIdempotent, // a second revoke fails, changing nothing
	}
	classNames := map[retryClass]string{retryRead: "retryRead", retryIdempotent: "retryIdempotent", retryIfUnsent: "retryIfUnsent"}
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	inSpec := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			id := op.OperationID
			if inSpec[id] {
				t.Errorf("operationId %s appears twice in the spec", id)
			}
			inSpec[id] = true
			class, ok := retryClasses[id]
			want := map[string]retryClass{http.MethodGet: retryRead, http.MethodPut: retryIdempotent, http.MethodDelete: retryIdempotent, http.MethodPost: retryIfUnsent}[method]
			if c, listed := postsSafeToRepeat[id]; listed && method == http.MethodPost {
				want = c
			}
			switch {
			case !ok:
				t.Errorf("%s %s (%s) has no retry class in retryClasses", method, path, id)
			case want == 0:
				t.Errorf("%s %s (%s): no rule for the method %s", method, path, id, method)
			case class != want:
				t.Errorf("%s %s (%s) has retry class %s, want %s", method, path, id, classNames[class], classNames[want])
			}
		}
	}
	for id := range retryClasses {
		if !inSpec[id] {
			t.Errorf("retryClasses names %s, which is not an operation of the spec", id)
		}
	}
	for id := range postsSafeToRepeat {
		if !inSpec[id] {
			t.Errorf("postsSafeToRepeat names %s, which is not an operation of the spec", id)
		}
	}
}

// When the call's own context has ended (its deadline, or the caller's), nothing is retried,
// whatever the attempt's error: the deadline error of a read included.
func TestCheckStopsWhenTheCallsContextEnds(t *testing.T) {
	r := &retrier{initial: time.Millisecond, max: time.Millisecond, maxRetryAfter: time.Second, now: time.Now, random: func() float64 { return 0.5 }}
	req := httptest.NewRequest(http.MethodGet, "https://test.stytch.com/v1/b2b/organizations/acme", nil)
	a := newAttempts(r, "getOrganization", 2, nil, req)
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	attemptErr := &url.Error{Op: "Get", URL: "u", Err: fmt.Errorf("wrapped: %w", context.DeadlineExceeded)}
	retry, err := a.check(expired, nil, attemptErr)
	if retry || !errors.Is(err, context.DeadlineExceeded) || a.retries != 0 {
		t.Errorf("check = %v, %v (retries %d); want no retry and the context's error", retry, err, a.retries)
	}
	// The same attempt error with the call still running is retried.
	if retry, err := a.check(context.Background(), nil, attemptErr); !retry || err != nil {
		t.Errorf("with the call running: check = %v, %v; want a retry", retry, err)
	}
}

// http.Client.Timeout bounds each attempt (WithHTTPClient): a read whose first attempt runs
// out of it is tried again, within the call's own timeout.
func TestReadRetriedAfterAnAttemptTimesOut(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status_code":200,"request_id":"r","organization":{"organization_id":"organization-test-1","organization_slug":"acme"}}`)
	}))
	defer srv.Close()
	c, err := New("project-test-retry", "secret", WithBaseURL(srv.URL), WithRetryWaits(0, 0),
		WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.Organizations.Get(context.Background(), "acme")
	if err != nil || org.Slug != "acme" {
		t.Fatalf("Get = %v, %v; want the organization from the second attempt", org, err)
	}
	if n := attempts.Load(); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	now := time.Now()
	initial, max, cap := 500*time.Millisecond, 8*time.Second, 30*time.Second
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		if got := backoff(attempt, nil, now, initial, max, cap, 0); got != want {
			t.Errorf("attempt %d without jitter: %v, want %v", attempt, got, want)
		}
		if got := backoff(attempt, nil, now, initial, max, cap, 1); got != want*3/4 {
			t.Errorf("attempt %d with full jitter: %v, want %v", attempt, got, want*3/4)
		}
	}
	h := http.Header{"Retry-After": {"3"}}
	if got := backoff(0, h, now, initial, max, cap, 0.9); got != 3*time.Second {
		t.Errorf("Retry-After 3 gave %v", got)
	}
	h.Set("Retry-After", "3600")
	if got := backoff(0, h, now, initial, max, cap, 0); got != cap {
		t.Errorf("Retry-After 3600 gave %v, want the %v cap", got, cap)
	}
}

// The tests below share httpmock's activation of one inner client at a time, so they do not run
// in parallel.

func TestRetry503ThenSuccess(t *testing.T) {
	e := setup(t)
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "internal_server_error").Then(httpmock.NewStringResponder(200, orgBody)))
	org, err := e.c.Organizations.Get(context.Background(), "acme")
	if err != nil || org.Slug != "acme" {
		t.Fatalf("got %v, %v", org, err)
	}
	if n := e.calls("GET", orgURL); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
	if len(e.waits) != 1 || e.waits[0] > 500*time.Millisecond || e.waits[0] < 375*time.Millisecond {
		t.Errorf("waits %v, want one of about 500ms less jitter", e.waits)
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	e := setup(t)
	limited := httpmock.NewStringResponder(429, `{"status_code":429,"request_id":"r","error_type":"too_many_requests","error_message":"m","error_url":"u"}`).
		HeaderSet(http.Header{"Retry-After": {"2"}})
	e.mt.RegisterResponder("POST", createURL, limited.Then(httpmock.NewStringResponder(200, orgBody)))
	org, err := e.c.Organizations.Create(context.Background(), OrganizationCreateParams{Name: "Acme"})
	if err != nil || org.ID != "organization-test-1" {
		t.Fatalf("got %v, %v", org, err)
	}
	if len(e.waits) != 1 || e.waits[0] != 2*time.Second {
		t.Errorf("waits %v, want [2s] from Retry-After", e.waits)
	}
}

func TestHugeRetryAfterWithShortDeadlineReturnsPromptly(t *testing.T) {
	e := setup(t)
	e.mt.RegisterResponder("GET", orgURL, httpmock.NewStringResponder(429, `{"status_code":429,"request_id":"r","error_type":"too_many_requests","error_message":"m","error_url":"u"}`).
		HeaderSet(http.Header{"Retry-After": {"3600"}}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := e.c.Organizations.Get(ctx, "acme")
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("took %v", elapsed)
	}
	var se *Error
	if !errors.As(err, &se) || !errors.Is(err, ErrRateLimited) || se.RetryAfter != time.Hour {
		t.Fatalf("got %v, want the 429 with RetryAfter 1h", err)
	}
	if n := e.calls("GET", orgURL); n != 1 || len(e.waits) != 0 {
		t.Errorf("%d calls and waits %v: a wait the deadline cannot outlast must not start", n, e.waits)
	}
}

func TestCreateIsNotRetriedAfterAServerError(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504, 408} {
		e := setup(t)
		e.mt.RegisterResponder("POST", createURL, stytchErr(status, "internal_server_error"))
		_, err := e.c.Organizations.Create(context.Background(), OrganizationCreateParams{Name: "Acme"})
		var se *Error
		if !errors.As(err, &se) || se.StatusCode != status {
			t.Errorf("%d: got %v", status, err)
		}
		if n := e.calls("POST", createURL); n != 1 {
			t.Errorf("%d: a create was sent %d times; it may have been created already", status, n)
		}
		httpmock.DeactivateAndReset()
	}
}

// errTransport fails the first requests with err, then passes them on.
type errTransport struct {
	mu    sync.Mutex
	fails int
	err   error
	next  http.RoundTripper
	seen  int
}

func (t *errTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.seen++
	fail := t.seen <= t.fails
	t.mu.Unlock()
	if fail {
		return nil, t.err
	}
	return t.next.RoundTrip(r)
}

func TestCreateRetriesOnlyWhenNeverSent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantCalls int
		wantOK    bool
	}{
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, 2, true},
		{"connection reset after writing", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, 1, false},
		{"server closed the connection", io.ErrUnexpectedEOF, 1, false},
	} {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder("POST", createURL, httpmock.NewStringResponder(200, orgBody))
		et := &errTransport{fails: 1, err: tc.err, next: mt}
		c, err := New("project-test-x", "secret", WithHTTPClient(&http.Client{Transport: et}), WithRetryWaits(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Organizations.Create(context.Background(), OrganizationCreateParams{Name: "Acme"})
		if (err == nil) != tc.wantOK || et.seen != tc.wantCalls {
			t.Errorf("%s: err %v after %d attempts, want ok=%v after %d", tc.name, err, et.seen, tc.wantOK, tc.wantCalls)
		}
		var se *Error
		if err != nil && errors.As(err, &se) {
			t.Errorf("%s: a transport error became an *Error: %v", tc.name, err)
		}
	}
}

func TestMaxRetriesZeroSendsOnce(t *testing.T) {
	e := setup(t, WithMaxRetries(0))
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "internal_server_error"))
	_, err := e.c.Organizations.Get(context.Background(), "acme")
	if !errors.Is(err, ErrServer) || e.calls("GET", orgURL) != 1 {
		t.Errorf("err %v after %d calls", err, e.calls("GET", orgURL))
	}
	// A per-call override wins over the client's setting.
	_, err = e.c.Organizations.Get(context.Background(), "acme", WithRequestMaxRetries(3))
	if !errors.Is(err, ErrServer) || e.calls("GET", orgURL) != 1+4 {
		t.Errorf("with 3 retries for the call: err %v after %d calls in all", err, e.calls("GET", orgURL))
	}
}

func TestExhaustedRetriesReturnTheLastAnswer(t *testing.T) {
	e := setup(t)
	html := `<html><body><h1>502 Bad Gateway</h1></body></html>`
	e.mt.RegisterResponder("GET", orgURL, httpmock.NewStringResponder(502, html))
	_, err := e.c.Organizations.Get(context.Background(), "acme")
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if se.StatusCode != 502 || se.ErrorType != "" || string(se.Body) != html || !errors.Is(err, ErrServer) {
		t.Errorf("error = %+v", se)
	}
	if strings.Contains(err.Error(), "giving up") || !strings.Contains(err.Error(), "502") {
		t.Errorf("message %q", err)
	}
	if n := e.calls("GET", orgURL); n != 3 {
		t.Errorf("%d calls, want 1 + 2 retries", n)
	}
}

func TestContextCanceledDuringBackoff(t *testing.T) {
	e := setup(t)
	e.c.retrier.onWait = func(time.Duration) time.Duration { return time.Hour }
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "internal_server_error"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := e.c.Organizations.Get(ctx, "acme")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
}

func TestRetriesResendTheBodyIntact(t *testing.T) {
	e := setup(t)
	var bodies []string
	n := 0
	e.mt.RegisterResponder("PUT", orgURL, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b)+"|"+r.Header.Get("Content-Type")+"|"+r.Header.Get("Authorization"))
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		return httpmock.NewStringResponse(200, orgBody), nil
	})
	_, err := e.c.Organizations.Update(context.Background(), "acme", OrganizationUpdateParams{Name: Set("Acme"), TrustedMetadata: MetadataPatch{"a": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] || !strings.HasPrefix(bodies[0], `{"organization_name":"Acme","trusted_metadata":{"a":1}}|application/json|Basic `) {
		t.Errorf("attempts sent %q", bodies)
	}
}

func TestRetriesAreLoggedOnlyWithALoggerAndNeverTheSecret(t *testing.T) {
	var buf bytes.Buffer
	e := setup(t, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "x").Then(httpmock.NewStringResponder(200, orgBody)))
	if _, err := e.c.Organizations.Get(context.Background(), "acme", WithMemberSession("session-token-123")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "retrying") || !strings.Contains(out, "status=503") || !strings.Contains(out, "path=/v1/b2b/organizations/acme") ||
		!strings.Contains(out, "method=GET") || !strings.Contains(out, "wait=") {
		t.Errorf("log = %q", out)
	}
	for _, secret := range []string{"super-secret-value", "Authorization", "Basic", "session-token-123"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q: %q", secret, out)
		}
	}
}

func TestErrorsNeverHoldTheSecret(t *testing.T) {
	e := setup(t, WithMaxRetries(0))
	e.mt.RegisterResponder("GET", orgURL, httpmock.NewErrorResponder(errors.New("boom")))
	_, err := e.c.Organizations.Get(context.Background(), "acme")
	if err == nil || strings.Contains(err.Error(), "super-secret-value") || strings.Contains(fmt.Sprintf("%+v", err), "super-secret-value") {
		t.Errorf("error %v", err)
	}
	e.mt.RegisterResponder("GET", orgURL, stytchErr(401, "unauthorized_credentials"))
	_, err = e.c.Organizations.Get(context.Background(), "acme")
	if !errors.Is(err, ErrUnauthorized) || strings.Contains(fmt.Sprintf("%#v", err), "super-secret-value") {
		t.Errorf("error %#v", err)
	}
}

// The wait is picked before the deadline check, so a wait that cannot fit is never started and
// the caller gets the server's answer, not a context error.
func TestRetryWaitsThatCannotFitAreNotStarted(t *testing.T) {
	// Waits of 15 to 20 minutes cannot fit in a call bounded to 10 minutes: the retrier must give
	// the 503 back at once instead of starting one. The wait hook sees every wait the retrier
	// starts, so the test needs no stopwatch and holds however loaded the machine is.
	e := setup(t, WithTimeout(10*time.Minute), WithRetryWaits(20*time.Minute, 20*time.Minute))
	var started []time.Duration
	e.c.retrier.onWait = func(d time.Duration) time.Duration {
		started = append(started, d)
		return 0
	}
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "internal_server_error"))
	_, err := e.c.Organizations.Get(context.Background(), "acme")
	var se *Error
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("got %v, want the 503", err)
	}
	if len(started) != 0 {
		t.Errorf("started waits %v that the call's deadline could not fit", started)
	}
	if se.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", se.Attempts)
	}

	// The same waits fit a call without a deadline: the retrier starts them.
	e = setup(t, WithTimeout(0), WithRetryWaits(20*time.Minute, 20*time.Minute), WithMaxRetries(1))
	started = nil
	e.c.retrier.onWait = func(d time.Duration) time.Duration {
		started = append(started, d)
		return 0
	}
	e.mt.RegisterResponder("GET", orgURL, stytchErr(503, "internal_server_error"))
	if _, err := e.c.Organizations.Get(context.Background(), "acme"); !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("got %v, want the 503", err)
	}
	if len(started) != 1 || started[0] < 15*time.Minute {
		t.Errorf("started waits %v, want one of 15 to 20 minutes", started)
	}
}

func TestOutcomeUnknown(t *testing.T) {
	refused := &url.Error{Op: "Delete", URL: "u", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Delete", URL: "u", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	timeout := &url.Error{Op: "Delete", URL: "u", Err: context.DeadlineExceeded}
	for _, tc := range []struct {
		name   string
		status int
		err    error
		want   bool
	}{
		{"429: refused without acting", 429, nil, false},
		{"connection refused: never sent", 0, refused, false},
		{"408", 408, nil, true},
		{"500", 500, nil, true},
		{"503", 503, nil, true},
		{"connection reset after sending", 0, reset, true},
		{"the attempt timed out", 0, timeout, true},
	} {
		if got := outcomeUnknown(tc.status, tc.err); got != tc.want {
			t.Errorf("%s: outcomeUnknown = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Only a write retried after an attempt of unknown outcome says an earlier attempt may have
// succeeded: not after a 429 or a refused connection, and never for a read.
func TestEarlierAttemptMayHaveSucceeded(t *testing.T) {
	const memberURL = "https://test.stytch.com/v1/b2b/organizations/acme/members/m1"
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	notFound := stytchErr(404, "member_not_found")
	for _, tc := range []struct {
		name   string
		method string
		first  httpmock.Responder
		want   bool
	}{
		{"DELETE after a lost connection", "DELETE", httpmock.NewErrorResponder(reset), true},
		{"DELETE after a 500", "DELETE", stytchErr(500, "internal_server_error"), true},
		{"DELETE after a 503", "DELETE", stytchErr(503, "internal_server_error"), true},
		{"DELETE after a 429", "DELETE", stytchErr(429, "too_many_requests"), false},
		{"DELETE after a refused connection", "DELETE", httpmock.NewErrorResponder(refused), false},
		{"GET after a 503", "GET", stytchErr(503, "internal_server_error"), false},
	} {
		e := setup(t)
		e.mt.RegisterResponder(tc.method, memberURL, tc.first.Then(notFound))
		e.mt.RegisterResponder("GET", "https://test.stytch.com/v1/b2b/organizations/acme/member", tc.first.Then(notFound))
		var err error
		if tc.method == "DELETE" {
			err = e.c.Members.Delete(context.Background(), "acme", "m1")
		} else {
			_, err = e.c.Members.Get(context.Background(), "acme", "m1")
		}
		var se *Error
		if !errors.As(err, &se) || !errors.Is(err, ErrNotFound) || se.Attempts != 2 {
			t.Errorf("%s: %v, want a 404 after 2 attempts", tc.name, err)
		} else if se.EarlierAttemptMayHaveSucceeded != tc.want || errors.Is(err, ErrEarlierAttemptMayHaveSucceeded) != tc.want {
			t.Errorf("%s: EarlierAttemptMayHaveSucceeded = %v, errors.Is = %v; want %v", tc.name,
				se.EarlierAttemptMayHaveSucceeded, errors.Is(err, ErrEarlierAttemptMayHaveSucceeded), tc.want)
		}
		httpmock.DeactivateAndReset()
	}
	// Nor does an answer at the first attempt.
	e := setup(t)
	e.mt.RegisterResponder("DELETE", memberURL, notFound)
	err := e.c.Members.Delete(context.Background(), "acme", "m1")
	var se *Error
	if !errors.As(err, &se) || se.Attempts != 1 || errors.Is(err, ErrEarlierAttemptMayHaveSucceeded) {
		t.Errorf("a 404 at once: %#v", err)
	}
}

// Request options validate their input like client options: the call fails before sending.
func TestRequestOptionsValidate(t *testing.T) {
	e := setup(t)
	e.mt.RegisterResponder("GET", orgURL, httpmock.NewStringResponder(200, orgBody))
	for name, opt := range map[string]RequestOption{
		"negative timeout":       WithRequestTimeout(-time.Second),
		"negative retries":       WithRequestMaxRetries(-1),
		"header value line feed": WithHeader("X-Tag", "a\r\nX-Evil: 1"),
		"empty header name":      WithHeader("", "v"),
		"header name with colon": WithHeader("X-Evil: 1", "v"),
		"session token newline":  WithMemberSession("token\nX-Evil: 1"),
	} {
		if _, err := e.c.Organizations.Get(context.Background(), "acme", opt); err == nil {
			t.Errorf("%s: the call succeeded", name)
		}
	}
	if n := e.calls("GET", orgURL); n != 0 {
		t.Errorf("%d requests sent with invalid options", n)
	}
	if _, err := e.c.Organizations.Get(context.Background(), "acme", WithRequestTimeout(0), WithRequestMaxRetries(0), WithHeader("X-Tag", "ok")); err != nil {
		t.Errorf("valid options: %v", err)
	}
}
