// Command errors shows how the client reports failures and how it retries: errors.Is with the
// sentinel errors, errors.As for the details of an *client.Error, a rate limit the client waits
// out, a create it deliberately does not retry, and turning retries off.
//
//	go run ./examples/errors
//
// It always runs against the mock server in this process, even with STYTCH_PROJECT_ID and
// STYTCH_SECRET set, because it makes requests fail on purpose with the mock's fault injection
// (srv.InjectFault), and counts attempts in its request log (srv.Requests).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/examples/internal/exampleenv"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("errors: ")
	if err := run(context.Background()); err != nil {
		log.Fatalf("FAILED: %v", err)
	}
}

// run shows the errors first, then the retries; each part is a function below.
func run(ctx context.Context) error {
	// WithLogger makes the client log each retry (never headers or credentials). The waits
	// between retries are shortened from their defaults (about 0.5s, doubling up to 8s) so the
	// example runs quickly; a Retry-After header from the server overrides them either way.
	c, srv, done := exampleenv.ConnectMock("errors", "fault injection",
		client.WithLogger(retryLogger()), client.WithRetryWaits(100*time.Millisecond, time.Second))
	defer done()

	acme := client.OrganizationCreateParams{Name: "Acme Corporation", Slug: "acme-corp"}
	if _, err := c.Organizations.Create(ctx, acme); err != nil {
		return err
	}
	for _, part := range []func(context.Context, *client.Client, *mockserver.Server) error{
		sentinels,
		refusedBeforeSending,
		retriedReads,
		createNotRetried,
		retriesOff,
	} {
		if err := part(ctx, c, srv); err != nil {
			return err
		}
	}
	return nil
}

// retryLogger writes the client's retry log under the example's output, without times and
// levels, to keep it short.
func retryLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(indented{os.Stdout}, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// ── The sentinels ──────────────────────────────────────────────────────────────────────────
// Every answer but a success is a *client.Error. errors.Is classifies it with the sentinels;
// errors.As gives its fields. Stytch has no 409: "already used" is a 400 whose error type says
// so, and it matches both ErrConflict and ErrInvalidRequest.
func sentinels(ctx context.Context, c *client.Client, _ *mockserver.Server) error {
	section("A slug that is already used")
	_, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme Corporation", Slug: "acme-corp"})
	fmt.Printf("  err: %v\n", err)
	fmt.Printf("  errors.Is(err, client.ErrConflict) %t, errors.Is(err, client.ErrInvalidRequest) %t\n",
		errors.Is(err, client.ErrConflict), errors.Is(err, client.ErrInvalidRequest))
	var se *client.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("want a *client.Error, got %v", err)
	}
	fmt.Printf("  StatusCode %d, ErrorType %s\n  ErrorMessage %q\n  RequestID %s (quote it to Stytch's support)\n  ErrorURL %s\n",
		se.StatusCode, se.ErrorType, se.ErrorMessage, se.RequestID, se.ErrorURL)

	section("An organization that does not exist")
	_, err = c.Organizations.Get(ctx, "no-such-org")
	fmt.Printf("  err: %v\n  errors.Is(err, client.ErrNotFound) %t\n", err, errors.Is(err, client.ErrNotFound))
	if !errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("want ErrNotFound, got %v", err)
	}

	// A request that breaks one of Stytch's rules is a 400 that is not a conflict.
	section("A request Stytch refuses: auth_methods RESTRICTED without allowed_auth_methods")
	_, err = c.Organizations.Update(ctx, "acme-corp", client.OrganizationUpdateParams{AuthMethods: client.Set(client.AccessRestricted)})
	fmt.Printf("  err: %v\n", err)
	fmt.Printf("  errors.Is(err, client.ErrInvalidRequest) %t, errors.Is(err, client.ErrConflict) %t\n",
		errors.Is(err, client.ErrInvalidRequest), errors.Is(err, client.ErrConflict))
	return nil
}

// What the client can check itself fails before anything is sent, with a
// *client.ValidationError that matches ErrInvalidRequest too.
func refusedBeforeSending(ctx context.Context, c *client.Client, srv *mockserver.Server) error {
	section("A request the client refuses: no organization name")
	before := len(srv.Requests())
	_, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Slug: "nameless"})
	var ve *client.ValidationError
	fmt.Printf("  err: %v\n  errors.As(err, &ve) %t, errors.Is(err, client.ErrInvalidRequest) %t, requests sent %d\n",
		err, errors.As(err, &ve), errors.Is(err, client.ErrInvalidRequest), len(srv.Requests())-before)

	// A typical handler of the application's own API classifies with a switch, and answers its
	// own caller with a status of its choosing.
	fmt.Printf("  the app's own handler, classifying it in a switch, answers its caller: %s\n", classify(err))
	fmt.Println("    (the app's status for its own API, not Stytch's: Stytch answers a bad request with 400)")
	return nil
}

// ── Retries ────────────────────────────────────────────────────────────────────────────────
// Calls are retried up to twice by default. A 429 is always retried: Stytch refused the request
// without acting on it. The client waits as long as Retry-After asks (up to 30s). A 5xx on a
// read or an idempotent write (PUT, DELETE) is retried with backoff too.
func retriedReads(ctx context.Context, c *client.Client, srv *mockserver.Server) error {
	section(`A 429 with "Retry-After: 1" on a read: retried after the wait`)
	if err := srv.InjectFault(mockserver.Fault{Method: "GET", Path: "/v1/b2b/organizations/*",
		Status: 429, RetryAfter: "1"}); err != nil {
		return err
	}
	before := len(srv.Requests())
	start := time.Now()
	org, err := c.Organizations.Get(ctx, "acme-corp")
	if err != nil {
		return fmt.Errorf("want the retry to succeed, got %v", err)
	}
	fmt.Printf("  got %s after %v\n", org.Name, time.Since(start).Round(10*time.Millisecond))
	printRequests(srv, before)

	section("A 500 on a read: retried")
	if err := srv.InjectFault(mockserver.Fault{Method: "GET", Path: "/v1/b2b/organizations/*", Status: 500}); err != nil {
		return err
	}
	before = len(srv.Requests())
	if _, err := c.Organizations.Get(ctx, "acme-corp"); err != nil {
		return fmt.Errorf("want the retry to succeed, got %v", err)
	}
	printRequests(srv, before)
	return nil
}

