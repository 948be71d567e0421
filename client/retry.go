package client

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy is a handful of pure functions (shouldRetry, outcomeUnknown, backoff), a
// retry class per operation, and one value per call (attempts) that plugs them into
// go-retryablehttp.

// retryClass says when an operation may be sent again.
type retryClass uint8

const (
	// retryRead is an operation that changes nothing: a GET or a search. It is retried on
	// connection errors, 408, 429 and 5xx except 501.
	retryRead retryClass = iota + 1
	// retryIdempotent is a write whose repetition changes nothing its first success did not
	// (PUT, DELETE, and a POST the table names). It is retried like a read, but a repetition
	// may be answered differently: a second delete finds nothing to delete. The error then
	// says so (Error.EarlierAttemptMayHaveSucceeded).
	retryIdempotent
	// retryIfUnsent is a write that must not happen twice: a create, or an email sent. It is
	// retried only on 429, which Stytch answers without acting, and when the request provably
	// never reached the server.
	retryIfUnsent
)

// idempotent reports whether an operation of the class may be repeated after it reached the
// server. An operation missing from retryClasses (class 0) may not.
func (c retryClass) idempotent() bool { return c == retryRead || c == retryIdempotent }

// retryClasses is the retry class of every operation of openapi.yaml, by operationId. A test
// (TestRetryClassesFollowTheSpec) checks that it names each operation once, and that GETs are
// reads and PUTs and DELETEs idempotent.
var retryClasses = map[string]retryClass{
	"getOrganization":               retryRead,
	"getOrganizationMetrics":        retryRead,
	"listOrganizationConnectedApps": retryRead,
	"getOrganizationConnectedApp":   retryRead,
	"getMember":                     retryRead,
	"dangerouslyGetMember":          retryRead,
	"listMemberConnectedApps":       retryRead,
	"getMemberOIDCProviders":        retryRead,
	"getMemberGoogleOAuthTokens":    retryRead,
	"getMemberMicrosoftOAuthTokens": retryRead,
	"getMemberSlackOAuthTokens":     retryRead,
	"getMemberHubspotOAuthTokens":   retryRead,
	"getMemberGithubOAuthTokens":    retryRead,
	"getRBACPolicy":                 retryRead,
	"getOrganizationRBACPolicy":     retryRead,
	"getSessionJWKS":                retryRead,
	// POST only to carry the query in a body.
	"searchOrganizations": retryRead,
	"searchMembers":       retryRead,

	"updateOrganization":           retryIdempotent,
	"deleteOrganization":           retryIdempotent,
	"deleteOrganizationExternalID": retryIdempotent,
	"updateMember":                 retryIdempotent,
	"deleteMember":                 retryIdempotent,
	"reactivateMember":             retryIdempotent,
	"deleteMemberPassword":         retryIdempotent,
	"deleteMemberMFAPhoneNumber":   retryIdempotent,
	"deleteMemberTOTP":             retryIdempotent,
	"deleteMemberExternalID":       retryIdempotent,
	"setOrganizationRBACPolicy":    retryIdempotent,
	// POSTs whose repetition fails the second time but changes nothing.
	"unlinkMemberRetiredEmail": retryIdempotent,
	"revokeMemberConnectedApp": retryIdempotent,

	"createOrganization": retryIfUnsent,
	"createMember":       retryIfUnsent,
	// A repetition would email the member a second link.
	"startMemberEmailUpdate": retryIfUnsent,
}

// retryableStatus reports whether a status is worth another attempt of an idempotent request.
func retryableStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests ||
		(status >= 500 && status != http.StatusNotImplemented)
}

// shouldRetry decides whether an attempt that got status (0 without a response) or err should be
// repeated. err is the attempt's own: attempts.check has already stopped if the call's context
// ended, so a deadline here is one attempt running out of http.Client.Timeout (which bounds
// each attempt, see WithHTTPClient), and is retried like any failure after sending.
func shouldRetry(idempotent bool, status int, err error) bool {
	if err != nil {
		if errors.Is(err, context.Canceled) || permanent(err) {
			return false
		}
		return idempotent || neverSent(err)
	}
	if status == http.StatusTooManyRequests {
		return true // the server refused the request without acting on it
	}
	return idempotent && retryableStatus(status)
}

