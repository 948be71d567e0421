package mockserver

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
)

// Proxy mode: a Mock given WithUpstream answers nothing itself. It forwards every API request,
// unchanged, to the upstream (Stytch, or anything that speaks its API), returns the upstream's
// answer unchanged, and checks both against openapi.yaml with the same contract the mock's own
// traffic goes through. A violation never alters the traffic: it is logged, listed (Violations,
// GET /__stytchmock/violations), and makes ContractViolations, hence Start, fail.

// DefaultUpstreamTimeout bounds one exchange with the upstream in proxy mode, unless
// WithUpstreamTimeout sets another bound.
const DefaultUpstreamTimeout = 30 * time.Second

// proxyMaxBodyBytes is the largest request body the proxy forwards: it holds the body whole, to
// check it before it sends it on. Stytch's own limit is lower.
const proxyMaxBodyBytes = 32 << 20

// proxyMaxCheckedBytes is the largest response body the proxy checks; a larger one is forwarded
// unchecked, and a warning logged.
const proxyMaxCheckedBytes = 64 << 20

// WithUpstream makes the Mock a validating proxy to baseURL, such as https://test.stytch.com: it
// forwards every request (method, path with its escaping, query, body and headers, credentials
// included) to baseURL, keeping baseURL's path as a prefix, and returns the upstream's answer
// as it came, status, headers and bytes, unless the upstream cannot be reached (a Stytch-shaped
// 502 upstream_unavailable) or does not answer in time (504 upstream_timeout, see
// WithUpstreamTimeout). Requests and responses are checked against openapi.yaml; what breaks
// it is logged and listed (Violations), never corrected. A request no operation of the spec
// matches is forwarded too, and is a violation.
//
// A proxy keeps no state and answers nothing itself, so the options that shape the mock's
// state and answers (WithCredentials, WithFixture, WithFixtureFile, WithStateFile, WithClock,
// WithDeterministicIDs) are errors with it. Its admin API serves health, violations, requests,
// record/flush, openapi.yaml and docs; the other endpoints answer 404 not_available_in_proxy_mode.
func WithUpstream(baseURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(baseURL)
		switch {
		case err != nil:
			return fmt.Errorf("mockserver: WithUpstream(%q): want an http or https base URL, such as https://test.stytch.com: %w", baseURL, err)
		case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return fmt.Errorf("mockserver: WithUpstream(%q): want an http or https base URL, such as https://test.stytch.com", baseURL)
		case u.User != nil:
			return fmt.Errorf("mockserver: WithUpstream: the base URL must not hold credentials: clients send theirs, and the proxy forwards them")
		case u.RawQuery != "" || u.Fragment != "":
			return fmt.Errorf("mockserver: WithUpstream(%q): a base URL takes no query or fragment", baseURL)
		}
		c.upstream = u
		return nil
	}
}

// WithUpstreamTimeout bounds each exchange with the upstream in proxy mode, from sending the
// request to reading the whole response; past it, the client gets a 504 upstream_timeout.
// Without it the bound is DefaultUpstreamTimeout.
func WithUpstreamTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("mockserver: WithUpstreamTimeout(%v): want a positive duration", d)
		}
		c.upstreamTimeout = d
		return nil
	}
}

// proxy is what a Mock in proxy mode holds.
type proxy struct {
	target    *url.URL
	timeout   time.Duration
	transport *http.Transport
	rp        *httputil.ReverseProxy
	// rec is what passed through, kept when WithRecordFile gave a file to write it to.
	rec        *recording
	recordFile string
}

// newProxy sets m up as a proxy to cfg.upstream.
func (m *Mock) newProxy(cfg *config) error {
	if len(cfg.mockOnly) > 0 {
		return fmt.Errorf("mockserver: %s configures the mock's own state or answers, and a proxy (WithUpstream) has none", strings.Join(cfg.mockOnly, ", "))
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	// The client's Accept-Encoding goes to the upstream as it is, and the answer comes back in
	// the encoding the upstream chose: the transport must neither ask for gzip on its own nor
	// decode what it asked for.
	t.DisableCompression = true
	p := &proxy{target: cfg.upstream, timeout: cfg.upstreamTimeout, transport: t, recordFile: cfg.recordFile}
	if cfg.recordFile != "" {
		p.rec = newRecording()
	}
	errorLog := log.New(io.Discard, "", 0)
	if m.logger != nil {
		errorLog = slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn)
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      t,
		ModifyResponse: m.checkUpstreamResponse,
		ErrorHandler:   m.upstreamFailed,
		ErrorLog:       errorLog,
	}
	m.proxy = p
	return nil
}

// forwardedHeaders are the headers ReverseProxy removes before Rewrite; the proxy puts back the
// client's own, so that the upstream sees the request unchanged.
var forwardedHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

