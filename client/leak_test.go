package client_test

// Resource tests of the client: no goroutine outlives a call (successful, retried, cancelled,
// out of retries, or a SearchAll left early) once the server is gone, and retried attempts
// reuse their connection.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/b2bkit/stytchorgs/client"
)

// orgJSON is an organization as the API answers it, with only the fields the tests read.
func orgJSON(id string) string {
	return fmt.Sprintf(`{"organization_id":%q,"organization_name":"Acme","organization_slug":%q,"trusted_metadata":{}}`, id, id)
}

func writeOrg(w http.ResponseWriter, id string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"status_code":200,"request_id":"request-id-test-1","organization":%s}`, orgJSON(id))
}

func writeError(w http.ResponseWriter, status int, errorType string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"status_code":%d,"request_id":"request-id-test-1","error_type":%q,"error_message":"Injected by the test.","error_url":"https://stytch.com/docs/api/errors/%d"}`,
		status, errorType, status)
}

// countRequests is a handler that numbers each request it passes to h, from 1.
func countRequests(h func(n int32, w http.ResponseWriter, r *http.Request)) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(n.Add(1), w, r) }), &n
}

func TestClientLeaksNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx := context.Background()

	t.Run("success", func(t *testing.T) {
		h, _ := countRequests(func(_ int32, w http.ResponseWriter, _ *http.Request) { writeOrg(w, "organization-test-1") })
		e := setup(t)
		e.serve(h)
		for range 5 {
			if _, err := e.c.Organizations.Get(ctx, "organization-test-1"); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("503 then 200", func(t *testing.T) {
		h, requests := countRequests(func(n int32, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				writeError(w, http.StatusServiceUnavailable, "service_unavailable")
				return
			}
			writeOrg(w, "organization-test-1")
		})
		e := setup(t)
		e.serve(h)
		if _, err := e.c.Organizations.Get(ctx, "organization-test-1"); err != nil {
			t.Fatal(err)
		}
		if n := requests.Load(); n != 2 {
			t.Errorf("%d requests, want 2 (a 503 and its retry)", n)
		}
	})

	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		first := make(chan struct{}, 1)
		h, requests := countRequests(func(_ int32, w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusServiceUnavailable, "service_unavailable")
			select {
			case first <- struct{}{}:
			default:
			}
		})
		e := setup(t, client.WithRetryWaits(10*time.Second, 10*time.Second))
		e.serve(h)
		cctx, cancel := context.WithCancel(ctx)
		go func() {
			<-first
			time.Sleep(20 * time.Millisecond) // let the client start its 10s wait
			cancel()
		}()
		start := time.Now()
		_, err := e.c.Organizations.Get(cctx, "organization-test-1")
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the call returned after %v; cancelling must end the wait", d)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})

	t.Run("cancelled during an attempt", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		release := make(chan struct{})
		h, requests := countRequests(func(_ int32, w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			writeError(w, http.StatusServiceUnavailable, "service_unavailable")
		})
		defer close(release)
		e := setup(t)
		e.serve(h)
		cctx, cancel := context.WithCancel(ctx)
		go func() {
			<-arrived
			cancel()
		}()
		_, err := e.c.Organizations.Get(cctx, "organization-test-1")
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("%d requests, want 1 (a cancelled call is not retried)", n)
		}
	})

	t.Run("retries exhausted", func(t *testing.T) {
		h, requests := countRequests(func(_ int32, w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusServiceUnavailable, "service_unavailable")
		})
		e := setup(t, client.WithMaxRetries(2))
		e.serve(h)
		_, err := e.c.Organizations.Get(ctx, "organization-test-1")
		var se *client.Error
		if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable || !errors.Is(err, client.ErrServer) {
			t.Errorf("got %v, want the last 503 as a *client.Error", err)
		}
		if n := requests.Load(); n != 3 {
			t.Errorf("%d requests, want 3 (the call and 2 retries)", n)
		}
	})

	t.Run("SearchAll left early", func(t *testing.T) {
		// An endless search: every page holds 3 organizations and a next cursor.
		h, requests := countRequests(func(n int32, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			orgs := make([]string, 3)
			for i := range orgs {
				orgs[i] = orgJSON(fmt.Sprintf("organization-test-%d-%d", n, i))
			}
			fmt.Fprintf(w, `{"status_code":200,"request_id":"r","organizations":[%s],"results_metadata":{"total":1000000,"next_cursor":"cursor-%d"}}`,
				strings.Join(orgs, ","), n)
		})
		e := setup(t)
		e.serve(h)
		for _, stopAfter := range []int{2, 5} {
			before := requests.Load()
			n := 0
			for _, err := range e.c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == stopAfter {
					break
				}
			}
			time.Sleep(20 * time.Millisecond) // nothing may go on fetching in the background
			if got, want := requests.Load()-before, int32((stopAfter+2)/3); got != want {
				t.Errorf("stopping after %d results fetched %d pages, want %d", stopAfter, got, want)
			}
		}
	})

	goleak.VerifyNone(t, ignore)
}

