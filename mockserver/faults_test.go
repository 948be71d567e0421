package mockserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of injected faults: InjectFault and the admin API's /__stytchmock/faults.

const (
	faultsProject = "project-test-faults-0001"
	faultsSecret  = "secret-faults"
	// faultsOrgPath is an organization that does not exist: unfaulted, it answers 404.
	faultsOrgPath = "/v1/b2b/organizations/organization-test-00000000-0000-4000-8000-000000000000"
)

func TestFaultStatusAnswersStytchError(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "7"})

	r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	e := expectStytchError(t, r, http.StatusServiceUnavailable, "internal_server_error")
	if got := r.header.Get("Retry-After"); got != "7" {
		t.Errorf("Retry-After = %q, want 7", got)
	}
	if !strings.Contains(e.ErrorMessage, "Injected") {
		t.Errorf("error_message = %q, want it to say the mock injected it", e.ErrorMessage)
	}

	// The fault is used up: the same request is handled again.
	r = send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	expectStytchError(t, r, http.StatusNotFound, "organization_not_found")
	if got := r.header.Get("Retry-After"); got != "" {
		t.Errorf("Retry-After = %q on a request no fault answered", got)
	}
}

func TestFaultDefaultsFollowStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		wantType string
	}{
		{http.StatusTooManyRequests, "too_many_requests"},
		{http.StatusInternalServerError, "internal_server_error"},
		{http.StatusBadGateway, "internal_server_error"},
		{http.StatusConflict, "conflict"},
		{http.StatusUnauthorized, "unauthorized"},
		{http.StatusRequestEntityTooLarge, "request_entity_too_large"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			injectFault(t, srv, mockserver.Fault{Status: tc.status})
			r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
			expectStytchError(t, r, tc.status, tc.wantType)
			if got := r.header.Get("Retry-After"); got != "" {
				t.Errorf("Retry-After = %q, but the fault set none", got)
			}
		})
	}
}

// Every status InjectFault accepts must get a default error_type that is a Stytch-style code:
// lowercase words joined by underscores.
func TestFaultDefaultErrorTypeIsACode(t *testing.T) {
	t.Parallel()
	code := regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
	for _, status := range []int{400, 404, 418, 420, 451, 499, 503, 599} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			injectFault(t, srv, mockserver.Fault{Status: status})
			r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
			var e stytchError
			if err := json.Unmarshal(r.body, &e); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, r.body)
			}
			if r.status != status || e.StatusCode != status {
				t.Fatalf("got %d (status_code %d), want %d: %s", r.status, e.StatusCode, status, r.body)
			}
			if !code.MatchString(e.ErrorType) {
				t.Errorf("error_type = %q, want a snake_case code (error_url %q)", e.ErrorType, e.ErrorURL)
			}
		})
	}
}

func TestFaultCustomErrorTypeAndMessage(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: 400, ErrorType: "organization_slug_already_used", ErrorMessage: "Taken, says the fault."})
	r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	e := expectStytchError(t, r, 400, "organization_slug_already_used")
	if e.ErrorMessage != "Taken, says the fault." {
		t.Errorf("error_message = %q", e.ErrorMessage)
	}

	// A type without a message gets a default message.
	injectFault(t, srv, mockserver.Fault{Status: 429, ErrorType: "rate_limited"})
	r = send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	expectStytchError(t, r, 429, "rate_limited")
}

// A fault that sets only error_message keeps it; only the missing error_type follows the status.
func TestFaultCustomMessageKeptWithDefaultType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		wantType string
	}{
		{http.StatusConflict, "conflict"},
		{http.StatusTooManyRequests, "too_many_requests"},
		{http.StatusServiceUnavailable, "internal_server_error"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			injectFault(t, srv, mockserver.Fault{Status: tc.status, ErrorMessage: "Custom message from the test."})
			e := expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), tc.status, tc.wantType)
			if e.ErrorMessage != "Custom message from the test." {
				t.Errorf("error_message = %q, want the fault's own message", e.ErrorMessage)
			}
		})
	}
}

func TestFaultTimesCountsDown(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Path: faultsOrgPath, Status: 500, Times: 3})

	for i := 3; i > 0; i-- {
		pending := srv.PendingFaults()
		if len(pending) != 1 || pending[0].Times != i {
			t.Fatalf("before request %d: PendingFaults() = %+v, want one fault with %d times left", 4-i, pending, i)
		}
		expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 500, "internal_server_error")
	}
	if pending := srv.PendingFaults(); len(pending) != 0 {
		t.Fatalf("PendingFaults() = %+v after the fault was used up", pending)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
}

