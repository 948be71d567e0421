package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

// net/http sends a GET again by itself when the kept-alive connection it used breaks before
// the answer. Those replays reach the server too, so they count among a call's attempts:
// WithMaxRetries(n) means at most n+1 requests at the server, never n+2.
func TestReplaysCountAsAttempts(t *testing.T) {
	for _, retries := range []int{0, 1, 2} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch requests.Add(1) {
			case 1: // opens the connection the next call reuses
				leakWriteOrg(w, "organization-test-1")
			case 2: // read the request, then drop the connection without an answer
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				conn.Close()
			default:
				leakWriteError(w, http.StatusServiceUnavailable, "service_unavailable")
			}
		}))
		c := leakClient(t, srv.URL, client.WithMaxRetries(retries))
		if _, err := c.Organizations.Get(context.Background(), "organization-test-1"); err != nil {
			t.Fatal(err)
		}
		_, err := c.Organizations.Get(context.Background(), "organization-test-1")
		if err == nil {
			t.Errorf("retries %d: the call succeeded", retries)
		}
		if got := requests.Load() - 1; got != int32(retries+1) {
			t.Errorf("WithMaxRetries(%d): the server got %d requests, want %d (%v)", retries, got, retries+1, err)
		}
		// With a retry to spare, the replay answers 503; it is counted in the error.
		var se *client.Error
		if retries > 0 && (!errors.As(err, &se) || se.Attempts != retries+1) {
			t.Errorf("WithMaxRetries(%d): %#v, want a 503 after %d attempts", retries, err, retries+1)
		}
		srv.Close()
	}
}