// rewrite addresses the request to the upstream, and changes nothing else: the path keeps its
// escaping and the query its exact bytes (ReverseProxy would drop parameters it cannot parse).
// The Host header becomes the upstream's, as it must for TLS and virtual hosting.
func (p *proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	pr.SetURL(p.target)
	for _, h := range forwardedHeaders {
		if v, ok := pr.In.Header[h]; ok {
			pr.Out.Header[h] = v
		}
	}
}

// proxyExchange is one request on its way through the proxy.
type proxyExchange struct {
	entry     RecordedRequest
	begin     time.Time
	projectID string // from the Basic credentials, when well formed
	route     contract.Route
	routed    bool
	vs        []contract.Violation // the request's, then the response's
	requestID string               // the upstream's request_id, or the proxy's own for its errors
}

type proxyExchangeKey struct{}

// serveProxy forwards an API request to the upstream and its answer back, checking both.
func (m *Mock) serveProxy(w http.ResponseWriter, r *http.Request) {
	px := &proxyExchange{begin: time.Now()}
	px.entry = RecordedRequest{Time: px.begin, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: loggedHeader(r.Header)}
	if project, _, ok := r.BasicAuth(); ok && m.creds.wellFormed(project) {
		px.projectID, px.entry.ProjectID = project, project
	}
	body, tooLarge, err := readBody(r, proxyMaxBodyBytes)
	switch {
	case tooLarge:
		m.proxyAnswer(w, px, newError(http.StatusRequestEntityTooLarge, "request_too_large",
			"The request body is larger than %d bytes, the most the stytchmock proxy holds to check a request; it was not forwarded.", proxyMaxBodyBytes))
		return
	case err != nil:
		m.proxyAnswer(w, px, newError(http.StatusBadRequest, "bad_request", "The request body could not be read: %v; it was not forwarded.", err))
		return
	}

	if rt, err := m.spec.Route(r); err != nil {
		px.vs = append(px.vs, contract.Violation{Direction: contract.Request, Problem: unknownRoute(err, r)})
	} else {
		px.route, px.routed = rt, true
		px.entry.OperationID = rt.Operation().ID()
		// Only a routed request's body is logged: one the spec does not know may carry
		// anything, credentials included (a session token to authenticate, say).
		px.entry.Body = string(body)
		px.vs = append(px.vs, px.route.CheckRequest(body)...)
	}

	r.Body, r.ContentLength = http.NoBody, 0
	if len(body) > 0 {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), proxyExchangeKey{}, px), m.proxy.timeout)
	defer cancel()
	// net/http adds a Date and, by sniffing, a Content-Type to an answer without them; nil
	// values keep it from adding what the upstream did not send.
	w.Header()["Date"], w.Header()["Content-Type"] = nil, nil
	sw := &statusWriter{ResponseWriter: w}
	m.proxy.rp.ServeHTTP(sw, r.WithContext(ctx))
	px.entry.Status = sw.status
	m.finishProxied(r.Context(), px)
}

// proxyAnswer answers a request the proxy cannot forward with an error of its own.
func (m *Mock) proxyAnswer(w http.ResponseWriter, px *proxyExchange, e *apiError) {
	px.requestID = m.requestID(px.projectID)
	writeError(w, px.requestID, e)
	px.entry.Status, px.entry.ErrorType = e.Status, e.Type
	m.finishProxied(context.Background(), px)
}

// finishProxied reports the exchange's violations and logs it.
func (m *Mock) finishProxied(ctx context.Context, px *proxyExchange) {
	e := &px.entry
	e.RequestID = px.requestID
	e.Duration = time.Since(px.begin)
	what := fmt.Sprintf("%s %s", e.Method, e.Path)
	if e.OperationID != "" {
		what = fmt.Sprintf("%s (%s %s)", e.OperationID, e.Method, e.Path)
	}
	if e.Status != 0 {
		what += fmt.Sprintf(", answered %d", e.Status)
	}
	m.reportViolations(ctx, exchangeInfo{method: e.Method, path: e.Path, requestID: px.requestID, status: e.Status}, what, px.vs)
	m.log.add(*e)
	if m.logger != nil {
		m.logger.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("method", e.Method), slog.String("path", e.Path),
			slog.Int("status", e.Status), slog.String("error_type", e.ErrorType),
			slog.Duration("latency", e.Duration), slog.String("request_id", e.RequestID),
			slog.Int("violations", len(px.vs)))
	}
}

// unknownRoute describes a request no operation of the spec matches.
func unknownRoute(err error, r *http.Request) string {
	if errors.Is(err, contract.ErrMethodNotAllowed) {
		return fmt.Sprintf("openapi.yaml documents no %s operation on this path", r.Method)
	}
	return "openapi.yaml documents no operation on this path"
}