func TestFaultZeroTimesMeansOnce(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: 502})
	if pending := srv.PendingFaults(); len(pending) != 1 || pending[0].Times != 1 {
		t.Fatalf("PendingFaults() = %+v, want one fault with 1 time", pending)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 502, "internal_server_error")
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
}

func TestFaultMethodAndPathMatching(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	// Lowercase method: matched without regard to case.
	injectFault(t, srv, mockserver.Fault{Method: "post", Path: "/v1/b2b/organizations/*", Status: 503, Times: 2})

	// Not matching: wrong method, a path with no segment for *, a path with more segments.
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
	created := send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Acme","organization_slug":"acme"}`)
	if created.status != 200 {
		t.Fatalf("create organization: %d %s", created.status, created.body)
	}
	member := send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/acme/members", `{"email_address":"ada@acme.com"}`)
	if member.status != 200 {
		t.Fatalf("create member (path deeper than the pattern): %d %s", member.status, member.body)
	}
	if pending := srv.PendingFaults(); len(pending) != 1 || pending[0].Times != 2 {
		t.Fatalf("PendingFaults() = %+v: requests that do not match used the fault up", pending)
	}

	// Matching: POST on one segment below /v1/b2b/organizations/.
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`), 503, "internal_server_error")
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/anything", `{}`), 503, "internal_server_error")
	if pending := srv.PendingFaults(); len(pending) != 0 {
		t.Fatalf("PendingFaults() = %+v", pending)
	}
	if r := send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`); r.status != 200 {
		t.Fatalf("search after the fault: %d %s", r.status, r.body)
	}
}

func TestFaultPathPatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		match         bool
	}{
		{"/v1/b2b/organizations/*", faultsOrgPath, true},
		{"/v1/b2b/organizations/*/members/*", "/v1/b2b/organizations/o/members/m", true},
		{"/v1/b2b/organizations/*/members/*", "/v1/b2b/organizations/o/members", false},
		{"/v1/b2b/organizations/organization-test-????????-*", faultsOrgPath, true},
		{"/v1/b2b/organizations/[n-p]*", faultsOrgPath, true},
		{"/v1/b2b/organizations/[a-m]*", faultsOrgPath, false},
		{faultsOrgPath, faultsOrgPath, true},
		{faultsOrgPath + "/metrics", faultsOrgPath, false},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			injectFault(t, srv, mockserver.Fault{Path: tc.pattern, Status: 504})
			r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, tc.path, "")
			if faulted := r.status == 504; faulted != tc.match {
				t.Errorf("pattern %q on %s: got %d, want faulted = %v: %s", tc.pattern, tc.path, r.status, tc.match, r.body)
			}
			if left := len(srv.PendingFaults()); (left == 0) != tc.match {
				t.Errorf("%d faults left, want the fault used up = %v", left, tc.match)
			}
		})
	}
}

func TestFaultFirstMatchingFaultWins(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Path: "/v1/b2b/rbac/*", Status: 500})
	injectFault(t, srv, mockserver.Fault{Status: 429})
	injectFault(t, srv, mockserver.Fault{Status: 503})

	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 429, "too_many_requests")
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 503, "internal_server_error")
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
	pending := srv.PendingFaults()
	if len(pending) != 1 || pending[0].Path != "/v1/b2b/rbac/*" {
		t.Fatalf("PendingFaults() = %+v, want only the rbac fault", pending)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, "/v1/b2b/rbac/policy", ""), 500, "internal_server_error")
}

func TestFaultLatencyDelaysHandling(t *testing.T) {
	t.Parallel()
	const latency = 80 * time.Millisecond
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Path: "/v1/b2b/organizations", Latency: latency})

	start := time.Now()
	r := send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Slow"}`)
	elapsed := time.Since(start)
	if r.status != 200 {
		t.Fatalf("a latency-only fault must still handle the request: %d %s", r.status, r.body)
	}
	if elapsed < latency {
		t.Errorf("answered after %v, want at least %v", elapsed, latency)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Duration < latency || reqs[0].Status != 200 {
		t.Errorf("Requests() = %+v, want one 200 taking at least %v", reqs, latency)
	}

	if pending := srv.PendingFaults(); len(pending) != 0 {
		t.Errorf("PendingFaults() = %+v after the latency was used", pending)
	}
}

