package client

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// env is a test's client, whose transport is httpmock, with retry waits recorded instead of
// slept.
type env struct {
	c     *Client
	mt    *httpmock.MockTransport
	mu    sync.Mutex
	waits []time.Duration
	inner *http.Client
}

// setup returns a client of project-test-retry whose requests go to httpmock, registered on
// e.mt against Stytch's test host. Retry waits are recorded in e.waits and not slept; set
// e.c.retrier.onWait to nil to sleep them. httpmock is deactivated when the test ends; the tests
// that use it share its one activation, so they do not run in parallel.
func setup(t *testing.T, opts ...Option) *env {
	t.Helper()
	e := &env{inner: &http.Client{}}
	httpmock.ActivateNonDefault(e.inner)
	e.mt = e.inner.Transport.(*httpmock.MockTransport)
	t.Cleanup(func() { httpmock.DeactivateAndReset() })
	c, err := New("project-test-retry", "super-secret-value", append([]Option{WithHTTPClient(e.inner)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c.retrier.onWait = func(d time.Duration) time.Duration {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.waits = append(e.waits, d)
		return 0
	}
	e.c = c
	return e
}

// calls counts the requests httpmock answered for a method and URL.
func (e *env) calls(method, url string) int {
	return e.mt.GetCallCountInfo()[method+" "+url]
}

const (
	orgURL    = "https://test.stytch.com/v1/b2b/organizations/acme"
	createURL = "https://test.stytch.com/v1/b2b/organizations"
	orgBody   = `{"request_id":"request-id-test-1","status_code":200,"organization":{"organization_id":"organization-test-1","organization_slug":"acme"}}`
)

// stytchErr answers with Stytch's error body.
func stytchErr(status int, errorType string) httpmock.Responder {
	return httpmock.NewStringResponder(status, fmt.Sprintf(`{"status_code":%d,"request_id":"request-id-test-e","error_type":%q,"error_message":"m","error_url":"u"}`, status, errorType))
}

// roundTripFunc is an http.RoundTripper of one function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