// checkUpstreamResponse checks the upstream's answer against the operation, or, for a request
// the spec does not know, an error answer against the spec's Error schema; records what it
// holds; and hands it on unchanged.
func (m *Mock) checkUpstreamResponse(resp *http.Response) error {
	px, _ := resp.Request.Context().Value(proxyExchangeKey{}).(*proxyExchange)
	if px == nil {
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, proxyMaxCheckedBytes+1))
	if err != nil {
		return err
	}
	if len(raw) > proxyMaxCheckedBytes {
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(raw), resp.Body), resp.Body}
		if m.logger != nil {
			m.logger.LogAttrs(resp.Request.Context(), slog.LevelWarn, "response not checked: its body is larger than the proxy checks",
				slog.String("method", px.entry.Method), slog.String("path", px.entry.Path), slog.Int("limit_bytes", proxyMaxCheckedBytes))
		}
		return nil
	}
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))

	body, err := decodeContent(resp.Header.Get("Content-Encoding"), raw)
	if err != nil {
		px.vs = append(px.vs, contract.Violation{Operation: px.entry.OperationID, Direction: contract.Response, Problem: err.Error()})
		return nil
	}
	px.requestID = requestIDOf(body)
	if resp.StatusCode >= 400 {
		px.entry.ErrorType = errorTypeOf(body)
	}
	var vs []contract.Violation
	switch {
	case px.routed:
		vs = px.route.CheckResponse(resp.StatusCode, resp.Header, body)
	case resp.StatusCode >= 400:
		vs = m.spec.CheckErrorBody(body)
	}
	px.vs = append(px.vs, vs...)
	if p := m.proxy; p.rec != nil && px.routed && px.projectID != "" && len(vs) == 0 && resp.StatusCode/100 == 2 {
		p.rec.observe(px.projectID, px.entry.OperationID, body)
	}
	return nil
}

// decodeContent returns a body as its Content-Encoding says to decode it, for checking; the
// client gets the bytes as they came.
func decodeContent(encoding string, raw []byte) ([]byte, error) {
	var r io.ReadCloser
	var err error
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(raw))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(raw))
	default:
		return nil, fmt.Errorf("the body was not checked: the proxy cannot decode Content-Encoding %q (it decodes gzip and deflate)", encoding)
	}
	if err == nil {
		var body []byte
		body, err = io.ReadAll(io.LimitReader(r, proxyMaxCheckedBytes))
		if err == nil {
			return body, nil
		}
	}
	return nil, fmt.Errorf("the body is not valid %s (Content-Encoding): %v", encoding, err)
}

// requestIDOf reads request_id from a JSON body, if it has one.
func requestIDOf(body []byte) string {
	var v struct {
		RequestID string `json:"request_id"`
	}
	_ = json.Unmarshal(body, &v)
	return v.RequestID
}

// upstreamFailed answers a request the upstream did not answer: 504 upstream_timeout when the
// exchange ran out of time, else 502 upstream_unavailable. The client treats both as an outage
// (client retries reads on them).
func (m *Mock) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	px, _ := r.Context().Value(proxyExchangeKey{}).(*proxyExchange)
	if px == nil {
		px = &proxyExchange{}
	}
	cause := err
	var ue *url.Error // its message repeats the URL, query included
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	var ne net.Error
	var e *apiError
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		e = newError(http.StatusGatewayTimeout, "upstream_timeout",
			"The upstream %s did not answer within %v (stytchmock -upstream-timeout); the request may or may not have been carried out.",
			m.proxy.target.Redacted(), m.proxy.timeout)
	} else {
		e = newError(http.StatusBadGateway, "upstream_unavailable",
			"stytchmock could not get an answer from the upstream %s: %v", m.proxy.target.Redacted(), cause)
	}
	px.requestID = m.requestID(px.projectID)
	px.entry.ErrorType = e.Type
	writeError(w, px.requestID, e)
}

// statusWriter notes the status of the answer it passes on.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type readCloser struct {
	io.Reader
	io.Closer
}

// Upstream returns the base URL a Mock in proxy mode forwards to, or "" for a mock.
func (m *Mock) Upstream() string {
	if m.proxy == nil {
		return ""
	}
	return m.proxy.target.String()
}

// closeIdle closes the proxy's idle connections to the upstream.
func (m *Mock) closeIdle() {
	if m.proxy != nil {
		m.proxy.transport.CloseIdleConnections()
	}
}

// proxyAdminRoutes are the admin endpoints that mean something for a proxy.
var proxyAdminRoutes = map[string]bool{
	"health": true, "violations": true, "requests": true, "record/flush": true, "openapi.yaml": true, "docs": true,
}

// proxyRefuses answers, in proxy mode, an admin request for a control of the mock's own state
// or answers, and reports whether it did.
func (m *Mock) proxyRefuses(c *adminCall, path string) bool {
	if m.proxy == nil || proxyAdminRoutes[path] {
		return false
	}
	if _, known := adminRoutes[path]; !known {
		return false // the admin API's own 404
	}
	c.fail(http.StatusNotFound, "not_available_in_proxy_mode",
		"%s %s is a control of the mock, and this stytchmock is a proxy to %s (-upstream): it forwards the API there and keeps no state of its own. In proxy mode the admin API serves health, violations, requests, record/flush, openapi.yaml and docs.",
		c.r.Method, c.r.URL.Path, m.proxy.target.Redacted())
	return true
}