func TestFaultLatencyWithStatus(t *testing.T) {
	t.Parallel()
	const latency = 60 * time.Millisecond
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Latency: latency, Status: 429, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"})
	start := time.Now()
	r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("answered after %v, want at least %v", elapsed, latency)
	}
	expectStytchError(t, r, 429, "too_many_requests")
	if got := r.header.Get("Retry-After"); got != "Wed, 21 Oct 2026 07:28:00 GMT" {
		t.Errorf("Retry-After = %q", got)
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Path: faultsOrgPath, DropConnection: true})

	// A fresh connection per request, so the client cannot retry on another one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	r, err := trySend(client, srv.URL, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	if err == nil {
		t.Fatalf("got a response (%d %s), want a transport error", r.status, r.body)
	}
	var urlErr interface{ Timeout() bool }
	if errors.As(err, &urlErr) && urlErr.Timeout() {
		t.Fatalf("the request timed out instead of losing its connection: %v", err)
	}

	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("Requests() has %d entries, want 1: %+v", len(reqs), reqs)
	}
	if !reqs[0].Fault || reqs[0].Status != 0 || reqs[0].Path != faultsOrgPath {
		t.Errorf("Requests()[0] = %+v, want a fault with no status", reqs[0])
	}

	// The connection drop was used up.
	r, err = trySend(client, srv.URL, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
	if err != nil {
		t.Fatalf("the request after the fault failed: %v", err)
	}
	expectStytchError(t, r, 404, "organization_not_found")
}

// Driven through Handler() with a ResponseRecorder there is no connection to drop: the fault is
// answered 502 connection_dropped, in the caller's goroutine, without a panic.
func TestFaultDropConnectionThroughHandlerAnswers502(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{DropConnection: true, Latency: time.Millisecond})
	req := httptest.NewRequest(http.MethodGet, faultsOrgPath, nil)
	req.SetBasicAuth(faultsProject, faultsSecret)
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Fatalf("ServeHTTP panicked in the caller's goroutine: %v", v)
			}
		}()
		srv.Handler().ServeHTTP(rec, req)
	}()
	e := expectStytchError(t, response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, 502, "connection_dropped")
	if !strings.Contains(e.ErrorMessage, "drop_connection") {
		t.Errorf("the message does not say why: %s", e.ErrorMessage)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !reqs[0].Fault || reqs[0].Status != 502 || reqs[0].ErrorType != "connection_dropped" {
		t.Errorf("Requests() = %+v", reqs)
	}
	// The fault is used up: the next request is handled.
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 404 {
		t.Errorf("the next request: %d %s", rec.Code, rec.Body)
	}
}

