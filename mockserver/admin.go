package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/b2bkit/stytchorgs"
)

// AdminPrefix is the path prefix of the mock's admin API. Stytch's paths all start with /v1/,
// so it cannot collide with them.
//
//	GET    /__stytchmock/health        {"status": "ok"}
//	POST   /__stytchmock/reset         forget all state, learned secrets, faults and the request log
//	POST   /__stytchmock/fixtures      seed a Fixture (JSON body); nothing is kept if it fails
//	POST   /__stytchmock/sessions      add a member session: {"project_id", "member_id", "session_token", "session_jwt"}
//	GET    /__stytchmock/faults        the faults not yet used up
//	POST   /__stytchmock/faults        inject a Fault (JSON body; latency in nanoseconds or as "250ms")
//	DELETE /__stytchmock/faults        remove every fault
//	GET    /__stytchmock/requests      the request log, oldest first
//	DELETE /__stytchmock/requests      clear the request log
//	GET    /__stytchmock/violations    responses that broke openapi.yaml (bugs in the mock)
//	GET    /__stytchmock/openapi.yaml  the spec the mock validates against
//	GET    /__stytchmock/docs          an HTML reference of that spec (see WithAPIReference)
//
// The admin API takes no credentials; answer errors are Stytch-shaped like the API's.
const AdminPrefix = "/__stytchmock/"

func (m *Mock) serveAdmin(w http.ResponseWriter, r *http.Request) {
	requestID := "request-id-test-" + m.newUUID()
	fail := func(status int, errorType, format string, args ...any) {
		writeError(w, requestID, newError(status, errorType, format, args...))
	}
	ok := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	decode := func(v any) bool {
		body, tooLarge, err := readBody(r, maxBodyBytes)
		if tooLarge {
			fail(http.StatusRequestEntityTooLarge, "request_too_large", "The request body is larger than %d bytes.", maxBodyBytes)
			return false
		}
		if err == nil {
			err = decodeStrict(body, v)
		}
		if err != nil {
			fail(http.StatusBadRequest, "bad_request", "The request body is not valid JSON for this endpoint: %v", err)
			return false
		}
		return true
	}
	status := map[string]string{"status": "ok"}

	switch route := r.Method + " " + strings.TrimPrefix(r.URL.Path, AdminPrefix); route {
	case "GET health":
		ok(status)
	case "POST reset":
		m.Reset()
		ok(status)
	case "POST fixtures":
		var f Fixture
		if !decode(&f) {
			return
		}
		if err := m.Seed(f); err != nil {
			fail(http.StatusBadRequest, "invalid_fixture", "%v", err)
			return
		}
		ok(status)
	case "POST sessions":
		var s struct {
			ProjectID    string `json:"project_id"`
			MemberID     string `json:"member_id"`
			SessionToken string `json:"session_token"`
			SessionJWT   string `json:"session_jwt"`
		}
		if !decode(&s) {
			return
		}
		if err := m.AddSession(s.ProjectID, s.MemberID, s.SessionToken, s.SessionJWT); err != nil {
			e := asAPIError(err)
			fail(e.Status, e.Type, "%s", e.Message)
			return
		}
		ok(status)
	case "GET faults":
		ok(nonNilSlice(m.PendingFaults()))
	case "POST faults":
		var f faultJSON
		if !decode(&f) {
			return
		}
		fault, err := f.fault()
		if err == nil {
			err = m.InjectFault(fault)
		}
		if err != nil {
			fail(http.StatusBadRequest, "invalid_fault", "%v", err)
			return
		}
		ok(status)
	case "DELETE faults":
		m.faults.clear()
		ok(status)
	case "GET requests":
		w.Header().Set("Content-Type", "application/json")
		_ = writeJSON(w, m.Requests())
	case "DELETE requests":
		m.log.clear()
		ok(status)
	case "GET violations":
		errs := m.ContractViolations()
		out := make([]string, len(errs))
		for i, err := range errs {
			out[i] = err.Error()
		}
		ok(out)
	case "GET openapi.yaml":
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(stytchorgs.OpenAPISpec())
	case "GET docs":
		if m.reference == nil {
			fail(http.StatusNotFound, "route_not_found", "This mock serves no API reference page: the stytchmock command does (mockserver.WithAPIReference), or build one with bash scripts/docs.")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(m.reference)
	default:
		fail(http.StatusNotFound, "route_not_found", "No admin route matches %s %s.", r.Method, r.URL.Path)
	}
}

// faultJSON is a Fault as the admin API takes it: latency as a number of nanoseconds or as a
// duration string such as "250ms".
type faultJSON struct {
	Fault
	Latency json.RawMessage `json:"latency,omitempty"`
}

func (f faultJSON) fault() (Fault, error) {
	out := f.Fault
	if len(f.Latency) == 0 {
		return out, nil
	}
	var s string
	if json.Unmarshal(f.Latency, &s) == nil {
		d, err := parseDuration(s)
		if err != nil {
			return out, err
		}
		out.Latency = d
		return out, nil
	}
	if err := json.Unmarshal(f.Latency, &out.Latency); err != nil {
		return out, fmt.Errorf("latency must be nanoseconds or a duration such as \"250ms\": %w", err)
	}
	return out, nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
