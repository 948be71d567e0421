package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// maxBodyBytes is the largest request body the mock reads; a larger one is answered 413
// without reading the rest.
const maxBodyBytes = 1 << 20

// maxHeaderBytes is the most request line and headers the mock takes, about; more is answered
// 431. It is below the http.Server's own limit (ServerMaxHeaderBytes), which net/http answers
// in plain text before the mock sees the request, so that headers over this limit and under
// that one get a Stytch-shaped answer.
const maxHeaderBytes = 32 << 10

// Mock is the fake Stytch API as an http.Handler, with its state and test controls. Server
// runs one on a loopback listener; use a Mock directly to serve it some other way.
type Mock struct {
	spec     *compiledSpec
	store    *store.Store
	creds    *credentials
	routes   map[string]http.HandlerFunc // "METHOD /path template" → generated handler
	faults   faultSet
	log      requestLog
	logger   *slog.Logger
	newUUID  func() string
	contract contractLog
	// reference is the HTML API reference served at /__stytchmock/docs, if any.
	reference []byte
	// adminHosts are the host names, besides IP addresses and localhost, the admin API answers.
	adminHosts []string
}

// NewMock returns a Mock configured by opts.
func NewMock(opts ...Option) (*Mock, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	spec, err := loadSpec()
	if err != nil {
		return nil, err
	}
	m := &Mock{
		spec:    spec,
		store:   store.New(store.Options{Now: cfg.now, NewUUID: cfg.newUUID, CursorKey: cfg.cursorKey}),
		creds:   newCredentials(cfg.credentials),
		routes:  map[string]http.HandlerFunc{},
		log:     requestLog{budget: cfg.requestLogBytes},
		logger:  cfg.logger,
		newUUID: cfg.newUUID,

		reference:  cfg.reference,
		adminHosts: cfg.adminHosts,
	}
	// A request the generated code cannot bind: the spec validation before it should make
	// this unreachable, but the answer is still a Stytch error.
	badRequest := func(w http.ResponseWriter, r *http.Request, err error) {
		writeError(w, callFrom(r.Context()).requestID, newError(http.StatusBadRequest, "bad_request", "%v", err))
	}
	strict := api.NewStrictHandlerWithOptions(handlers{}, []api.StrictMiddlewareFunc{exactMetadata}, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: badRequest,
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, callFrom(r.Context()).requestID, asAPIError(err))
		},
	})
	api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter:       routeTable(m.routes),
		ErrorHandlerFunc: badRequest,
	})
	for _, o := range spec.operations {
		if m.routes[o.key] == nil {
			return nil, fmt.Errorf("mockserver: the generated server has no handler for %s", o.key)
		}
	}
	for _, f := range cfg.fixtures {
		if err := m.Seed(f); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// routeTable collects the generated server's handlers by the "METHOD /path" pattern it
// registers them under. The mock routes with kin-openapi (which it needs for validation anyway)
// rather than http.ServeMux, whose conflict rules reject Stytch's overlapping member paths.
type routeTable map[string]http.HandlerFunc

func (t routeTable) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	t[pattern] = h
}