func TestFaultDropConnectionAfterLatency(t *testing.T) {
	t.Parallel()
	const latency = 50 * time.Millisecond
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{DropConnection: true, Latency: latency})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	start := time.Now()
	if r, err := trySend(client, srv.URL, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`); err == nil {
		t.Fatalf("got a response (%d %s), want a transport error", r.status, r.body)
	}
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("the connection dropped after %v, want at least %v", elapsed, latency)
	}
}

func TestFaultInvalidRejected(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]mockserver.Fault{
		"status 200":          {Status: 200},
		"status 302":          {Status: 302},
		"status 399":          {Status: 399},
		"status 600":          {Status: 600},
		"negative status":     {Status: -500},
		"no effect":           {Path: "/v1/*", Times: 3},
		"nothing at all":      {},
		"negative times":      {Status: 500, Times: -1},
		"bad pattern":         {Status: 500, Path: "/v1/b2b/organizations/["},
		"bad pattern escape":  {Status: 500, Path: `/v1/b2b/\`},
		"latency, bad status": {Latency: time.Millisecond, Status: 200},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			if err := srv.InjectFault(f); err == nil {
				t.Fatalf("InjectFault(%+v) = nil, want an error", f)
			}
			if pending := srv.PendingFaults(); len(pending) != 0 {
				t.Fatalf("PendingFaults() = %+v after a refused fault", pending)
			}
			expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
		})
	}
}

// Faults act like a failing load balancer: before authentication, validation and routing.
func TestFaultAppliesBeforeAuthentication(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithCredentials(faultsProject, faultsSecret))
	injectFault(t, srv, mockserver.Fault{Status: 503, Times: 5})

	send := func(req *http.Request) response {
		t.Helper()
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, header: resp.Header, body: b}
	}
	noAuth, _ := http.NewRequest(http.MethodGet, srv.URL+faultsOrgPath, nil)
	wrongSecret, _ := http.NewRequest(http.MethodGet, srv.URL+faultsOrgPath, nil)
	wrongSecret.SetBasicAuth(faultsProject, "not-the-secret")
	badBody, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/b2b/organizations", strings.NewReader(`{"organization_name":`))
	badBody.SetBasicAuth(faultsProject, faultsSecret)
	badBody.Header.Set("Content-Type", "application/json")
	noRoute, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/no/such/route", nil)
	wrongMethod, _ := http.NewRequest(http.MethodPatch, srv.URL+faultsOrgPath, nil)

	for name, req := range map[string]*http.Request{
		"no credentials": noAuth, "wrong secret": wrongSecret, "invalid body": badBody,
		"unknown route": noRoute, "wrong method": wrongMethod,
	} {
		if r := send(req); r.status != 503 {
			t.Errorf("%s: got %d, want the fault's 503: %s", name, r.status, r.body)
		} else {
			expectStytchError(t, r, 503, "internal_server_error")
		}
	}

	// Without the fault the same request is refused.
	again, _ := http.NewRequest(http.MethodGet, srv.URL+faultsOrgPath, nil)
	expectStytchError(t, send(again), 401, "unauthorized_credentials")
}

func TestFaultRecordedInRequests(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Path: faultsOrgPath, Status: 429})
	faulted := expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 429, "too_many_requests")
	normal := expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() has %d entries, want 2: %+v", len(reqs), reqs)
	}
	byValue := cmpopts.IgnoreFields(mockserver.RecordedRequest{}, "Time", "Duration", "Header")
	want := mockserver.RecordedRequest{Fault: true, Status: 429, ErrorType: "too_many_requests", RequestID: faulted.RequestID,
		Method: http.MethodGet, Path: faultsOrgPath, ProjectID: faultsProject}
	if diff := cmp.Diff(want, reqs[0], byValue); diff != "" {
		t.Errorf("Requests()[0], the faulted 429 (-want +got):\n%s", diff)
	}
	want = mockserver.RecordedRequest{Status: 404, ErrorType: "organization_not_found", RequestID: normal.RequestID, OperationID: "getOrganization",
		Method: http.MethodGet, Path: faultsOrgPath, ProjectID: faultsProject}
	if diff := cmp.Diff(want, reqs[1], byValue); diff != "" {
		t.Errorf("Requests()[1], the unfaulted 404 (-want +got):\n%s", diff)
	}
	if v := reqs[0].Header["Authorization"]; len(v) != 1 || v[0] != mockserver.Redacted {
		t.Errorf("the request log kept Authorization as %q", v)
	}
}

func TestFaultConcurrentRequestsUseExactlyTimes(t *testing.T) {
	t.Parallel()
	const times, requests = 5, 24
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: 503, Times: times})

	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			r, err := trySend(srv.Client(), srv.URL, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[-1]++
				return
			}
			statuses[r.status]++
		})
	}
	wg.Wait()
	if statuses[503] != times || statuses[404] != requests-times {
		t.Fatalf("statuses = %v, want %d × 503 and %d × 404", statuses, times, requests-times)
	}
	faulted := 0
	for _, r := range srv.Requests() {
		if r.Fault {
			faulted++
		}
	}
	if faulted != times {
		t.Errorf("%d requests recorded as faulted, want %d", faulted, times)
	}
}

func TestFaultResetClearsFaults(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: 500, Times: 10})
	srv.ResetAll()
	if pending := srv.PendingFaults(); len(pending) != 0 {
		t.Fatalf("PendingFaults() = %+v after Reset", pending)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
}

// Faults are for the API: the admin API is never faulted.
func TestFaultDoesNotApplyToAdminAPI(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	injectFault(t, srv, mockserver.Fault{Status: 500})
	if r := callAdmin(t, srv, http.MethodGet, "health", ""); r.status != 200 {
		t.Fatalf("health: %d %s", r.status, r.body)
	}
	if len(srv.PendingFaults()) != 1 {
		t.Fatalf("an admin request used the fault up")
	}
}

// --- The admin API's faults endpoints ---

func TestAdminFaultsInjectListAndUse(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	if got := pendingFaults(t, srv); len(got) != 0 {
		t.Fatalf("GET faults on a new server = %+v", got)
	}
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults",
		`{"method":"GET","path":"/v1/b2b/organizations/*","times":2,"status":429,"retry_after":"3","error_type":"rate_limit_exceeded"}`))

	got := pendingFaults(t, srv)
	want := mockserver.Fault{Method: "GET", Path: "/v1/b2b/organizations/*", Times: 2, Status: 429, RetryAfter: "3", ErrorType: "rate_limit_exceeded"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("GET faults = %+v, want [%+v]", got, want)
	}
	if got := srv.PendingFaults(); len(got) != 1 || got[0] != want {
		t.Fatalf("PendingFaults() = %+v, want [%+v]", got, want)
	}

	// A POST does not match; a GET does, twice.
	if r := send(t, srv, faultsProject, faultsSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`); r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	for range 2 {
		r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
		expectStytchError(t, r, 429, "rate_limit_exceeded")
		if got := r.header.Get("Retry-After"); got != "3" {
			t.Errorf("Retry-After = %q, want 3", got)
		}
	}
	if got := pendingFaults(t, srv); len(got) != 0 {
		t.Fatalf("GET faults after use = %+v", got)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
}

// A latency goes in and comes back as a duration string: GET faults answers the form POST
// takes, not integer nanoseconds.
func TestAdminFaultsLatencyFormats(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]struct {
		latency time.Duration
		listed  string
	}{
		`{"latency":"250ms"}`:                     {250 * time.Millisecond, `"latency":"250ms"`},
		`{"latency":"1.5s","status":503}`:         {1500 * time.Millisecond, `"latency":"1.5s"`},
		`{"latency":"1m","drop_connection":true}`: {time.Minute, `"latency":"1m0s"`},
	} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", body))
			got := pendingFaults(t, srv)
			if len(got) != 1 || got[0].Latency != want.latency {
				t.Fatalf("GET faults = %+v, want a latency of %v", got, want.latency)
			}
			if r := callAdmin(t, srv, http.MethodGet, "faults", ""); !strings.Contains(string(r.body), want.listed) {
				t.Errorf("GET faults = %s, want it to contain %s", r.body, want.listed)
			}
		})
	}
}

