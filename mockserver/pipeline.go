package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// ServeHTTP handles one request. An admin request goes to the admin API; any other runs
// through the stages of the pipeline into a buffer, its response is checked against the spec,
// and it is logged before the response is sent.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		m.serveAdmin(w, r)
		return
	}
	if m.proxy != nil {
		m.serveProxy(w, r)
		return
	}
	x := exchanges.Get().(*exchange)
	defer x.release()
	x.start(r)
	m.serve(x)
	m.record(x)
	if x.dropped {
		dropConnection(w)
		return
	}
	x.rec.sendTo(w)
}

// stages are the pipeline's steps, in order. Each lets the request go on (true) or has
// answered it (false); whatever answered, the answer is then checked against the spec. The
// order is Stytch's where it shows: credentials are checked before anything else about the
// request, so that a request without them is a 401 whatever else is wrong.
var stages = [...]func(*Mock, *exchange) bool{
	(*Mock).readHeaders,
	(*Mock).takeFault,
	(*Mock).route,
	(*Mock).checkCredentials,
	(*Mock).readBody,
	(*Mock).validateRequest,
	(*Mock).authenticateSession,
	(*Mock).handle,
}

func (m *Mock) serve(x *exchange) {
	for _, stage := range stages {
		if !stage(m, x) {
			break
		}
	}
	m.checkResponse(x)
}

// exchange is one request on its way through the pipeline, and its response. Exchanges are
// pooled: a request needs one for as long as ServeHTTP runs, and nothing keeps it after.
type exchange struct {
	call                  // what the handler sees of the request, through its context
	r     *http.Request   // the request as it arrived
	req   http.Request    // the generated code's copy of r, with path values and a body to read
	rec   recorder        // the response, buffered until it is checked
	entry RecordedRequest // the request log's entry
	route contract.Route  // set once the request is routed
	begin time.Time

	projectID string // from the Basic credentials, if any
	secret    []byte // in auth
	hasAuth   bool
	auth      [512]byte
	// unrouted: the answer belongs to no operation (a fault, an unknown route, a body too
	// large), so only its error body can be checked.
	unrouted bool
	dropped  bool // a fault closes the connection instead of answering
}

var exchanges = sync.Pool{New: func() any { return new(exchange) }}

func (x *exchange) start(r *http.Request) {
	x.r, x.begin = r, time.Now()
	x.call.Context = r.Context()
	x.rec.reset()
	x.rec.call = &x.call
	x.entry = RecordedRequest{Time: x.begin, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
}

// release returns x to the pool, keeping only its response buffers.
func (x *exchange) release() {
	rec := x.rec // the rest is zeroed, the secret decoded into auth too
	*x = exchange{rec: rec}
	exchanges.Put(x)
}

// readHeaders logs the request's headers and reads the project id of its credentials, which
// its request id and its log entry name. It answers 431 when the request line and headers are
// too large: such a request is logged without its headers (they are what was too large), and
// no fault applies to it.
func (m *Mock) readHeaders(x *exchange) bool {
	if headerBytes(x.r) <= maxHeaderBytes {
		x.entry.Header = loggedHeader(x.r.Header)
		x.projectID, x.secret, x.hasAuth = basicAuth(x.r, x.auth[:], &m.projectIDs)
		x.requestID = m.requestID(x.projectID)
		if m.creds.wellFormed(x.projectID) {
			x.entry.ProjectID = x.projectID // and not 30 KB of whatever a request sent as one
		}
		return true
	}
	x.entry.Header = http.Header{}
	projectID, _, _ := x.r.BasicAuth()
	x.requestID = m.requestID(projectID)
	x.answerUnrouted(errHeadersTooLarge())
	return false
}

// requestID is a new request id for a request that names projectID: request-id-test-… or
// request-id-live-…, as Stytch's say which environment answered.
func (m *Mock) requestID(projectID string) string {
	hi, lo := m.newID()
	var b [64]byte
	id := append(append(append(b[:0], "request-id-"...), store.Env(projectID)...), '-')
	return string(appendUUIDv4(id, hi, lo))
}

// takeFault applies the first injected fault that matches the request: a latency, then a
// dropped connection or an error answer.
func (m *Mock) takeFault(x *exchange) bool {
	f := m.faults.take(x.r, x.entry.ProjectID)
	if f == nil {
		return true
	}
	x.entry.Fault = true
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-x.r.Context().Done():
		}
	}
	switch {
	case f.DropConnection && x.r.Context().Value(http.ServerContextKey) == nil:
		// No http.Server runs this request (Server.Handler() driven by httptest.NewRecorder):
		// there is no connection to close, and net/http's way to abort one, a panic, would
		// reach the caller. A gateway whose upstream dropped the connection answers 502.
		x.answerUnrouted(newError(http.StatusBadGateway, "connection_dropped",
			"An injected drop_connection fault applied, but this request came through no connection the mock can close (its handler was called directly, as with httptest.NewRecorder), so it is answered 502 instead."))
		return false
	case f.DropConnection:
		x.dropped = true
		return false
	case f.Status != 0:
		if f.RetryAfter != "" {
			x.rec.header.Set("Retry-After", f.RetryAfter)
		}
		x.answerUnrouted(f.apiError())
		return false
	}
	return true
}