// outcomeUnknown reports whether a failed attempt, which shouldRetry chose to repeat, may have
// been carried out all the same: anything but a 429 or a request that never left. A 5xx or a
// connection lost after sending leaves the server's state unknown.
func outcomeUnknown(status int, err error) bool {
	if err != nil {
		return !neverSent(err)
	}
	return status != http.StatusTooManyRequests
}

// permanent reports transport errors that another attempt cannot fix.
func permanent(err error) bool {
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		msg := ue.Err.Error()
		return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") ||
			strings.Contains(msg, "invalid header")
	}
	return false
}

// neverSent reports errors that prove the request never reached the server: it could not be
// dialled (refused, unresolvable host), so nothing was written.
func neverSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// maxRetryAfterDefault caps how long a Retry-After header can make the client wait.
const maxRetryAfterDefault = 30 * time.Second

// retryAfter parses a Retry-After header, in seconds or as an HTTP date; 0 when absent, invalid
// or past.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || s > 1e9 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff is the wait before retry number attempt (0 for the first retry): the server's
// Retry-After up to maxRetryAfter, or else initial doubled per attempt up to max, shortened by up
// to a quarter at random so that clients do not retry in lockstep.
func backoff(attempt int, h http.Header, now time.Time, initial, max, maxRetryAfter time.Duration, random float64) time.Duration {
	if ra := retryAfter(h, now); ra > 0 {
		return min(ra, maxRetryAfter)
	}
	d := initial
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d - time.Duration(float64(d)*0.25*random)
}

// retrier holds a client's retry waits.
type retrier struct {
	initial, max, maxRetryAfter time.Duration
	now                         func() time.Time
	random                      func() float64
	// onWait, when set (by tests), sees each wait and returns the one to sleep instead.
	onWait func(time.Duration) time.Duration
}

// attempts is one call's retry state: the policy go-retryablehttp asks through its hooks, and
// the count of the requests the call sent.
//
// net/http itself sends a GET again, on a new connection, when the kept-alive connection it
// used breaks before the answer; the server may have seen both. Such replays count as attempts
// here (the GotConn trace sees each connection a request is sent on), and the last attempt a
// call may make is sent so that net/http cannot replay it (noReplay), so that a call never
// reaches the server more than 1+maxRetries times.
type attempts struct {
	*retrier
	class        retryClass
	maxRetries   int
	logger       *slog.Logger
	method, path string

	retries   int           // retries decided so far
	wait      time.Duration // the wait check chose for the retry it allowed
	uncertain bool          // a retried attempt of a write may have been carried out
	replays   atomic.Int32  // requests net/http sent again by itself
	conns     atomic.Int32  // connections the current attempt was sent on
	trace     httptrace.ClientTrace
}

// newAttempts is the retry state of a call of an operation.
func newAttempts(r *retrier, op string, maxRetries int, logger *slog.Logger, req *http.Request) *attempts {
	return &attempts{retrier: r, class: retryClasses[op], maxRetries: maxRetries, logger: logger, method: req.Method, path: req.URL.Path}
}

// sent is how many requests the call has sent so far: its attempts and net/http's replays.
func (a *attempts) sent() int { return a.retries + 1 + int(a.replays.Load()) }

// last reports whether the attempt about to be sent is the last the call may make.
func (a *attempts) last() bool { return a.sent() > a.maxRetries }

// do sends req through go-retryablehttp, set up for this call, and returns the last attempt's
// answer.
func (a *attempts) do(ctx context.Context, hc *http.Client, req *http.Request) (*http.Response, error) {
	a.trace.GotConn = a.gotConn
	ctx = httptrace.WithClientTrace(ctx, &a.trace)
	rr, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	a.prepare(rr.Request)
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     a.maxRetries,
		CheckRetry:   a.check,
		Backoff:      a.backoff,
		PrepareRetry: a.prepare,
		ErrorHandler: lastAnswer,
	}
	return rc.Do(rr)
}

