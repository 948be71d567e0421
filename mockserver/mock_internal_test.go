package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func getPolicy(t *testing.T, m *Mock) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/v1/b2b/rbac/policy", nil)
	req.SetBasicAuth("project-test-internal", "secret")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %s", rec.Body.Bytes())
	}
	return rec.Code, body
}

// A response that breaks the spec is a bug in the mock: it is replaced by a 500 naming the
// broken rule and recorded, never sent.
func TestResponseThatBreaksTheSpecIsNeverSent(t *testing.T) {
	for name, tc := range map[string]struct {
		handler  http.HandlerFunc
		wantRule string
	}{
		"required field missing": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"request_id":"request-id-test-1"}`))
		}, "status_code"},
		"wrong type": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"request_id":"request-id-test-1","status_code":"200"}`))
		}, "status_code"},
		"undocumented status": {func(w http.ResponseWriter, r *http.Request) {
			writeError(w, "request-id-test-1", newError(http.StatusConflict, "conflict", "no such status in the spec"))
		}, "409"},
		"error body of the wrong shape": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"oops"}`))
		}, "error_type"},
		"not JSON": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(`ok`))
		}, "Content-Type"},
	} {
		t.Run(name, func(t *testing.T) {
			m := setup(t)
			m.routes["GET /v1/b2b/rbac/policy"] = tc.handler
			status, body := getPolicy(t, m)
			if status != 500 || body["error_type"] != "mock_response_invalid" {
				t.Fatalf("got %d %v, want 500 mock_response_invalid", status, body)
			}
			violations := m.ContractViolations()
			if len(violations) != 1 || !strings.Contains(violations[0].Error(), tc.wantRule) ||
				!strings.Contains(body["error_message"].(string), tc.wantRule) {
				t.Errorf("violations %v / message %q do not name %q", violations, body["error_message"], tc.wantRule)
			}
		})
	}
}

type fakeTB struct {
	errors, fatals []string
	cleanups       []func()
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
}

// Start fails the test that used a server whose responses broke the spec, and closes it.
func TestStartFailsTheTestOnContractViolations(t *testing.T) {
	tb := &fakeTB{}
	s := Start(tb)
	s.routes["GET /v1/b2b/rbac/policy"] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/b2b/rbac/policy", nil)
	req.SetBasicAuth("project-test-x", "y")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(tb.errors) != 0 {
		t.Fatalf("reported before cleanup: %v", tb.errors)
	}
	for _, fn := range tb.cleanups {
		fn()
	}
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "broke openapi.yaml") {
		t.Errorf("errors reported = %v", tb.errors)
	}
	if _, err := s.Client().Get(s.URL + "/__stytchmock/health"); err == nil {
		t.Errorf("the server still answers after cleanup")
	}
	ok := &fakeTB{}
	Start(ok)
	for _, fn := range ok.cleanups {
		fn()
	}
	if len(ok.errors)+len(ok.fatals) != 0 {
		t.Errorf("a clean server failed the test: %v %v", ok.errors, ok.fatals)
	}
	bad := &fakeTB{}
	Start(bad, WithCredentials("", ""))
	if len(bad.fatals) != 1 {
		t.Errorf("a server that cannot start must fail the test: %v", bad.fatals)
	}
}