func (t routeTable) ServeHTTP(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

// ServeHTTP handles one request: faults, routing, authentication, request validation, the
// handler, and validation of the response before any of it is sent.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	headersTooLarge := headerBytes(r) > maxHeaderBytes
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		if headersTooLarge {
			writeError(w, "request-id-test-"+m.newUUID(), errHeadersTooLarge())
			return
		}
		m.serveAdmin(w, r)
		return
	}
	start := time.Now()
	entry := RecordedRequest{Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}

	rec := recorders.Get().(*recorder)
	defer recorders.Put(rec)
	rec.reset()
	var dropped bool
	if headersTooLarge {
		// Logged without its headers: they are what was too large.
		entry.Header = http.Header{}
		projectID, _, _ := r.BasicAuth()
		entry.RequestID = "request-id-" + store.Env(projectID) + "-" + m.newUUID()
		m.answerUnrouted(rec, entry.RequestID, errHeadersTooLarge(), &entry)
	} else {
		entry.Header = loggedHeader(r.Header)
		dropped = m.serve(rec, r, &entry)
	}
	if dropped && r.Context().Value(http.ServerContextKey) == nil {
		// No http.Server runs this request (Server.Handler() driven by httptest.NewRecorder):
		// there is no connection to close, and net/http's way to abort one, a panic, would
		// reach the caller. A gateway whose upstream dropped the connection answers 502.
		m.answerUnrouted(rec, entry.RequestID, newError(http.StatusBadGateway, "connection_dropped",
			"An injected drop_connection fault applied, but this request came through no connection the mock can close (its handler was called directly, as with httptest.NewRecorder), so it is answered 502 instead."), &entry)
		dropped = false
	}
	entry.Duration = time.Since(start)
	if !dropped {
		entry.Status = rec.status
	}
	// Recorded before the answer leaves, so a client that has its answer finds it in the log.
	m.log.add(entry)
	if m.logger != nil {
		m.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", entry.Method), slog.String("path", entry.Path),
			slog.Int("status", entry.Status), slog.String("error_type", entry.ErrorType),
			slog.Duration("latency", entry.Duration), slog.String("request_id", entry.RequestID))
	}
	if dropped {
		dropConnection(w)
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// serve produces the response into rec. It reports whether the connection was dropped by a
// fault instead.
func (m *Mock) serve(rec *recorder, r *http.Request, entry *RecordedRequest) (dropped bool) {
	projectID, secret, hasAuth := r.BasicAuth()
	requestID := "request-id-" + store.Env(projectID) + "-" + m.newUUID()
	entry.RequestID = requestID
	if m.creds.wellFormed(projectID) {
		entry.ProjectID = projectID // and not 30 KB of whatever a request sent as one
	}

	if f := m.faults.take(r, entry.ProjectID); f != nil {
		entry.Fault = true
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
			}
		}
		if f.DropConnection {
			return true
		}
		if f.Status != 0 {
			e := f.apiError()
			if f.RetryAfter != "" {
				rec.header.Set("Retry-After", f.RetryAfter)
			}
			m.answerUnrouted(rec, requestID, e, entry)
			return false
		}
	}

	op, seg, params, err := m.spec.router.find(r)
	if err != nil {
		m.answerUnrouted(rec, requestID, routeError(err, r), entry)
		return false
	}
	o := m.spec.operations[op]
	entry.OperationID = op.OperationID
	c := &call{requestID: requestID}
	ctx := context.WithValue(r.Context(), callKey{}, c)
	v := &validation{o: o, ctx: ctx, r: r, seg: seg, router: m.spec.router, params: params}

	// Credentials first, as Stytch does: a request without them is a 401 whatever else is wrong.
	// project stays nil for the one operation without security, the JWKS, which needs no state
	// (and must not create a project for every id it is asked about).
	if o.secured {
		if e := m.creds.checkBasic(projectID, secret, hasAuth); e != nil {
			m.answer(rec, v, e, entry)
			return false
		}
		c.project = m.store.Project(projectID)
	}
	// The body is read only now: a request refused before routing or authentication, which
	// anyone can send, costs neither the memory to read its body nor room for it in the log.
	body, tooLarge, err := readBody(r, maxBodyBytes)
	switch {
	case tooLarge:
		m.answerUnrouted(rec, requestID, newError(http.StatusRequestEntityTooLarge, "request_too_large",
			"The request body is larger than %d bytes.", maxBodyBytes), entry)
		return false
	case err != nil:
		m.answerUnrouted(rec, requestID, newError(http.StatusBadRequest, "bad_request", "The request body could not be read: %v", err), entry)
		return false
	}
	entry.Body = string(body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	// The fast path vouches for most requests; kin-openapi decides the rest and explains them.
	if !o.requestValid(r, params, body) {
		e := checkJSONShape(o, body)
		if e == nil {
			e = validateRequest(ctx, v.input())
		}
		if e != nil {
			m.answer(rec, v, e, entry)
			return false
		}
	}
	if c.project != nil && o.sessionHeaders {
		actor, err := c.project.Authenticate(r.Header.Get("X-Stytch-Member-Session"), r.Header.Get("X-Stytch-Member-SessionJWT"))
		if err != nil {
			m.answer(rec, v, asAPIError(err), entry)
			return false
		}
		c.actor = actor
	}

	r = r.WithContext(ctx)
	for name, value := range params {
		r.SetPathValue(name, unescape(value))
	}
	m.routes[o.key](rec, r)
	m.check(rec, v, entry)
	return false
}

