package mockserver

import (
	"net/http"
	"net/http/httptest"
)

// ServerMaxHeaderBytes is the http.Server limit on a request line and headers that Server and
// the stytchmock command set. net/http answers a request over it (and over the 4 KB it allows
// beyond) in plain text before the mock sees it; the mock's own, lower, limit (32 KB) answers
// Stytch-shaped below it.
const ServerMaxHeaderBytes = 64 << 10

// Server is a Mock listening on a loopback port, shaped like httptest.Server.
type Server struct {
	*Mock

	// URL is the base URL of the server, such as http://127.0.0.1:40163, with no trailing
	// slash. Point a client's base URL at it.
	URL string

	ts *httptest.Server
}

// New starts a Mock, configured by opts, on a loopback port.
func New(opts ...Option) (*Server, error) {
	m, err := NewMock(opts...)
	if err != nil {
		return nil, err
	}
	ts := httptest.NewUnstartedServer(m)
	ts.Config.MaxHeaderBytes = ServerMaxHeaderBytes
	ts.Start()
	return &Server{Mock: m, URL: ts.URL, ts: ts}, nil
}

// Close shuts the server down and waits for requests in flight. It may be called more than once.
func (s *Server) Close() {
	s.ts.Close()
	s.closeIdle()
}

// Client returns an *http.Client set up for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Handler returns the server's http.Handler, for tests that drive it with
// httptest.NewRecorder. Without a connection, a drop_connection fault is answered 502
// connection_dropped.
func (s *Server) Handler() http.Handler { return s.Mock }

// TB is the part of testing.TB that Start uses, so that this package does not import testing.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Start starts a Server for a test and closes it when the test ends. The test fails if the
// server cannot start, or if any response the mock produced broke openapi.yaml (which the mock
// answered with a 500 mock_response_invalid instead); in proxy mode (WithUpstream), if any
// request or upstream response that passed through broke it.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("mockserver: %v", err)
		return nil
	}
	tb.Cleanup(func() {
		s.Close()
		for _, err := range s.ContractViolations() {
			tb.Errorf("mockserver: %s broke openapi.yaml: %v", s.brokeWhat(), err)
		}
	})
	return s
}

// brokeWhat is what a contract violation of the server is about, for Start's message.
func (s *Server) brokeWhat() string {
	if s.proxy != nil {
		return "traffic through the proxy"
	}
	return "a response of the mock"
}