// callAttempts is a handler that numbers the attempts of each call, which names itself in the
// X-Test-Call header, so that h can fail a call's first attempts.
type callAttempts struct {
	h        func(attempt int, w http.ResponseWriter, r *http.Request)
	mu       sync.Mutex
	attempts map[string]int
}

func countAttempts(h func(attempt int, w http.ResponseWriter, r *http.Request)) *callAttempts {
	return &callAttempts{h: h, attempts: map[string]int{}}
}

func (c *callAttempts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	call := r.Header.Get("X-Test-Call")
	c.attempts[call]++
	n := c.attempts[call]
	c.mu.Unlock()
	c.h(n, w, r)
}

func (c *callAttempts) of(call string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[call]
}

// Fifty sequential calls, a third of them retried after 5xx or 429 answers with Stytch's error
// bodies, and some ending in an error, must all go over one connection (two at most): every
// response body, of a failed attempt too, is read to its end and closed.
func TestClientReusesConnections(t *testing.T) {
	srv := countAttempts(func(attempt int, w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Test-Kind") {
		case "retried":
			if attempt == 1 {
				writeError(w, http.StatusServiceUnavailable, "service_unavailable")
				return
			}
		case "retried-twice":
			if attempt <= 2 {
				status := []int{http.StatusInternalServerError, http.StatusBadGateway}[attempt-1]
				writeError(w, status, "internal_server_error")
				return
			}
		case "rate-limited":
			if attempt == 1 {
				w.Header().Set("Retry-After", "0")
				writeError(w, http.StatusTooManyRequests, "too_many_requests")
				return
			}
		case "not-found":
			writeError(w, http.StatusNotFound, "organization_not_found")
			return
		}
		writeOrg(w, "organization-test-1")
	})
	e := setup(t)
	e.serve(srv)
	c := e.c
	ctx := context.Background()
	kinds := []string{"ok", "retried", "retried-twice", "rate-limited", "not-found"}
	attempts := 0
	for i := range 50 {
		kind := kinds[i%len(kinds)]
		call := strconv.Itoa(i)
		opts := []client.RequestOption{client.WithHeader("X-Test-Call", call), client.WithHeader("X-Test-Kind", kind)}
		var err error
		wantAttempts := 1
		switch kind {
		case "ok", "not-found":
			_, err = c.Organizations.Get(ctx, "organization-test-1", opts...)
		case "retried":
			_, err = c.Organizations.Get(ctx, "organization-test-1", opts...)
			wantAttempts = 2
		case "retried-twice":
			_, err = c.Organizations.Update(ctx, "organization-test-1", client.OrganizationUpdateParams{Name: client.Set("Acme")}, opts...)
			wantAttempts = 3
		case "rate-limited":
			_, err = c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme"}, opts...)
			wantAttempts = 2
		}
		if kind == "not-found" {
			if !errors.Is(err, client.ErrNotFound) {
				t.Errorf("call %d (%s): %v, want ErrNotFound", i, kind, err)
			}
		} else if err != nil {
			t.Errorf("call %d (%s): %v", i, kind, err)
		}
		got := srv.of(call)
		if got != wantAttempts {
			t.Errorf("call %d (%s): %d attempts, want %d", i, kind, got, wantAttempts)
		}
		attempts += got
	}
	if n := e.conns.Load(); n > 2 {
		t.Errorf("50 sequential calls opened %d connections, want at most 2: some response body was not drained", n)
	} else {
		t.Logf("50 sequential calls (%d attempts) used %d connection(s)", attempts, n)
	}
}

