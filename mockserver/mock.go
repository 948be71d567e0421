package mockserver

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// Mock is the fake Stytch API as an http.Handler, with its state and test controls. Server
// runs one on a loopback listener; use a Mock directly to serve it some other way.
type Mock struct {
	spec       *contract.Contract
	store      *store.Store
	creds      *credentials
	projectIDs projectIDs                  // of the requests' credentials
	routes     map[string]http.HandlerFunc // "METHOD /path template" → generated handler
	faults     faultSet
	log        requestLog
	logger     *slog.Logger
	newID      func() (hi, lo uint64)
	violations violationLog
	// reference is the HTML API reference served at /__stytchmock/docs, if any.
	reference []byte
	// adminHosts are the host names, besides IP addresses and localhost, the admin API answers.
	adminHosts []string
	// stateFile is where SaveState writes (WithStateFile).
	stateFile string
	// proxy is set in proxy mode (WithUpstream): the Mock then forwards what it would answer.
	proxy *proxy
}

// NewMock returns a Mock configured by opts.
func NewMock(opts ...Option) (*Mock, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	spec, err := contract.Load()
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	m := &Mock{
		spec:   spec,
		store:  store.New(store.Options{Now: cfg.now, NewUUID: cfg.newUUID, CursorKey: cfg.cursorKey}),
		creds:  newCredentials(cfg.credentials),
		routes: map[string]http.HandlerFunc{},
		log:    requestLog{budget: cfg.requestLogBytes},
		logger: cfg.logger,
		newID:  cfg.newID,

		reference:  cfg.reference,
		adminHosts: cfg.adminHosts,
	}
	// A request the generated code cannot bind: the spec validation before it should make
	// this unreachable, but the answer is still a Stytch error.
	badRequest := func(w http.ResponseWriter, r *http.Request, err error) {
		writeError(w, w.(*recorder).call.requestID, newError(http.StatusBadRequest, "bad_request", "%v", err))
	}
	strict := api.NewStrictHandlerWithOptions(handlers{}, []api.StrictMiddlewareFunc{inPipeline}, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: badRequest,
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, w.(*recorder).call.requestID, asAPIError(err))
		},
	})
	api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter:       routeTable(m.routes),
		ErrorHandlerFunc: badRequest,
	})
	for _, o := range spec.Operations() {
		if m.routes[o.Pattern()] == nil {
			return nil, fmt.Errorf("mockserver: the generated server has no handler for %s", o.Pattern())
		}
	}
	if cfg.upstream != nil {
		if err := m.newProxy(cfg); err != nil {
			return nil, err
		}
		return m, nil
	}
	if cfg.recordFile != "" {
		return nil, fmt.Errorf("mockserver: WithRecordFile records what passes through a proxy: it needs WithUpstream")
	}
	loaded := false
	if cfg.stateFile != "" {
		m.stateFile = cfg.stateFile
		if loaded, err = m.loadState(cfg.stateFile); err != nil {
			return nil, err
		}
	}
	if !loaded { // a saved state holds what the fixtures seeded when it began
		for _, f := range cfg.fixtures {
			if err := m.Seed(f); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// routeTable collects the generated server's handlers by the "METHOD /path" pattern it
// registers them under. The mock routes with its contract, in kin-openapi's matching order,
// rather than with http.ServeMux, whose conflict rules reject Stytch's overlapping member paths.
type routeTable map[string]http.HandlerFunc

func (t routeTable) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	t[pattern] = h
}

func (t routeTable) ServeHTTP(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