// A create is different: a 500 may come after Stytch created the organization, and a second
// attempt could then create another one. So the client returns the error after one attempt,
// and leaves the decision to you. Here the slug tells: if Get finds it, the first attempt went
// through; if not, creating again is safe.
func createNotRetried(ctx context.Context, c *client.Client, srv *mockserver.Server) error {
	section("A 500 on a create: not retried")
	if err := srv.InjectFault(mockserver.Fault{Method: "POST", Path: "/v1/b2b/organizations", Status: 500}); err != nil {
		return err
	}
	globex := client.OrganizationCreateParams{Name: "Globex", Slug: "globex"}
	before := len(srv.Requests())
	_, err := c.Organizations.Create(ctx, globex)
	var se *client.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("want a *client.Error, got %v", err)
	}
	fmt.Printf("  err: %v\n  errors.Is(err, client.ErrServer) %t, Temporary() %t\n", err, errors.Is(err, client.ErrServer), se.Temporary())
	printRequests(srv, before)
	if n := len(srv.Requests()) - before; n != 1 {
		return fmt.Errorf("the create was sent %d times, want once", n)
	}
	switch _, err := c.Organizations.Get(ctx, "globex"); {
	case err == nil:
		fmt.Println("  globex exists: the first attempt went through")
	case errors.Is(err, client.ErrNotFound):
		fmt.Println("  globex does not exist, so creating it again is safe")
		if _, err := c.Organizations.Create(ctx, globex); err != nil {
			return err
		}
	default:
		return err
	}
	return nil
}

// ── Turning retries off ────────────────────────────────────────────────────────────────────
// WithMaxRetries(0) turns retries off for a client, WithRequestMaxRetries(0) for one call. The
// error then comes at once; RetryAfter says how long the server asked you to wait.
func retriesOff(ctx context.Context, c *client.Client, srv *mockserver.Server) error {
	section("WithMaxRetries(0): the 429 comes back at once")
	noRetries, err := client.New(exampleenv.MockProjectID, exampleenv.MockSecret,
		client.WithBaseURL(srv.URL), client.WithMaxRetries(0))
	if err != nil {
		return err
	}
	rateLimit := mockserver.Fault{Method: "GET", Path: "/v1/b2b/organizations/*", Status: 429, RetryAfter: "1"}
	if err := srv.InjectFault(rateLimit); err != nil {
		return err
	}
	before := len(srv.Requests())
	start := time.Now()
	_, err = noRetries.Organizations.Get(ctx, "acme-corp")
	var se *client.Error
	if !errors.As(err, &se) || !errors.Is(err, client.ErrRateLimited) {
		return fmt.Errorf("want a rate limit error, got %v", err)
	}
	fmt.Printf("  err after %v: %v\n  errors.Is(err, client.ErrRateLimited) %t, RetryAfter %v, Temporary() %t\n",
		time.Since(start).Round(10*time.Millisecond), err, errors.Is(err, client.ErrRateLimited), se.RetryAfter, se.Temporary())
	printRequests(srv, before)

	section("WithRequestMaxRetries(0): the same for one call of a client that retries")
	if err := srv.InjectFault(rateLimit); err != nil {
		return err
	}
	before = len(srv.Requests())
	_, err = c.Organizations.Get(ctx, "acme-corp", client.WithRequestMaxRetries(0))
	if !errors.Is(err, client.ErrRateLimited) {
		return fmt.Errorf("want a rate limit error, got %v", err)
	}
	fmt.Printf("  errors.Is(err, client.ErrRateLimited) %t\n", errors.Is(err, client.ErrRateLimited))
	printRequests(srv, before)
	return nil
}

// classify is how an application might turn the client's errors into the answers of its own
// HTTP API. The statuses are the application's choice for its callers, not Stytch's: Stytch
// answers with 400 (a conflict included), 401, 403, 404, 429 and 5xx.
func classify(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, client.ErrNotFound):
		return "404: no such organization"
	case errors.Is(err, client.ErrConflict):
		return "409: that slug is taken"
	case errors.Is(err, client.ErrInvalidRequest):
		return "422: fix the request"
	case errors.Is(err, client.ErrRateLimited), errors.Is(err, client.ErrServer):
		return "503: try again later"
	default:
		return "500: unexpected"
	}
}

func section(title string) { fmt.Printf("\n%s\n", title) }

// printRequests prints the requests the mock received since the first skip, as its request log
// recorded them: each attempt of a retried call is one entry.
func printRequests(srv *mockserver.Server, skip int) {
	for i, r := range srv.Requests()[skip:] {
		outcome := fmt.Sprint(r.Status)
		if r.ErrorType != "" {
			outcome += " " + r.ErrorType
		}
		if r.Fault {
			outcome += " (injected fault)"
		}
		fmt.Printf("  attempt %d: %s %s → %s\n", i+1, r.Method, r.Path, outcome)
	}
}

// indented writes the client's log lines indented under the example's output.
type indented struct{ w io.Writer }

func (i indented) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(i.w, "  log: %s", p); err != nil {
		return 0, err
	}
	return len(p), nil
}
