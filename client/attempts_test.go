package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

// net/http sends a GET again by itself when the kept-alive connection it used breaks before
// the answer. Those replays reach the server too, so they count among a call's attempts:
// WithMaxRetries(n) means at most n+1 requests at the server, never n+2.
func TestReplaysCountAsAttempts(t *testing.T) {
	for _, retries := range []int{0, 1, 2} {
		t.Run(fmt.Sprintf("WithMaxRetries(%d)", retries), func(t *testing.T) {
			var requests atomic.Int32
			e := setup(t, client.WithMaxRetries(retries))
			e.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch requests.Add(1) {
				case 1: // opens the connection the next call reuses
					writeOrg(w, "organization-test-1")
				case 2: // read the request, then drop the connection without an answer
					conn, _, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Error(err)
						return
					}
					conn.Close()
				default:
					writeError(w, http.StatusServiceUnavailable, "service_unavailable")
				}
			}))
			if _, err := e.c.Organizations.Get(context.Background(), "organization-test-1"); err != nil {
				t.Fatal(err)
			}
			_, err := e.c.Organizations.Get(context.Background(), "organization-test-1")
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
		})
	}
}

// A DELETE whose first attempt deleted the member, but whose answer was lost, is retried and
// answered 404. The error still matches ErrNotFound, and says that an earlier attempt may have
// succeeded.
func TestRetriedDeleteAfterALostAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	var dropped atomic.Bool
	e.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && dropped.CompareAndSwap(false, true) {
			e.mock.ServeHTTP(httptest.NewRecorder(), r) // the member is deleted,
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close() // and the answer lost
			}
			return
		}
		e.mock.ServeHTTP(w, r)
	}))
	c := e.c

	err := c.Members.Delete(e.ctx, acmeID, bobID)
	var se *client.Error
	if !errors.As(err, &se) || !errors.Is(err, client.ErrNotFound) || !errors.Is(err, client.ErrEarlierAttemptMayHaveSucceeded) ||
		!se.EarlierAttemptMayHaveSucceeded || se.Attempts != 2 {
		t.Fatalf("Delete = %#v; want a 404 after 2 attempts that says an earlier one may have succeeded", err)
	}
	if !strings.Contains(err.Error(), "an earlier one may have succeeded") {
		t.Errorf("message %q", err)
	}
	bob, err := c.Members.DangerouslyGet(e.ctx, bobID, client.DangerouslyGetParams{IncludeDeleted: true})
	mustOK(t, "DangerouslyGet", err)
	if bob.Status != client.MemberDeleted {
		t.Errorf("the member is %q: the first attempt did not delete it", bob.Status)
	}

	// A 404 at the first attempt says nothing of the kind.
	err = c.Members.Delete(e.ctx, acmeID, bobID)
	if !errors.As(err, &se) || !errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrEarlierAttemptMayHaveSucceeded) || se.Attempts != 1 {
		t.Errorf("second Delete = %#v; want a plain 404 after 1 attempt", err)
	}
}
