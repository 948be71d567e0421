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
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy is a handful of pure functions, below, plugged into go-retryablehttp. Reads,
// searches and idempotent writes (PUT, DELETE) retry on connection errors, 408, 429 and 5xx
// except 501; a create (any other POST) retries only on 429 or when the request provably never
// reached the server, so that a retry can never create something twice.

// retryableStatus reports whether a status is worth another attempt of an idempotent request.
func retryableStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests ||
		(status >= 500 && status != http.StatusNotImplemented)
}

// shouldRetry decides whether an attempt that got status (0 without a response) or err should be
// repeated. err is the attempt's own: checkRetry has already stopped if the call's context
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

// callState is what the retry hook needs to know about one call; it travels in the request's
// context, because go-retryablehttp's hooks receive nothing else.
type callState struct {
	idempotent   bool
	maxRetries   int
	retries      int
	logger       *slog.Logger
	method, path string // of the request, for log lines about attempts that got no response
}

type callStateKey struct{}

// retrier holds a client's retry settings and implements go-retryablehttp's retry hook.
type retrier struct {
	initial, max, maxRetryAfter time.Duration
	now                         func() time.Time
	random                      func() float64
	// onWait, when set (by tests), sees each wait and returns the one to sleep instead.
	onWait func(time.Duration) time.Duration
}

// checkRetry decides whether to retry, and when it does, waits before answering: it alone
// knows the call (through the context), so it picks the wait, checks it against the deadline,
// logs it, and ends it when the context ends. go-retryablehttp's own wait is zero.
func (r *retrier) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st, _ := ctx.Value(callStateKey{}).(*callState)
	if st == nil || st.retries >= st.maxRetries {
		return false, nil
	}
	status := 0
	var header http.Header
	if resp != nil {
		status, header = resp.StatusCode, resp.Header
	}
	if !shouldRetry(st.idempotent, status, err) {
		return false, nil
	}
	now := r.now()
	wait := backoff(st.retries, header, now, r.initial, r.max, r.maxRetryAfter, r.random())
	// A wait the call's deadline cannot outlast is not started: the caller gets the answer now.
	if deadline, ok := ctx.Deadline(); ok && now.Add(wait).After(deadline) {
		return false, nil
	}
	st.retries++
	if st.logger != nil {
		attrs := []slog.Attr{slog.Int("retry", st.retries), slog.String("method", st.method), slog.String("path", st.path), slog.Duration("wait", wait)}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", status))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		st.logger.LogAttrs(ctx, slog.LevelInfo, "stytch: retrying request", attrs...)
	}
	if resp != nil {
		// Free the connection for the retry before waiting.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}
	if r.onWait != nil {
		wait = r.onWait(wait)
	}
	if wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-timer.C:
		}
	}
	return true, nil
}

// noWait is go-retryablehttp's backoff: checkRetry has already waited.
func noWait(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// errorHandler returns the last attempt's response when retries end, so that the caller gets
// the real answer (a *client.Error), never go-retryablehttp's "giving up after N attempts".
func errorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// newRetryingDoer builds the go-retryablehttp client every request goes through.
func newRetryingDoer(inner *http.Client, r *retrier) *retryingDoer {
	rc := &retryablehttp.Client{
		HTTPClient:   keepingIdleConnections(inner),
		Logger:       nil,     // we log retries ourselves, and only when asked
		RetryMax:     1 << 20, // the real limit is per call, in checkRetry
		CheckRetry:   r.checkRetry,
		Backoff:      noWait,
		ErrorHandler: errorHandler,
	}
	return &retryingDoer{rc: rc}
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

// retryingDoer sends a request through go-retryablehttp; it is the generated client's
// HttpRequestDoer.
type retryingDoer struct{ rc *retryablehttp.Client }

func (d *retryingDoer) Do(req *http.Request) (*http.Response, error) {
	rr, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	return d.rc.Do(rr)
}

func defaultRandom() float64 { return rand.Float64() }