// route finds the request's operation.
func (m *Mock) route(x *exchange) bool {
	rt, err := m.spec.Route(x.r)
	if err != nil {
		x.answerUnrouted(routeError(err, x.r))
		return false
	}
	x.route = rt
	x.entry.OperationID = rt.Operation().ID()
	return true
}

// checkCredentials checks the project's Basic credentials. The one operation without security,
// the JWKS, needs no state, and must not create a project for every id it is asked about.
func (m *Mock) checkCredentials(x *exchange) bool {
	if !x.route.Operation().Secured() {
		return true
	}
	if e := m.creds.checkBasic(x.projectID, x.secret, x.hasAuth); e != nil {
		x.answer(e)
		return false
	}
	x.project = m.store.Project(x.projectID)
	return true
}

// readBody reads the request body. It is read only now: a request refused before routing or
// authentication, which anyone can send, costs neither the memory to read its body nor room
// for it in the log.
func (m *Mock) readBody(x *exchange) bool {
	body, tooLarge, err := readBody(x.r, maxBodyBytes)
	switch {
	case tooLarge:
		x.answerUnrouted(errBodyTooLarge())
		return false
	case err != nil:
		x.answerUnrouted(newError(http.StatusBadRequest, "bad_request", "The request body could not be read: %v", err))
		return false
	}
	x.body = body
	x.entry.Body = loggedBody(body)
	return true
}