// go-retryablehttp closes every idle connection of its http.Client when a call ends in a
// transport error or a cancelled wait. The client must not let it: on a client shared by a
// whole app, each such failure would make every later call open a new connection (a new TLS
// handshake, against Stytch).
func TestClientKeepsIdleConnectionsWhenACallFails(t *testing.T) {
	srv := countAttempts(func(attempt int, w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test-Kind") == "unavailable" {
			writeError(w, http.StatusServiceUnavailable, "service_unavailable")
			return
		}
		writeOrg(w, "organization-test-1")
	})
	e := setup(t, client.WithRetryWaits(time.Minute, time.Minute))
	e.serve(srv)
	c := e.c
	get := func(ctx context.Context, call, kind string) error {
		_, err := c.Organizations.Get(ctx, "organization-test-1", client.WithHeader("X-Test-Call", call), client.WithHeader("X-Test-Kind", kind))
		return err
	}
	if err := get(context.Background(), "warm", "ok"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		// A 503, then a wait of about a minute that the caller gives up on.
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		if err := get(ctx, "cancelled-"+strconv.Itoa(i), "unavailable"); !errors.Is(err, context.Canceled) {
			t.Fatalf("call %d: %v, want context.Canceled", i, err)
		}
		if err := get(context.Background(), "after-"+strconv.Itoa(i), "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.conns.Load(); n != 1 {
		t.Errorf("%d connections for 7 sequential calls, want 1: a failed call closed the idle ones", n)
	}
}

// Responses larger than a few kilobytes: a proxy's HTML error page on a failed attempt (retried;
// go-retryablehttp by itself drains only 4 KB of it), a large search page (sent chunked, without
// a Content-Length) and a large final error. The connection must survive them too.
func TestClientReusesConnectionsAfterLargeBodies(t *testing.T) {
	page := strings.Repeat("<p>The upstream server is temporarily unavailable.</p>\n", 150) // ~8 KB
	srv := countAttempts(func(attempt int, w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Test-Kind") {
		case "html-502":
			if attempt == 1 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprint(w, page)
				return
			}
		case "big-search":
			w.Header().Set("Content-Type", "application/json")
			orgs := make([]string, 60)
			for i := range orgs {
				orgs[i] = orgJSON(fmt.Sprintf("organization-test-%04d", i))
			}
			fmt.Fprintf(w, `{"status_code":200,"request_id":"r","organizations":[%s],"results_metadata":{"total":60,"next_cursor":null}}`, strings.Join(orgs, ","))
			return
		case "html-404":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, page)
			return
		}
		writeOrg(w, "organization-test-1")
	})
	e := setup(t)
	e.serve(srv)
	c := e.c
	ctx := context.Background()
	for i := range 30 {
		kind := []string{"html-502", "big-search", "html-404"}[i%3]
		opts := []client.RequestOption{client.WithHeader("X-Test-Call", strconv.Itoa(i)), client.WithHeader("X-Test-Kind", kind)}
		var err error
		switch kind {
		case "html-502":
			_, err = c.Organizations.Get(ctx, "organization-test-1", opts...)
		case "big-search":
			var p *client.OrganizationPage
			if p, err = c.Organizations.Search(ctx, client.OrganizationSearchParams{}, opts...); err == nil && len(p.Organizations) != 60 {
				t.Errorf("call %d: %d organizations, want 60", i, len(p.Organizations))
			}
		case "html-404":
			_, err = c.Organizations.Get(ctx, "organization-test-1", opts...)
			if !errors.Is(err, client.ErrNotFound) {
				t.Errorf("call %d (%s): %v, want ErrNotFound", i, kind, err)
			}
			err = nil
		}
		if err != nil {
			t.Errorf("call %d (%s): %v", i, kind, err)
		}
	}
	if n := e.conns.Load(); n > 2 {
		t.Errorf("30 sequential calls opened %d connections, want at most 2: some response body was not drained", n)
	} else {
		t.Logf("30 sequential calls used %d connection(s)", n)
	}
}

// Close closes the idle connections of the pool the client made for itself, so that a
// discarded client holds none; it leaves a caller's *http.Client alone.
func TestCloseClosesOnlyTheClientsOwnConnections(t *testing.T) {
	e := setup(t)
	e.serve(countAttempts(func(_ int, w http.ResponseWriter, _ *http.Request) { writeOrg(w, "organization-test-1") }))
	get := func(c *client.Client) {
		t.Helper()
		if _, err := c.Organizations.Get(context.Background(), "organization-test-1"); err != nil {
			t.Fatal(err)
		}
	}

	own := e.c
	get(own)
	own.Close()
	get(own) // still usable, on a new connection
	if n := e.conns.Load(); n != 2 {
		t.Errorf("the client's own pool: %d connections for a call, Close and a call; want 2 (Close closes the idle one)", n)
	}
	own.Close()

	theirs := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(theirs.CloseIdleConnections)
	caller := e.newClient(t, e.project, secret, client.WithHTTPClient(theirs))
	get(caller)
	caller.Close()
	get(caller)
	if n := e.conns.Load(); n != 3 {
		t.Errorf("a caller's client: %d connections in all, want 3 (Close leaves the caller's idle connection open)", n)
	}
}