// gotConn sees each connection a request of the call is sent on; a second one for the same
// attempt is net/http sending it again.
func (a *attempts) gotConn(httptrace.GotConnInfo) {
	if a.conns.Add(1) > 1 {
		a.replays.Add(1)
	}
}

// prepare readies req for an attempt: a last attempt becomes a request net/http does not
// replay.
func (a *attempts) prepare(req *http.Request) error {
	a.conns.Store(0)
	if a.last() && replayable(req) {
		// net/http replays only a request without a body, or one whose body it can get again.
		req.GetBody = nil
		if req.Body == nil || req.Body == http.NoBody {
			req.Body = noReplay{}
		}
	}
	return nil
}

// replayable reports whether net/http may send req again by itself, as http.Transport
// documents: a GET, HEAD, OPTIONS or TRACE, or a request with an Idempotency-Key header, that
// has no body or one it can get again.
func replayable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
	default:
		_, key := req.Header["Idempotency-Key"]
		_, xKey := req.Header["X-Idempotency-Key"]
		if !key && !xKey {
			return false
		}
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// noReplay is an empty request body that net/http cannot get again. A GET sent with it goes
// out without a body all the same (net/http finds it empty before writing the request).
type noReplay struct{}

func (noReplay) Read([]byte) (int, error) { return 0, io.EOF }
func (noReplay) Close() error             { return nil }

// check decides whether to retry, and when it does, picks the wait: it knows the call, so it
// checks the wait against the deadline, logs the retry, and frees the connection of the failed
// attempt. go-retryablehttp then waits (backoff) unless the context ends first.
func (a *attempts) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if a.sent() > a.maxRetries {
		return false, nil
	}
	status := 0
	var header http.Header
	if resp != nil {
		status, header = resp.StatusCode, resp.Header
	}
	if !shouldRetry(a.class.idempotent(), status, err) {
		return false, nil
	}
	now := a.now()
	wait := backoff(a.retries, header, now, a.initial, a.max, a.maxRetryAfter, a.random())
	// A wait the call's deadline cannot outlast is not started: the caller gets the answer now.
	if deadline, ok := ctx.Deadline(); ok && now.Add(wait).After(deadline) {
		return false, nil
	}
	a.retries++
	if a.class != retryRead && outcomeUnknown(status, err) {
		a.uncertain = true
	}
	if a.logger != nil {
		attrs := []slog.Attr{slog.Int("retry", a.retries), slog.String("method", a.method), slog.String("path", a.path), slog.Duration("wait", wait)}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", status))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		if n := a.replays.Load(); n > 0 {
			attrs = append(attrs, slog.Int("replayed_by_net_http", int(n)))
		}
		a.logger.LogAttrs(ctx, slog.LevelInfo, "stytch: retrying request", attrs...)
	}
	if resp != nil {
		// All of it, so that the connection serves the retry: go-retryablehttp reads only 4 KB.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}
	if a.onWait != nil {
		wait = a.onWait(wait)
	}
	a.wait = wait
	return true, nil
}

// backoff is go-retryablehttp's wait: the one check chose.
func (a *attempts) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return a.wait
}

// lastAnswer returns the last attempt's response when retries end, so that the caller gets the
// real answer (a *client.Error), never go-retryablehttp's "giving up after N attempts".
func lastAnswer(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// keepingIdleConnections returns a copy of hc whose CloseIdleConnections does nothing.
// go-retryablehttp calls it whenever a call ends in a transport error, a context error or
// exhausted retries; on a client shared by a whole application that would close the idle
// connections of every other call, and make each later call dial (and handshake) again. The
// transport is consulted on every request, not copied, so replacing hc's transport later (as
// httpmock.ActivateNonDefault does) still takes effect.
func keepingIdleConnections(hc *http.Client) *http.Client {
	c := *hc
	c.Transport = noIdleClose{hc}
	return &c
}

// noIdleClose is hc's transport without its CloseIdleConnections method.
type noIdleClose struct{ hc *http.Client }

func (t noIdleClose) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.hc.Transport == nil {
		return http.DefaultTransport.RoundTrip(r)
	}
	return t.hc.Transport.RoundTrip(r)
}

func defaultRandom() float64 { return rand.Float64() }