// loggedBody is the request body as the log keeps it: the body itself, seen as a string without
// the copy a conversion makes (an allocation of its size), when its buffer is the body's size
// (readBody leaves one byte over, where it read the EOF), as it is for a body sent with its
// length up to 16 KB. A larger buffer, of a body that came in chunks, is copied so that the log
// does not keep more than its budget counts. The body is never written once read: the pipeline,
// the contract and the generated binding only read it.
func loggedBody(b []byte) string {
	if cap(b)-len(b) > 1 {
		return string(b)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// validateRequest checks the request's parameters and body against its operation.
func (m *Mock) validateRequest(x *exchange) bool {
	if vs := x.route.CheckRequest(x.body); len(vs) > 0 {
		x.answer(requestError(vs))
		return false
	}
	return true
}

// authenticateSession finds the member whose session the request presents, for the operations
// that act on a member's behalf.
func (m *Mock) authenticateSession(x *exchange) bool {
	if x.project == nil || !x.route.Operation().TakesMemberSession() {
		return true
	}
	actor, err := x.project.Authenticate(x.r.Header.Get("X-Stytch-Member-Session"), x.r.Header.Get("X-Stytch-Member-SessionJWT"))
	if err != nil {
		x.answer(asAPIError(err))
		return false
	}
	x.actor = actor
	return true
}

// handle runs the operation's generated handler, which binds the request and calls ours. It
// sees the path parameters decoded and the body (unless kin-openapi already decoded it) on a copy
// of the request the exchange holds; handlers get the call as their context from inPipeline.
func (m *Mock) handle(x *exchange) bool {
	x.req = *x.r // as WithContext copies it, without allocating
	r := &x.req
	if _, decoded := r.Body.(interface{ ValidatedValue() any }); !decoded {
		x.bodyReader.Reset(x.body)
		r.Body = &x.bodyReader
	}
	for name, value := range x.route.Params {
		r.SetPathValue(name, value)
	}
	m.routes[x.route.Operation().Pattern()](&x.rec, r)
	return true
}

// checkResponse checks the answer against the spec. A response that breaks it is a bug in the
// mock: it is replaced by a 500 that names the broken rule, and recorded so that tests using
// Start fail.
func (m *Mock) checkResponse(x *exchange) {
	if x.dropped {
		return
	}
	body := x.rec.body.Bytes()
	if x.unrouted {
		if vs := m.spec.CheckErrorBody(body); len(vs) > 0 {
			m.violate(x, fmt.Sprintf("%s %s: error body", x.entry.Method, x.entry.Path), vs)
		}
		return
	}
	if x.rec.status >= 400 {
		x.entry.ErrorType = errorTypeOf(body)
	}
	if vs := x.route.CheckResponse(x.rec.status, x.rec.header, body); len(vs) > 0 {
		m.violate(x, fmt.Sprintf("%s (%s %s) answered %d", x.entry.OperationID, x.entry.Method, x.entry.Path, x.rec.status), vs)
	}
}

// violate replaces a response that broke the spec with a 500 that says so, and reports the
// violations.
func (m *Mock) violate(x *exchange, what string, vs []contract.Violation) {
	m.reportViolations(x.r.Context(), exchangeInfo{method: x.entry.Method, path: x.entry.Path, requestID: x.requestID, status: x.rec.status}, what, vs)
	err := responseError(what, vs)
	x.rec.reset()
	e := newError(http.StatusInternalServerError, "mock_response_invalid",
		"The mock server produced a response that breaks openapi.yaml (a bug in the mock): %v", err)
	writeError(&x.rec, x.requestID, e)
	x.entry.ErrorType = e.Type
}

// answer writes an error for a routed request; it is checked against the operation like any
// response.
func (x *exchange) answer(e *apiError) { writeError(&x.rec, x.requestID, e) }

// answerUnrouted writes an error that belongs to no operation; only its body can be checked.
func (x *exchange) answerUnrouted(e *apiError) {
	writeError(&x.rec, x.requestID, e)
	x.entry.ErrorType = e.Type
	x.unrouted = true
}

// record logs the request, before its answer leaves, so that a client that has its answer
// finds it in the log.
func (m *Mock) record(x *exchange) {
	e := &x.entry
	e.RequestID = x.requestID
	e.Duration = time.Since(x.begin)
	if !x.dropped {
		e.Status = x.rec.status
	}
	m.log.add(*e)
	if m.logger != nil {
		// The latency is a duration string in every format, as in the request log: slog's
		// JSON handler would write a Duration as integer nanoseconds.
		m.logger.LogAttrs(x.r.Context(), slog.LevelInfo, "request",
			slog.String("method", e.Method), slog.String("path", e.Path), slog.String("project_id", e.ProjectID),
			slog.Int("status", e.Status), slog.String("error_type", e.ErrorType),
			slog.String("latency", e.Duration.String()), slog.String("request_id", e.RequestID))
	}
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

// bodyReader is a request body read from bytes the pipeline holds.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }
