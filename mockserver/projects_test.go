package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/mockserver"
)

// The test controls are scoped by project id, so that tests sharing one server (one stytchmock
// process for parallel CI jobs) stay apart: a project's faults, reset and request log touch no
// other project.

const (
	projectA = "project-test-scope-a"
	projectB = "project-test-scope-b"
)

// asProject calls the Stytch API as project with its usual secret.
func asProject(t *testing.T, srv *mockserver.Server, project, method, path, body string) response {
	t.Helper()
	return send(t, srv, project, "secret-"+project, method, path, body)
}

func createIn(t *testing.T, srv *mockserver.Server, project, slug string) response {
	t.Helper()
	return asProject(t, srv, project, http.MethodPost, "/v1/b2b/organizations",
		`{"organization_name":"`+slug+`","organization_slug":"`+slug+`"}`)
}

func TestProjectFaultAppliesToItsProjectOnly(t *testing.T) {
	t.Parallel()
	for name, inject := range map[string]func(t *testing.T, srv *mockserver.Server){
		"InjectFault": func(t *testing.T, srv *mockserver.Server) {
			if err := srv.InjectFault(mockserver.Fault{ProjectID: projectA, Method: "POST", Path: "/v1/b2b/organizations", Status: 500, Times: 2}); err != nil {
				t.Fatal(err)
			}
		},
		"admin API": func(t *testing.T, srv *mockserver.Server) {
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults",
				`{"project_id":"`+projectA+`","method":"POST","path":"/v1/b2b/organizations","status":500,"times":2}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			inject(t, srv)
			expectStatus(t, createIn(t, srv, projectB, "b-first"), 200)
			expectStytchError(t, createIn(t, srv, projectA, "a-first"), 500, "internal_server_error")
			expectStatus(t, createIn(t, srv, projectB, "b-second"), 200)
			// A request naming A with a wrong secret is still A's: faults apply before
			// authentication, like a failing load balancer's.
			expectStytchError(t, send(t, srv, projectA, "wrong", http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"x"}`),
				500, "internal_server_error")
			expectStatus(t, createIn(t, srv, projectA, "a-second"), 200)

			// A fault without a project id applies to every project, and to requests naming none.
			if err := srv.InjectFault(mockserver.Fault{Path: "/v1/b2b/organizations/search", Status: 503, Times: 3}); err != nil {
				t.Fatal(err)
			}
			expectStytchError(t, asProject(t, srv, projectA, http.MethodPost, "/v1/b2b/organizations/search", `{}`), 503, "internal_server_error")
			expectStytchError(t, asProject(t, srv, projectB, http.MethodPost, "/v1/b2b/organizations/search", `{}`), 503, "internal_server_error")
			expectStytchError(t, send(t, srv, "", "", http.MethodPost, "/v1/b2b/organizations/search", `{}`), 503, "internal_server_error")
			if f := srv.PendingFaults(); len(f) != 0 {
				t.Errorf("faults left: %+v", f)
			}
		})
	}
}

func TestProjectResetLeavesOtherProjects(t *testing.T) {
	t.Parallel()
	for name, reset := range map[string]func(t *testing.T, srv *mockserver.Server){
		"ResetProject": func(_ *testing.T, srv *mockserver.Server) { srv.ResetProject(projectA) },
		"admin API": func(t *testing.T, srv *mockserver.Server) {
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset", `{"project_id":"`+projectA+`"}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			for _, p := range []string{projectA, projectB} {
				expectStatus(t, createIn(t, srv, p, "acme"), 200)
				if err := srv.InjectFault(mockserver.Fault{ProjectID: p, Path: "/v1/b2b/rbac/*", Status: 500}); err != nil {
					t.Fatal(err)
				}
			}
			if err := srv.InjectFault(mockserver.Fault{Path: "/v1/no-route", Status: 502}); err != nil {
				t.Fatal(err)
			}

			reset(t, srv)

			// A's organization, secret, fault and log are gone.
			a := send(t, srv, projectA, "a-new-secret", http.MethodGet, "/v1/b2b/organizations/acme", "")
			expectStytchError(t, a, 404, "organization_not_found")
			if a := send(t, srv, projectA, "a-new-secret", http.MethodGet, "/v1/b2b/rbac/policy", ""); a.status != 200 {
				t.Errorf("A's fault survived its reset: %d %s", a.status, a.body)
			}
			// B's are all there.
			expectStatus(t, asProject(t, srv, projectB, http.MethodGet, "/v1/b2b/organizations/acme", ""), 200)
			expectStytchError(t, send(t, srv, projectB, "b-new-secret", http.MethodGet, "/v1/b2b/organizations/acme", ""), 401, "unauthorized_credentials")
			faults := srv.PendingFaults()
			if len(faults) != 2 || faults[0].ProjectID != projectB || faults[1].ProjectID != "" {
				t.Errorf("faults after A's reset: %+v, want B's and the one of every project", faults)
			}
			for _, r := range srv.Requests() {
				if r.ProjectID == projectA && strings.Contains(r.Body, "acme") {
					t.Errorf("A's request from before the reset is still logged: %+v", r)
				}
			}
			if n := len(srv.ProjectRequests(projectB)); n != 3 {
				t.Errorf("B has %d requests logged, want 3", n)
			}
		})
	}
}

