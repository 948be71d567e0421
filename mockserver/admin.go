package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs"
)

// AdminPrefix is the path prefix of the mock's admin API. Stytch's paths all start with /v1/,
// so it cannot collide with them.
//
//	GET    /__stytchmock/health                 {"status": "ok"}
//	POST   /__stytchmock/reset                  forget one project: {"project_id": "…"}; its state, learned secret, faults and requests
//	POST   /__stytchmock/reset-all              forget every project, every fault and the whole request log
//	POST   /__stytchmock/fixtures               seed a Fixture (JSON body, with its project_id); nothing is kept if it fails
//	POST   /__stytchmock/sessions               add a member session: {"project_id", "member_id", "session_token", "session_jwt"}
//	GET    /__stytchmock/faults[?project_id=…]  the faults not yet used up: of the project, or all
//	POST   /__stytchmock/faults                 inject a Fault (JSON body; latency in nanoseconds or as "250ms")
//	DELETE /__stytchmock/faults?project_id=…    remove the project's faults
//	GET    /__stytchmock/requests[?project_id=…] the request log, oldest first: the project's, or all
//	DELETE /__stytchmock/requests?project_id=…  remove the project's requests from the log
//	GET    /__stytchmock/violations             responses that broke openapi.yaml (bugs in the mock)
//	GET    /__stytchmock/openapi.yaml           the spec the mock validates against
//	GET    /__stytchmock/docs                   an HTML reference of that spec (see WithAPIReference)
//
// Tests that share one mock stay apart by project id, and so do their controls: project_id is
// in the JSON body of a POST and in the query string of a GET or DELETE. An endpoint that
// changes state acts on the named project only and refuses a request that names none; only
// reset-all acts on every project. A fault without a project_id applies to every project's
// requests, and goes when it is used up or at reset-all.
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
	// decode reads the JSON body into v; emptyOK lets an empty body stand for {}.
	decode := func(v any, emptyOK bool) bool {
		body, tooLarge, err := readBody(r, maxBodyBytes)
		if tooLarge {
			fail(http.StatusRequestEntityTooLarge, "request_too_large", "The request body is larger than %d bytes.", maxBodyBytes)
			return false
		}
		if err == nil && !(emptyOK && len(bytes.TrimSpace(body)) == 0) {
			err = decodeStrict(body, v)
		}
		if err != nil {
			fail(http.StatusBadRequest, "bad_request", "The request body is not valid JSON for this endpoint: %v", err)
			return false
		}
		return true
	}
	// checkProject fails the request unless id can name a project; required says the endpoint
	// acts on one project, so that leaving the id out never acts on all of them.
	checkProject := func(id string, required bool) bool {
		switch {
		case id == "" && required:
			fail(http.StatusBadRequest, "invalid_project_id", "%s %s acts on one project: name it with project_id (in the query of a GET or DELETE, in the JSON body of a POST). POST %sreset-all forgets every project.",
				r.Method, r.URL.Path, AdminPrefix)
			return false
		case id != "" && !m.creds.wellFormed(id):
			fail(http.StatusBadRequest, "invalid_project_id", "project_id: %s", projectIDRule)
			return false
		}
		return true
	}
	// query returns the project_id of a GET or DELETE; other query parameters are refused, so
	// that a misspelled project_id is not taken for "every project".
	query := func(required bool) (string, bool) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			fail(http.StatusBadRequest, "bad_request", "The query string is malformed: %v", err)
			return "", false
		}
		for k, v := range q {
			if k != "project_id" || len(v) > 1 {
				fail(http.StatusBadRequest, "bad_request", "The admin API takes one query parameter, project_id, once; not %q.", k)
				return "", false
			}
		}
		id := q.Get("project_id")
		return id, checkProject(id, required)
	}
	// A POST names its project in its JSON body, never in the query.
	if r.Method == http.MethodPost && r.URL.RawQuery != "" {
		fail(http.StatusBadRequest, "bad_request", "A POST to the admin API takes its input, project_id included, in its JSON body, not in the query string.")
		return
	}
	status := map[string]string{"status": "ok"}

	switch route := r.Method + " " + strings.TrimPrefix(r.URL.Path, AdminPrefix); route {
	case "GET health":
		ok(status)
	case "POST reset":
		var in struct {
			ProjectID string `json:"project_id"`
		}
		if !decode(&in, true) || !checkProject(in.ProjectID, true) {
			return
		}
		m.ResetProject(in.ProjectID)
		ok(status)
	case "POST reset-all":
		var in struct{}
		if !decode(&in, true) {
			return
		}
		m.ResetAll()
		ok(status)
	case "POST fixtures":
		var f Fixture
		if !decode(&f, false) || !checkProject(f.ProjectID, false) {
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
		if !decode(&s, false) || !checkProject(s.ProjectID, true) {
			return
		}
		if err := m.AddSession(s.ProjectID, s.MemberID, s.SessionToken, s.SessionJWT); err != nil {
			e := asAPIError(err)
			fail(e.Status, e.Type, "%s", e.Message)
			return
		}
		ok(status)
	case "GET faults":
		project, valid := query(false)
		if !valid {
			return
		}
		faults := m.PendingFaults()
		if project != "" {
			faults = slices.DeleteFunc(faults, func(f Fault) bool { return f.ProjectID != project })
		}
		ok(nonNilSlice(faults))
	case "POST faults":
		var f faultJSON
		if !decode(&f, false) {
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
		project, valid := query(true)
		if !valid {
			return
		}
		m.faults.clearProject(project)
		ok(status)
	case "GET requests":
		project, valid := query(false)
		if !valid {
			return
		}
		entries := m.Requests()
		if project != "" {
			entries = m.ProjectRequests(project)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = writeJSON(w, entries)
	case "DELETE requests":
		project, valid := query(true)
		if !valid {
			return
		}
		m.log.clearProject(project)
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