// A Fault's JSON is the admin API's, both ways; a fault without latency leaves it out.
func TestFaultJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []mockserver.Fault{
		{ProjectID: "project-test-x", Method: "GET", Path: "/v1/*", Times: 2, Status: 429, RetryAfter: "1", Latency: 250 * time.Millisecond},
		{Status: 500},
		{DropConnection: true, Latency: 1500 * time.Microsecond},
	} {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`"latency":`)) != (f.Latency != 0) ||
			(f.Latency != 0 && !bytes.Contains(b, []byte(`"latency":"`+f.Latency.String()+`"`))) {
			t.Errorf("%+v encodes as %s", f, b)
		}
		var back mockserver.Fault
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("%s decodes as %+v (%v), want %+v", b, back, err, f)
		}
	}
}

// Retry-After is delay-seconds or an HTTP date (RFC 9110); the fault sends it as given.
func TestAdminFaultsRetryAfterForms(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0", "120", "Wed, 21 Oct 2026 07:28:00 GMT", "Wednesday, 21-Oct-26 07:28:00 GMT", "Wed Oct 21 07:28:00 2026"} {
		srv := mockserver.Start(t)
		expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"status":503,"retry_after":"`+v+`"}`))
		r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, "")
		if r.status != 503 || r.header.Get("Retry-After") != v {
			t.Errorf("retry_after %q: %d with Retry-After %q", v, r.status, r.header.Get("Retry-After"))
		}
	}
}

func TestAdminFaultsLatencyApplies(t *testing.T) {
	t.Parallel()
	const latency = 70 * time.Millisecond
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"latency":"70ms","path":"/v1/b2b/rbac/policy"}`))
	start := time.Now()
	r := send(t, srv, faultsProject, faultsSecret, http.MethodGet, "/v1/b2b/rbac/policy", "")
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("answered after %v, want at least %v", elapsed, latency)
	}
	if r.status != 200 {
		t.Fatalf("GET policy: %d %s", r.status, r.body)
	}
}