// validation is one routed request's validation state; kin-openapi's input is built only when
// the fast path cannot vouch for the request or its response.
type validation struct {
	o      *operation
	ctx    context.Context
	r      *http.Request
	seg    *pathTemplate
	router *router
	params map[string]string
	kin    *openapi3filter.RequestValidationInput
}

func (v *validation) input() *openapi3filter.RequestValidationInput {
	if v.kin == nil {
		route := v.router.route(v.seg, v.r.Method, v.o.op)
		v.kin = &openapi3filter.RequestValidationInput{Request: v.r, PathParams: v.params, Route: route, Options: requestOptions}
	}
	return v.kin
}

// answer writes an error for a routed request and checks it like any response.
func (m *Mock) answer(rec *recorder, v *validation, e *apiError, entry *RecordedRequest) {
	writeError(rec, callFrom(v.ctx).requestID, e)
	m.check(rec, v, entry)
}

// answerUnrouted writes an error that belongs to no operation; only its body can be checked.
func (m *Mock) answerUnrouted(rec *recorder, requestID string, e *apiError, entry *RecordedRequest) {
	writeError(rec, requestID, e)
	entry.ErrorType = e.Type
	if m.spec.errorBody.Valid(rec.body.Bytes()) {
		return
	}
	if err := validateErrorBody(m.spec, rec.body.Bytes()); err != nil {
		m.violate(rec, requestID, entry, fmt.Errorf("%s %s: error body: %w", entry.Method, entry.Path, err))
	}
}

// check validates the response in rec against the operation. A response that breaks the spec
// is a bug in the mock: it is replaced by a 500 that names the broken rule, and recorded so that
// tests using Start fail.
func (m *Mock) check(rec *recorder, v *validation, entry *RecordedRequest) {
	if rec.status >= 400 {
		entry.ErrorType = errorTypeOf(rec.body.Bytes())
	}
	if v.o.responseValid(rec.status, rec.header, rec.body.Bytes()) {
		return
	}
	if err := validateResponse(v.ctx, v.input(), rec.status, rec.header, rec.body.Bytes()); err != nil {
		m.violate(rec, callFrom(v.ctx).requestID, entry, fmt.Errorf("%s (%s %s) answered %d: %w", entry.OperationID, entry.Method, entry.Path, rec.status, err))
	}
}

func (m *Mock) violate(rec *recorder, requestID string, entry *RecordedRequest, err error) {
	m.contract.add(err)
	rec.reset()
	e := newError(http.StatusInternalServerError, "mock_response_invalid",
		"The mock server produced a response that breaks openapi.yaml (a bug in the mock): %v", err)
	writeError(rec, requestID, e)
	entry.ErrorType = e.Type
}

// dropConnection closes the client's connection without an answer. It is called only under an
// http.Server, which recovers the panic of a connection it cannot hand over (HTTP/2).
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // net/http aborts the response and closes the stream quietly
}

// errorTypeOf reads error_type from an error body.
func errorTypeOf(body []byte) string {
	var e struct {
		ErrorType string `json:"error_type"`
	}
	_ = json.Unmarshal(body, &e)
	return e.ErrorType
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// recorder buffers a response so it can be validated before any of it is sent.
// recorders reuse response buffers across requests: a response is a few kilobytes, written
// once per request, and ServeHTTP is done with it when it returns.
var recorders = sync.Pool{New: func() any { return new(recorder) }}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// reset empties r for another response. The header map is cleared, not replaced: the value
// slices a previous ServeHTTP handed to its ResponseWriter are left as they were.
func (r *recorder) reset() {
	if r.header == nil {
		r.header = http.Header{}
	}
	clear(r.header)
	r.status = 0
	r.body.Reset()
}

// contractLog keeps the responses that broke the spec.
type contractLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *contractLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *contractLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}
