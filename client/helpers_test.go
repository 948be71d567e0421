package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// Ids of testdata/contract_fixture.json, which env.seed loads into the test's project.
const (
	acmeID   = "organization-test-11111111-1111-4111-8111-111111111111"
	globexID = "organization-test-22222222-2222-4222-8222-222222222222"
	adaID    = "member-test-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" // stytch_admin, with every factor and token
	bobID    = "member-test-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" // a plain member
	carolID  = "member-test-dddddddd-dddd-4ddd-8ddd-dddddddddddd"
	appID    = "connected-app-test-0c3f7a52-91d4-4e6b-b8a0-3d2f1e0c9b8a"
	cliAppID = "connected-app-test-4e5d6c7b-8a9f-4b0e-a1d2-c3b4a5968778"
	secret   = "secret-contract"
	acmePath = "/v1/b2b/organizations/" + acmeID
)

// basePath is where setup serves the API. It is not empty, so that a request built from an
// absolute path instead of the client's base URL misses it and fails the test (go-github's
// /api-v3 trap).
const basePath = "/stytch-api"

// env is one test's server and a client of a project of its own.
type env struct {
	c       *client.Client
	ctx     context.Context
	project string
	// url is the base URL the client was given: the server's, with basePath.
	url string
	// mock is what the server serves under basePath, unless the test serves its own handler.
	mock *mockserver.Mock
	// conns counts the connections clients opened to the server.
	conns atomic.Int32

	backend atomic.Pointer[http.Handler]
}

// setup starts a server for the test, serving a fresh mock under basePath and failing the test
// on any request outside it, and returns a client of a new project id pointed at it, with retry
// waits of zero. opts are added to the client's options. Everything stops when the test ends;
// the test fails if a response of the mock broke openapi.yaml.
func setup(t *testing.T, opts ...client.Option) *env {
	t.Helper()
	mock, err := mockserver.NewMock()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{ctx: t.Context(), project: "project-test-" + uuid.NewString(), mock: mock}
	e.serve(mock)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.EscapedPath(), basePath+"/") {
			t.Errorf("a request outside the base path %s: %s %s", basePath, r.Method, r.URL.EscapedPath())
			http.Error(w, "outside the base path "+basePath, http.StatusNotFound)
			return
		}
		http.StripPrefix(basePath, *e.backend.Load()).ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			e.conns.Add(1)
		}
	}
	ts.Start()
	e.url = ts.URL + basePath
	e.c = e.newClient(t, e.project, secret, opts...)
	t.Cleanup(func() {
		e.c.Close()
		ts.Close()
		for _, err := range mock.ContractViolations() {
			t.Errorf("mockserver: a response broke openapi.yaml: %v", err)
		}
	})
	return e
}

// newClient returns another client of the server, for a project id and secret.
func (e *env) newClient(t *testing.T, project, secret string, opts ...client.Option) *client.Client {
	t.Helper()
	opts = append([]client.Option{client.WithBaseURL(e.url), client.WithRetryWaits(0, 0)}, opts...)
	c, err := client.New(project, secret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve makes the server answer with h instead of the mock (which h may wrap).
func (e *env) serve(h http.Handler) { e.backend.Store(&h) }

// seed loads testdata/contract_fixture.json into the test's project.
func (e *env) seed(t *testing.T) {
	t.Helper()
	f, err := mockserver.LoadFixture("testdata/contract_fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	e.seedFixture(t, f)
}

// seedFixture loads a fixture into the test's project, whatever project it names.
func (e *env) seedFixture(t *testing.T, f mockserver.Fixture) {
	t.Helper()
	f.ProjectID = e.project
	if err := e.mock.Seed(f); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// requests counts the requests with a method and path (without basePath) the mock recorded.
func (e *env) requests(method, path string) int {
	n := 0
	for _, r := range e.mock.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// sent runs call and returns how many requests with a method and path reached the mock.
func (e *env) sent(method, path string, call func()) int {
	before := e.requests(method, path)
	call()
	return e.requests(method, path) - before
}

// lastRequest is the last request the mock recorded.
func (e *env) lastRequest() mockserver.RecordedRequest {
	reqs := e.mock.Requests()
	return reqs[len(reqs)-1]
}

// inject adds a fault to the mock, for the test's project only.
func (e *env) inject(t *testing.T, f mockserver.Fault) {
	t.Helper()
	f.ProjectID = e.project
	if err := e.mock.InjectFault(f); err != nil {
		t.Fatal(err)
	}
}

// mustOK stops the test when a call that must succeed did not.
func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantAPIError checks that err matches sentinel and is a *client.Error with a status, an error
// type and everything the mock's error body carries, and returns it.
func wantAPIError(t *testing.T, err error, sentinel error, status int, errorType string) *client.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v does not match %v", err, sentinel)
	}
	var se *client.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v is not a *client.Error", err, err)
	}
	if se.StatusCode != status || se.ErrorType != errorType {
		t.Errorf("status %d, error type %q; want %d %q", se.StatusCode, se.ErrorType, status, errorType)
	}
	if !strings.HasPrefix(se.RequestID, "request-id-test-") {
		t.Errorf("RequestID %q does not start with request-id-test-", se.RequestID)
	}
	if se.ErrorMessage == "" {
		t.Error("ErrorMessage is empty")
	}
	if want := "https://stytch.com/docs/b2b/api/errors/"; !strings.HasPrefix(se.ErrorURL, want) || !strings.HasSuffix(se.ErrorURL, "#"+errorType) {
		t.Errorf("ErrorURL %q, want %s…#%s", se.ErrorURL, want, errorType)
	}
	return se
}

// wantRefused returns a check that a call was refused before sending with a
// *client.ValidationError, for a field and the error type Stytch would have answered.
func wantRefused[T any](t *testing.T, name, field, errorType string) func(T, error) {
	return func(_ T, err error) {
		t.Helper()
		var ve *client.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, client.ErrInvalidRequest) || errors.As(err, new(*client.Error)) {
			t.Errorf("%s: %v, want a *client.ValidationError matching ErrInvalidRequest", name, err)
		} else if ve.Field != field || ve.ErrorType != errorType {
			t.Errorf("%s: field %q type %q, want %q %q", name, ve.Field, ve.ErrorType, field, errorType)
		}
	}
}

// jsonOf is v's JSON encoding (map keys sorted), to compare values as the wire does.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffFields compares the fields of got (a struct or a pointer to one) that want names with
// want's values, by go-cmp, and returns the difference (-want +got): "" when they agree.
func diffFields(got any, want map[string]any) string {
	v := reflect.ValueOf(got)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return fmt.Sprintf("got a nil %s", v.Type())
		}
		v = v.Elem()
	}
	picked := make(map[string]any, len(want))
	for name := range want {
		if f := v.FieldByName(name); f.IsValid() {
			picked[name] = f.Interface()
		} else {
			picked[name] = fmt.Sprintf("(%s has no field %s)", v.Type(), name)
		}
	}
	return cmp.Diff(want, picked)
}

// serviceMethods lists every exported method of every service of the client, as
// "Service.Method", read from the Client's fields.
func serviceMethods() []string {
	var names []string
	client := reflect.TypeFor[client.Client]()
	for i := range client.NumField() {
		f := client.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer {
			continue
		}
		for j := range f.Type.NumMethod() {
			names = append(names, f.Type.Elem().Name()+"."+f.Type.Method(j).Name)
		}
	}
	return names
}