func TestAdminFaultsDropConnection(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"drop_connection":true}`))
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	if r, err := trySend(client, srv.URL, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""); err == nil {
		t.Fatalf("got a response (%d %s), want a transport error", r.status, r.body)
	}
}

// DELETE /__stytchmock/faults removes one project's faults, and no one else's.
func TestAdminFaultsDeleteRemovesTheProjectsFaults(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"project_id":"`+faultsProject+`","status":500,"times":5}`))
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"project_id":"`+faultsProject+`","status":503,"path":"/v1/*"}`))
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"project_id":"project-test-other","status":502}`))
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"status":504,"method":"PUT"}`))
	if got := pendingFaults(t, srv); len(got) != 4 {
		t.Fatalf("GET faults = %+v, want 4", got)
	}
	expectStatusOK(t, callAdmin(t, srv, http.MethodDelete, "faults?project_id="+faultsProject, ""))
	got := pendingFaults(t, srv)
	if len(got) != 2 || got[0].ProjectID != "project-test-other" || got[1].ProjectID != "" {
		t.Fatalf("GET faults after DELETE = %+v, want the other project's and the one of every project", got)
	}
	expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
	// Without a project id, DELETE removes nothing: it would remove other tests' faults.
	e := expectStytchError(t, callAdmin(t, srv, http.MethodDelete, "faults", ""), 400, "invalid_project_id")
	if !strings.Contains(e.ErrorMessage, "project_id") || !strings.Contains(e.ErrorMessage, "reset-all") {
		t.Errorf("the error does not say what to do: %s", e.ErrorMessage)
	}
	if got := pendingFaults(t, srv); len(got) != 2 {
		t.Fatalf("GET faults after a refused DELETE = %+v", got)
	}
}

func TestAdminFaultsInvalidRejected(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ body, wantType string }{
		"status 200":            {`{"status":200}`, "invalid_fault"},
		"status 600":            {`{"status":600}`, "invalid_fault"},
		"no effect":             {`{"path":"/v1/*"}`, "invalid_fault"},
		"empty object":          {`{}`, "invalid_fault"},
		"negative times":        {`{"status":500,"times":-2}`, "invalid_fault"},
		"bad pattern":           {`{"status":500,"path":"/v1/["}`, "invalid_fault"},
		"bad latency string":    {`{"latency":"soon"}`, "bad_request"},
		"bad latency type":      {`{"latency":true}`, "bad_request"},
		"latency as a number":   {`{"latency":40000000}`, "bad_request"},
		"not JSON":              {`{"status":`, "bad_request"},
		"unknown field":         {`{"status":500,"statuss":500}`, "bad_request"},
		"wrong type":            {`{"status":"500"}`, "bad_request"},
		"array":                 {`[{"status":500}]`, "bad_request"},
		"empty body":            {``, "bad_request"},
		"drop connection str":   {`{"drop_connection":"yes"}`, "bad_request"},
		"negative latency":      {`{"latency":"-5s"}`, "invalid_fault"},
		"retry after words":     {`{"status":429,"retry_after":"soon"}`, "invalid_fault"},
		"retry after minus":     {`{"status":429,"retry_after":"-1"}`, "invalid_fault"},
		"retry after decimal":   {`{"status":429,"retry_after":"1.5"}`, "invalid_fault"},
		"retry after huge":      {`{"status":429,"retry_after":"99999999999"}`, "invalid_fault"},
		"retry after newline":   {`{"status":429,"retry_after":"1\r\nX-Injected: yes"}`, "invalid_fault"},
		"retry after no status": {`{"latency":"1ms","retry_after":"1"}`, "invalid_fault"},
		"error type no status":  {`{"drop_connection":true,"error_type":"x"}`, "invalid_fault"},
		"drop and status":       {`{"drop_connection":true,"status":500}`, "invalid_fault"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			r := callAdmin(t, srv, http.MethodPost, "faults", tc.body)
			expectStytchError(t, r, 400, tc.wantType)
			if got := pendingFaults(t, srv); len(got) != 0 {
				t.Fatalf("GET faults = %+v after a refused fault", got)
			}
			expectStytchError(t, send(t, srv, faultsProject, faultsSecret, http.MethodGet, faultsOrgPath, ""), 404, "organization_not_found")
		})
	}
}