func TestProjectRequestLog(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatus(t, createIn(t, srv, projectA, "a1"), 200)
	expectStatus(t, createIn(t, srv, projectB, "b1"), 200)
	expectStatus(t, createIn(t, srv, projectA, "a2"), 200)
	send(t, srv, "", "", http.MethodGet, "/v1/b2b/organizations/a1", "")

	check := func(got []mockserver.RecordedRequest, want ...string) {
		t.Helper()
		var slugs []string
		for _, r := range got {
			var body struct {
				Slug string `json:"organization_slug"`
			}
			_ = json.Unmarshal([]byte(r.Body), &body)
			slugs = append(slugs, body.Slug)
		}
		if strings.Join(slugs, ",") != strings.Join(want, ",") {
			t.Errorf("requests %v, want %v", slugs, want)
		}
	}
	check(srv.ProjectRequests(projectA), "a1", "a2")
	check(srv.ProjectRequests(projectB), "b1")
	check(srv.Requests(), "a1", "b1", "a2", "")

	r := callAdmin(t, srv, http.MethodGet, "requests?project_id="+projectA, "")
	var logged []mockserver.RecordedRequest
	if r.status != 200 || json.Unmarshal(r.body, &logged) != nil {
		t.Fatalf("GET requests?project_id: %d %s", r.status, r.body)
	}
	check(logged, "a1", "a2")

	expectStatusOK(t, callAdmin(t, srv, http.MethodDelete, "requests?project_id="+projectA, ""))
	check(srv.ProjectRequests(projectA))
	check(srv.Requests(), "b1", "")
}

// The admin API says what is wrong with a project id, and never takes a missing one for
// "every project" where that would touch other tests.
func TestProjectAdminInput(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithCredentials("custom-project", "s"))
	for _, tc := range []struct {
		method, path, body string
		wantType           string
		wantInMessage      string
	}{
		{http.MethodPost, "reset", "", "invalid_project_id", "reset-all"},
		{http.MethodPost, "reset", `{}`, "invalid_project_id", "reset-all"},
		{http.MethodPost, "reset", `{"project_id":"project-test-"}`, "invalid_project_id", "project-test- or project-live-"},
		{http.MethodPost, "reset", `{"project_id":"` + projectA + `","extra":1}`, "bad_request", "extra"},
		{http.MethodPost, "reset?project_id=" + projectA, `{"project_id":"` + projectA + `"}`, "bad_request", "JSON body"},
		{http.MethodPost, "reset-all", `{"project_id":"` + projectA + `"}`, "bad_request", "project_id"},
		{http.MethodDelete, "faults", "", "invalid_project_id", "reset-all"},
		{http.MethodDelete, "requests", "", "invalid_project_id", "reset-all"},
		{http.MethodDelete, "requests?project_id=project-test-a%00b", "", "invalid_project_id", "project-test- or project-live-"},
		{http.MethodGet, "requests?project=" + projectA, "", "bad_request", "project_id"},
		{http.MethodGet, "requests?project_id=" + projectA + "&project_id=" + projectB, "", "bad_request", "once"},
		{http.MethodGet, "faults?project_id=%zz", "", "bad_request", "malformed"},
		{http.MethodPost, "faults", `{"project_id":"organization-test-x","status":500}`, "invalid_fault", "project-test- or project-live-"},
		{http.MethodPost, "sessions", `{"project_id":"project-test-` + strings.Repeat("x", 100) + `","member_id":"m","session_token":"t"}`, "invalid_project_id", "1 to 64"},
		{http.MethodPost, "fixtures", `{"project_id":"project-nope"}`, "invalid_project_id", "project-test- or project-live-"},
	} {
		e := expectStytchError(t, callAdmin(t, srv, tc.method, tc.path, tc.body), 400, tc.wantType)
		if !strings.Contains(e.ErrorMessage, tc.wantInMessage) {
			t.Errorf("%s %s: message %q does not mention %q", tc.method, tc.path, e.ErrorMessage, tc.wantInMessage)
		}
	}
	if err := srv.InjectFault(mockserver.Fault{ProjectID: "project-test-a b", Status: 500}); err == nil {
		t.Error("InjectFault took a malformed project id")
	}
	if f := srv.PendingFaults(); len(f) != 0 {
		t.Errorf("refused faults were kept: %+v", f)
	}
	// A pinned id may have any shape, and scopes like any other.
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "faults", `{"project_id":"custom-project","status":500}`))
	expectStytchError(t, send(t, srv, "custom-project", "s", http.MethodPost, "/v1/b2b/organizations/search", `{}`), 500, "internal_server_error")
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset", `{"project_id":"custom-project"}`))
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset-all", ""))
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset-all", "{}"))
}
