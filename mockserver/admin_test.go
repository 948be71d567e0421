package mockserver_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of the admin API under /__stytchmock/, and of the credentials the mock accepts.

const (
	adminProject = "project-test-admin-0001"
	adminSecret  = "secret-admin"

	adminOrgID    = "organization-test-5a1e6c1f-0d55-4b8e-9d40-1f2e3d4c5b6a"
	adminMemberID = "member-test-7c0ffee0-1d2b-4c3d-8e4f-5a6b7c8d9e0f"
)

// adminOrgTotal counts the test project's organizations through the search API.
func adminOrgTotal(t *testing.T, srv *mockserver.Server) int {
	t.Helper()
	r := send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	var body api.OrganizationSearchResponse
	if r.status != 200 || json.Unmarshal(r.body, &body) != nil {
		t.Fatalf("search organizations: %d %s", r.status, r.body)
	}
	if int(body.ResultsMetadata.Total) != len(body.Organizations) {
		t.Fatalf("search: total %d but %d organizations", body.ResultsMetadata.Total, len(body.Organizations))
	}
	return len(body.Organizations)
}

// adminFixture is a valid fixture of the test project: a Connected App, a custom role in the
// project policy, and one organization with an admin member who authorized the app and has a
// session. extraOrgs is appended to the organizations (JSON objects, comma-separated).
func adminFixture(extraOrgs string) string {
	orgs := `{
		"organization_id": "` + adminOrgID + `",
		"organization_name": "Rollback First",
		"organization_slug": "rollback-first",
		"claimed_email_domains": ["rollback-first.com"],
		"members": [{
			"member_id": "` + adminMemberID + `",
			"email_address": "ada@rollback-first.com",
			"name": "Ada",
			"roles": ["stytch_admin"],
			"email_address_verified": true,
			"connected_apps": [{"connected_app_id": "connected-app-test-rollback", "scopes": ["openid"]}],
			"sessions": [{"session_token": "session-token-rollback"}]
		}]
	}`
	if extraOrgs != "" {
		orgs += "," + extraOrgs
	}
	return `{
		"project_id": "` + adminProject + `",
		"rbac_policy": {
			"roles": [{"role_id": "fixture-auditor", "description": "Reads members.",
				"permissions": [{"resource_id": "stytch.member", "actions": ["get", "search"]}]}],
			"resources": [],
			"scopes": []
		},
		"connected_apps": [{"connected_app_id": "connected-app-test-rollback", "name": "Rollback App", "client_type": "third_party"}],
		"organizations": [` + orgs + `]
	}`
}

func TestAdminHealth(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodGet, "health", ""))
	// The admin API ignores credentials, even wrong ones.
	expectStatusOK(t, send(t, srv, "project-nope", "", http.MethodGet, mockserver.AdminPrefix+"health", ""))
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("admin requests were logged: %+v", reqs)
	}
}

func TestAdminResetAll(t *testing.T) {
	t.Parallel()
	for name, reset := range map[string]func(t *testing.T, srv *mockserver.Server){
		"admin API": func(t *testing.T, srv *mockserver.Server) {
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset-all", ""))
		},
		"ResetAll method": func(_ *testing.T, srv *mockserver.Server) { srv.ResetAll() },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture("")))
			expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations",
				`{"organization_name":"Acme","organization_slug":"acme"}`), 200)
			if n := adminOrgTotal(t, srv); n != 2 {
				t.Fatalf("%d organizations before the reset, want 2", n)
			}
			if err := srv.InjectFault(mockserver.Fault{Path: "/v1/b2b/rbac/*", Status: 500}); err != nil {
				t.Fatal(err)
			}
			if len(srv.Requests()) == 0 || len(srv.PendingFaults()) != 1 {
				t.Fatalf("nothing to forget: %d requests, %d faults", len(srv.Requests()), len(srv.PendingFaults()))
			}

			reset(t, srv)

			if reqs, _ := loggedRequests(t, srv); len(reqs) != 0 {
				t.Errorf("request log after reset: %+v", reqs)
			}
			if f := srv.PendingFaults(); len(f) != 0 {
				t.Errorf("faults after reset: %+v", f)
			}
			// The learned secret is forgotten: another secret is now the project's.
			other := send(t, srv, adminProject, "a-new-secret", http.MethodPost, "/v1/b2b/organizations/search", `{}`)
			v := expectStatus(t, other, 200)
			if md, _ := v["results_metadata"].(map[string]any); md["total"] != 0.0 {
				t.Errorf("organizations after reset: %s", other.body)
			}
			expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/acme", ""), 401, "unauthorized_credentials")
			// The rbac fault is gone, and so is the fixture's custom role.
			pol := send(t, srv, adminProject, "a-new-secret", http.MethodGet, "/v1/b2b/rbac/policy", "")
			expectStatus(t, pol, 200)
			if bytes.Contains(pol.body, []byte("fixture-auditor")) {
				t.Errorf("the fixture's policy survived the reset: %s", pol.body)
			}
			for _, path := range []string{"/v1/b2b/organizations/acme", "/v1/b2b/organizations/" + adminOrgID} {
				r := send(t, srv, adminProject, "a-new-secret", http.MethodGet, path, "")
				expectStytchError(t, r, 404, "organization_not_found")
			}
			r := send(t, srv, adminProject, "a-new-secret", http.MethodGet, "/v1/b2b/organizations/members/dangerously_get/"+adminMemberID+"?include_deleted=true", "")
			expectStytchError(t, r, 404, "member_not_found")
			// The fixture can be seeded again: its fixed ids and slugs are free.
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture("")))
		})
	}
}

func TestAdminFixturesSeed(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture(`{"organization_name": "Second", "organization_slug": "second"}`)))
	if n := adminOrgTotal(t, srv); n != 2 {
		t.Fatalf("%d organizations, want 2", n)
	}
	r := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/"+adminOrgID+"/member?member_id="+adminMemberID, "")
	var m api.MemberResponse
	if expectStatus(t, r, 200); json.Unmarshal(r.body, &m) != nil {
		t.Fatalf("member: %s", r.body)
	}
	if m.Member.MemberID != adminMemberID || m.Organization.OrganizationSlug != "rollback-first" ||
		!m.Member.EmailAddressVerified || !m.Member.IsAdmin {
		t.Errorf("member = %+v", m.Member)
	}
	// The fixture's session authorizes requests as the member.
	r = send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/"+adminOrgID+"/connected_apps", "",
		"X-Stytch-Member-Session", "session-token-rollback")
	expectStatus(t, r, 200)
	if !bytes.Contains(r.body, []byte("connected-app-test-rollback")) {
		t.Errorf("connected apps: %s", r.body)
	}
	pol := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/rbac/policy", "")
	if expectStatus(t, pol, 200); !bytes.Contains(pol.body, []byte("fixture-auditor")) {
		t.Errorf("the fixture's role is not in the policy: %s", pol.body)
	}
	// Seeding the same fixture again breaks its fixed ids: refused, and the first stays.
	expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture("")), 400, "invalid_fixture")
	if n := adminOrgTotal(t, srv); n != 2 {
		t.Fatalf("%d organizations after a refused fixture, want 2", n)
	}
}

func TestAdminFixturesRejectedLeaveNothing(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ body, wantType string }{
		"not JSON":          {`{"project_id": "` + adminProject + `", "organizations": [`, "bad_request"},
		"empty body":        {``, "bad_request"},
		"unknown field":     {strings.Replace(adminFixture(""), `"connected_apps"`, `"organisations": [], "connected_apps"`, 1), "bad_request"},
		"unknown in member": {strings.Replace(adminFixture(""), `"name": "Ada"`, `"name": "Ada", "email_verified": true`, 1), "bad_request"},
		"wrong type":        {strings.Replace(adminFixture(""), `"email_address_verified": true`, `"email_address_verified": "yes"`, 1), "bad_request"},
		"no project id":     {strings.Replace(adminFixture(""), `"project_id": "`+adminProject+`",`, ``, 1), "invalid_fixture"},
		"duplicate slug":    {adminFixture(`{"organization_name": "Dup", "organization_slug": "rollback-first"}`), "invalid_fixture"},
		"claimed domain":    {adminFixture(`{"organization_name": "Claimer", "claimed_email_domains": ["rollback-first.com"]}`), "invalid_fixture"},
		"invalid enum":      {adminFixture(`{"organization_name": "Enum", "mfa_policy": "SOMETIMES"}`), "invalid_fixture"},
		"bad member": {adminFixture(`{"organization_name": "Members", "members": [
			{"email_address": "grace@members.com"},
			{"email_address": "grace@members.com"}]}`), "invalid_fixture"},
		"unknown app grant": {adminFixture(`{"organization_name": "Grants", "members": [
			{"email_address": "grace@grants.com", "connected_apps": [{"connected_app_id": "connected-app-test-nope", "scopes": []}]}]}`), "invalid_fixture"},
		"unknown role": {adminFixture(`{"organization_name": "Roles", "members": [
			{"email_address": "grace@roles.com", "roles": ["no-such-role"]}]}`), "invalid_fixture"},
		"empty session": {adminFixture(`{"organization_name": "Sessions", "members": [
			{"email_address": "grace@sessions.com", "sessions": [{}]}]}`), "invalid_fixture"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := mockserver.Start(t)
			expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", tc.body), 400, tc.wantType)

			if n := adminOrgTotal(t, srv); n != 0 {
				t.Fatalf("%d organizations after a refused fixture, want 0", n)
			}
			expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/"+adminOrgID, ""), 404, "organization_not_found")
			expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet,
				"/v1/b2b/organizations/members/dangerously_get/"+adminMemberID+"?include_deleted=true", ""), 404, "member_not_found")
			pol := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/rbac/policy", "")
			if expectStatus(t, pol, 200); bytes.Contains(pol.body, []byte("fixture-auditor")) {
				t.Errorf("the refused fixture's role stayed in the policy: %s", pol.body)
			}
			// The Connected App is gone: a member cannot authorize it.
			grant := `{"project_id": "` + adminProject + `", "organizations": [{"organization_name": "Probe", "members": [
				{"email_address": "probe@probe.com", "connected_apps": [{"connected_app_id": "connected-app-test-rollback", "scopes": []}]}]}]}`
			e := expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", grant), 400, "invalid_fixture")
			if !strings.Contains(e.ErrorMessage, "connected_app_not_found") {
				t.Errorf("a grant of the refused fixture's app: %s", e.ErrorMessage)
			}
			// The slug and the claimed domain are free again.
			expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations",
				`{"organization_name":"Again","organization_slug":"rollback-first","claimed_email_domains":["rollback-first.com"]}`), 200)
			// And the whole fixture applies now.
			srv.ResetAll()
			expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture("")))
		})
	}
}

// An admin request body is one JSON value; data after it makes the body invalid JSON.
func TestAdminRejectsTrailingData(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	fixture := `{"project_id": "` + adminProject + `", "organizations": [{"organization_name": "Trailing", "organization_slug": "trailing"}]}`
	expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", fixture+"}"), 400, "bad_request")
	expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", fixture+` {"project_id": "project-test-other"}`), 400, "bad_request")
	if n := adminOrgTotal(t, srv); n != 0 {
		t.Errorf("%d organizations after refused fixtures, want 0", n)
	}
	expectStytchError(t, callAdmin(t, srv, http.MethodPost, "faults", `{"status": 500}}`), 400, "bad_request")
	if f := srv.PendingFaults(); len(f) != 0 {
		t.Errorf("PendingFaults() = %+v after a refused fault", f)
	}
	// Trailing whitespace is fine.
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", fixture+"\n"))
}

// The request log keeps the latest requests that fit its byte budget, oldest dropped first.
func TestRequestLogBudgetKeepsTheLatest(t *testing.T) {
	t.Parallel()
	const budget = 64 << 10
	srv := mockserver.Start(t, mockserver.WithRequestLogBytes(budget))
	name := strings.Repeat("n", 4000)
	const sent = 100
	for i := range sent {
		body := fmt.Sprintf(`{"organization_name":"%s","organization_slug":"slug-%d"}`, name, i)
		send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", body)
	}
	reqs := srv.Requests()
	// Each entry holds a 4 KB body: the budget holds fewer than 16 of them, and more than a few.
	if len(reqs) < 8 || len(reqs) >= 16 {
		t.Fatalf("the log holds %d of %d requests of 4 KB each under a %d-byte budget", len(reqs), sent, budget)
	}
	for i, r := range reqs {
		want := fmt.Sprintf(`"organization_slug":"slug-%d"`, sent-len(reqs)+i)
		if !strings.Contains(r.Body, want) || r.BodyTruncated {
			t.Fatalf("requests[%d] of %d is not the request with %s: %.80s…", i, len(reqs), want, r.Body)
		}
	}
	if logged, _ := loggedRequests(t, srv); len(logged) != len(reqs) {
		t.Errorf("GET requests has %d entries, Requests() %d", len(logged), len(reqs))
	}
}

// A body larger than the whole budget is cut to fit, and says so.
func TestRequestLogBudgetTruncatesABodyTooLargeAlone(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithRequestLogBytes(16<<10))
	body := `{"organization_name":"` + strings.Repeat("é", 50000) + `"}`
	send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", body)
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("the log holds %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if !r.BodyTruncated || len(r.Body) == 0 || len(r.Body) > 16<<10 || !strings.HasPrefix(body, r.Body) || !utf8.ValidString(r.Body) {
		t.Errorf("body_truncated %v, %d of %d bytes kept (valid UTF-8: %v); want the start of the body, under 16 KB",
			r.BodyTruncated, len(r.Body), len(body), utf8.ValidString(r.Body))
	}
	if r.Status != 400 || r.OperationID != "createOrganization" {
		t.Errorf("entry = %d %s", r.Status, r.OperationID)
	}
}

func TestRequestLogBudgetZeroKeepsNothing(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithRequestLogBytes(0))
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`), 200)
	if reqs, raw := loggedRequests(t, srv); len(reqs) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("a log with no budget holds %s", raw)
	}
	if _, err := mockserver.New(mockserver.WithRequestLogBytes(-1)); err == nil {
		t.Error("WithRequestLogBytes(-1) was accepted")
	}
}

// A request refused before it was routed and authenticated leaves no body in the log: anyone
// can send those, and their bodies are no one's business.
func TestRequestLogKeepsNoBodyOfRefusedRequests(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	body := `{"organization_name":"Kept only when authenticated"}`
	send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"First"}`) // learns the secret
	for _, tc := range []struct {
		user, secret, path string
		wantStatus         int
	}{
		{adminProject, adminSecret, "/v1/no-such-route", 404},
		{"", "", "/v1/b2b/organizations", 401},
		{adminProject, "wrong-secret", "/v1/b2b/organizations", 401},
		{"project-nope", "s", "/v1/b2b/organizations", 401},
	} {
		expectStatus(t, send(t, srv, tc.user, tc.secret, http.MethodPost, tc.path, body), tc.wantStatus)
	}
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", body), 200)

	reqs := srv.Requests()
	if len(reqs) != 6 {
		t.Fatalf("the log holds %d requests, want 6", len(reqs))
	}
	for i, r := range reqs[1:5] {
		if r.Body != "" {
			t.Errorf("refused request %d (%d %s) kept its body %q", i, r.Status, r.Path, r.Body)
		}
	}
	if reqs[5].Body != body {
		t.Errorf("the authenticated request kept %q, want its body", reqs[5].Body)
	}
}

// Nor is the body of such a request read: refusing it costs no memory for its body.
func TestRefusedRequestBodiesAreNotRead(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, tc := range []struct {
		name, path, user string
		wantStatus       int
	}{
		{"unknown route", "/v1/no-such-route", adminProject, 404},
		{"wrong method", "/v1/b2b/rbac/policy", adminProject, 405},
		{"no credentials", "/v1/b2b/organizations", "", 401},
		{"not a project id", "/v1/b2b/organizations", "project-nope", 401},
	} {
		body := &watchedBody{}
		req := httptest.NewRequest(http.MethodPost, tc.path, body)
		req.ContentLength = -1
		if tc.user != "" {
			req.SetBasicAuth(tc.user, adminSecret)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != tc.wantStatus || body.read {
			t.Errorf("%s: %d (want %d), body read: %v", tc.name, rec.Code, tc.wantStatus, body.read)
		}
	}
}

// watchedBody is a request body that records whether it was read.
type watchedBody struct{ read bool }

func (b *watchedBody) Read([]byte) (int, error) {
	b.read = true
	return 0, io.EOF
}

// GET /__stytchmock/requests streams the log an entry at a time: serving a large log never
// builds the whole answer in memory.
func TestAdminRequestsStreamsTheLog(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithRequestLogBytes(16<<20))
	body := `{"organization_name":"` + strings.Repeat("x", 200_000) + `"}`
	for range 20 {
		send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", body)
	}
	w := &largestWrite{ResponseRecorder: httptest.NewRecorder()}
	srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+mockserver.AdminPrefix+"requests", nil))
	var entries []mockserver.RecordedRequest
	if err := json.Unmarshal(w.Body.Bytes(), &entries); err != nil || len(entries) != 20 {
		t.Fatalf("GET requests: %d entries, %v", len(entries), err)
	}
	if w.largest > 2*len(body) {
		t.Errorf("one write of %d bytes for a log of %d bytes; want no write much larger than one entry (%d bytes)",
			w.largest, w.Body.Len(), len(body))
	}
}

// largestWrite records the size of the largest Write.
type largestWrite struct {
	*httptest.ResponseRecorder
	largest int
}

func (w *largestWrite) Write(b []byte) (int, error) {
	w.largest = max(w.largest, len(b))
	return w.ResponseRecorder.Write(b)
}

func TestAdminFixturesBodyTooLarge(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	big := `{"project_id": "` + adminProject + `", "organizations": [{"organization_name": "` + strings.Repeat("a", 1<<20) + `"}]}`
	expectStytchError(t, callAdmin(t, srv, http.MethodPost, "fixtures", big), 413, "request_too_large")
	if n := adminOrgTotal(t, srv); n != 0 {
		t.Fatalf("%d organizations, want 0", n)
	}
}

func TestAdminSessions(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "fixtures", adminFixture("")))
	path := "/v1/b2b/organizations/" + adminOrgID + "/connected_apps"

	expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, path, "", "X-Stytch-Member-Session", "session-token-new"), 404, "session_not_found")
	expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, path, "", "X-Stytch-Member-SessionJWT", "eyJ.new.jwt"), 404, "session_not_found")

	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "sessions", `{"project_id": "`+adminProject+`", "member_id": "`+adminMemberID+`",
		"session_token": "session-token-new", "session_jwt": "eyJ.new.jwt"}`))
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodGet, path, "", "X-Stytch-Member-Session", "session-token-new"), 200)
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodGet, path, "", "X-Stytch-Member-SessionJWT", "eyJ.new.jwt"), 200)

	// The session belongs to its project alone.
	other := send(t, srv, "project-test-admin-other", "s", http.MethodGet, path, "", "X-Stytch-Member-Session", "session-token-new")
	expectStytchError(t, other, 404, "session_not_found")

	for name, tc := range map[string]struct {
		body       string
		wantStatus int
		wantType   string
	}{
		"unknown member":  {`{"project_id": "` + adminProject + `", "member_id": "member-test-nope", "session_token": "x"}`, 404, "member_not_found"},
		"other project":   {`{"project_id": "project-test-admin-other", "member_id": "` + adminMemberID + `", "session_token": "x"}`, 404, "member_not_found"},
		"no token or jwt": {`{"project_id": "` + adminProject + `", "member_id": "` + adminMemberID + `"}`, 400, "invalid_session"},
		"unknown field":   {`{"project_id": "` + adminProject + `", "member_id": "` + adminMemberID + `", "token": "x"}`, 400, "bad_request"},
		"not JSON":        {`{"project_id"`, 400, "bad_request"},
	} {
		t.Run(name, func(t *testing.T) {
			expectStytchError(t, callAdmin(t, srv, http.MethodPost, "sessions", tc.body), tc.wantStatus, tc.wantType)
		})
	}
	expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, path, "", "X-Stytch-Member-Session", "x"), 404, "session_not_found")
}

func TestAdminRequestsLog(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	created := send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Logged","organization_slug":"logged"}`,
		"X-Test-Header", "kept")
	cv := expectStatus(t, created, 200)
	missing := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/nope?x=1", "")
	mv := expectStatus(t, missing, 404)
	expectStatusOK(t, callAdmin(t, srv, http.MethodGet, "health", ""))

	reqs, raw := loggedRequests(t, srv)
	if len(reqs) != 2 {
		t.Fatalf("GET requests has %d entries, want 2 (admin requests are not logged): %s", len(reqs), raw)
	}
	for _, secret := range []string{adminSecret, "Basic "} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the request log shows %q: %s", secret, raw)
		}
	}
	c, m := reqs[0], reqs[1]
	// Time, Duration and Header are checked apart: they are not known in advance.
	byValue := cmpopts.IgnoreFields(mockserver.RecordedRequest{}, "Time", "Duration", "Header")
	want := mockserver.RecordedRequest{Method: http.MethodPost, Path: "/v1/b2b/organizations", Status: 200, OperationID: "createOrganization",
		ProjectID: adminProject, RequestID: cv["request_id"].(string), Body: `{"organization_name":"Logged","organization_slug":"logged"}`}
	if diff := cmp.Diff(want, c, byValue); diff != "" || c.Time.IsZero() || c.Duration <= 0 || c.Header.Get("X-Test-Header") != "kept" {
		t.Errorf("requests[0] (-want +got):\n%s\ntime %v, duration %v, header %v", diff, c.Time, c.Duration, c.Header)
	}
	want = mockserver.RecordedRequest{Method: http.MethodGet, Path: "/v1/b2b/organizations/nope", RawQuery: "x=1", Status: 404,
		ErrorType: "organization_not_found", RequestID: mv["request_id"].(string), OperationID: "getOrganization", ProjectID: adminProject}
	if diff := cmp.Diff(want, m, byValue); diff != "" {
		t.Errorf("requests[1] (-want +got):\n%s", diff)
	}
	if !m.Time.After(c.Time) && !m.Time.Equal(c.Time) {
		t.Errorf("requests out of order: %v then %v", c.Time, m.Time)
	}
	if got := srv.Requests(); len(got) != 2 || got[0].RequestID != c.RequestID || got[0].Header.Get("Authorization") != mockserver.Redacted {
		t.Errorf("Requests() = %+v", got)
	}

	expectStatusOK(t, callAdmin(t, srv, http.MethodDelete, "requests?project_id="+adminProject, ""))
	if reqs, raw := loggedRequests(t, srv); len(reqs) != 0 || strings.TrimSpace(string(raw)) != "[]" {
		t.Fatalf("GET requests after DELETE: %s", raw)
	}
	if got := srv.Requests(); len(got) != 0 {
		t.Fatalf("Requests() after DELETE: %+v", got)
	}
	// State is untouched by clearing the log.
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/logged", ""), 200)
	if reqs, _ := loggedRequests(t, srv); len(reqs) != 1 {
		t.Fatalf("the log does not record again after DELETE: %+v", reqs)
	}
}

// Every header that carries a credential is in the log by name, its value replaced.
func TestRequestLogRedactsCredentials(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	credentials := map[string]string{
		"X-Stytch-Member-Session":    "session-token-rollback",
		"X-Stytch-Member-SessionJWT": "eyJhbGciOiJSUzI1NiJ9.secret-claims.signature",
		"Cookie":                     "stytch_session=cookie-secret",
		"Proxy-Authorization":        "Basic cHJveHk6cHJveHktc2VjcmV0",
		"X-Api-Key":                  "api-key-secret",
		"X-Auth-Token":               "auth-token-secret",
	}
	var headers []string
	for k, v := range credentials {
		headers = append(headers, k, v)
	}
	headers = append(headers, "X-Request-Tag", "kept-value")
	// An operation that reads no session header: the values need not be valid.
	expectStatus(t, send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`, headers...), 200)

	reqs, raw := loggedRequests(t, srv)
	for _, secret := range append(mapValues(credentials), adminSecret, "Basic ") {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("GET requests shows %q: %s", secret, raw)
		}
	}
	for _, got := range [][]mockserver.RecordedRequest{reqs, srv.Requests()} {
		h := got[len(got)-1].Header
		for name := range credentials {
			if v := h.Values(name); len(v) != 1 || v[0] != mockserver.Redacted {
				t.Errorf("%s logged as %q, want [%s]", name, v, mockserver.Redacted)
			}
		}
		if v := h.Get("Authorization"); v != mockserver.Redacted {
			t.Errorf("Authorization logged as %q", v)
		}
		if v := h.Get("X-Request-Tag"); v != "kept-value" {
			t.Errorf("X-Request-Tag logged as %q, want it kept", v)
		}
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestAdminViolationsEmpty(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"V"}`)
	send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/nope", "")
	send(t, srv, adminProject, adminSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":`)
	r := callAdmin(t, srv, http.MethodGet, "violations", "")
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("GET violations: %d %s, want 200 []", r.status, r.body)
	}
	if got := srv.ContractViolations(); len(got) != 0 {
		t.Fatalf("ContractViolations() = %v", got)
	}
}

func TestAdminOpenAPISpec(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	r := callAdmin(t, srv, http.MethodGet, "openapi.yaml", "")
	if r.status != 200 {
		t.Fatalf("GET openapi.yaml: %d", r.status)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q, want application/yaml", ct)
	}
	if !bytes.Equal(r.body, stytchorgs.OpenAPISpec()) {
		t.Errorf("the served spec (%d bytes) is not openapi.yaml (%d bytes)", len(r.body), len(stytchorgs.OpenAPISpec()))
	}
	if !bytes.HasPrefix(r.body, []byte("openapi: 3.")) {
		t.Errorf("the served spec starts %q", r.body[:min(len(r.body), 40)])
	}
}

func TestAdminAPIReference(t *testing.T) {
	t.Parallel()
	// Without WithAPIReference there is no page, and the 404 says where to get one.
	r := callAdmin(t, mockserver.Start(t), http.MethodGet, "docs", "")
	if r.status != 404 || !strings.Contains(string(r.body), "scripts/docs") {
		t.Fatalf("GET docs without a page: %d %s", r.status, r.body)
	}
	page := []byte("<!DOCTYPE html><title>reference</title>")
	r = callAdmin(t, mockserver.Start(t, mockserver.WithAPIReference(page)), http.MethodGet, "docs", "")
	if r.status != 200 || !bytes.Equal(r.body, page) || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET docs: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestAdminUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "nope"},
		{http.MethodGet, ""},
		{http.MethodPost, "reset-everything"},
		{http.MethodGet, "health/"},
		{http.MethodGet, "HEALTH"},
	} {
		r := callAdmin(t, srv, tc.method, tc.path, "")
		e := expectStytchError(t, r, 404, "route_not_found")
		if !strings.Contains(e.ErrorMessage, tc.method) || !strings.Contains(e.ErrorMessage, mockserver.AdminPrefix+tc.path) {
			t.Errorf("%s %s: error_message %q does not name the route", tc.method, tc.path, e.ErrorMessage)
		}
	}
}

// A known admin path with the wrong method is a 405 that says, in Allow and in words, which
// methods the path takes; nothing else happens.
func TestAdminWrongMethod(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	if err := srv.InjectFault(mockserver.Fault{Status: 500, Path: "/v1/none"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "health", "GET"},
		{http.MethodGet, "reset", "POST"},
		{http.MethodDelete, "reset-all", "POST"},
		{http.MethodPut, "faults", "DELETE, GET, POST"},
		{http.MethodGet, "fixtures", "POST"},
		{http.MethodPost, "requests", "DELETE, GET"},
		{http.MethodDelete, "violations", "GET"},
		{http.MethodPatch, "sessions", "POST"},
	} {
		r := callAdmin(t, srv, tc.method, tc.path, "")
		e := expectStytchError(t, r, 405, "method_not_allowed")
		if got := r.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
		if !strings.Contains(e.ErrorMessage, tc.method) || !strings.Contains(e.ErrorMessage, mockserver.AdminPrefix+tc.path) {
			t.Errorf("%s %s: error_message %q does not name the request", tc.method, tc.path, e.ErrorMessage)
		}
	}
	if len(srv.PendingFaults()) != 1 {
		t.Errorf("a refused admin request changed the faults: %+v", srv.PendingFaults())
	}
}

// --- Credentials ---

func TestCredsLearnFirstSecret(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	search := func(project, secret string) response {
		return send(t, srv, project, secret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	}
	expectStatus(t, search("project-test-creds", "first"), 200)
	e := expectStytchError(t, search("project-test-creds", "second"), 401, "unauthorized_credentials")
	if !strings.HasPrefix(e.RequestID, "request-id-test-") {
		t.Errorf("request_id = %q", e.RequestID)
	}
	expectStatus(t, search("project-test-creds", "first"), 200)

	// Each project id learns its own secret.
	expectStatus(t, search("project-test-creds-2", "second"), 200)
	expectStatus(t, search("project-live-creds", "third"), 200)
	expectStytchError(t, search("project-live-creds", "first"), 401, "unauthorized_credentials")

	// A refused secret is not learned.
	expectStytchError(t, search("project-test-creds", "second"), 401, "unauthorized_credentials")
	expectStatus(t, search("project-test-creds", "first"), 200)
}

func TestCredsRefused(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for name, pair := range map[string][2]string{
		"empty secret":        {"project-test-creds", ""},
		"not a project id":    {"project-creds", "s"},
		"other prefix":        {"organization-test-creds", "s"},
		"capitalized":         {"Project-test-creds", "s"},
		"empty project id":    {"", "s"},
		"prefix only, other":  {"project-staging-creds", "s"},
		"test prefix no dash": {"project-testcreds", "s"},
		"empty suffix":        {"project-test-", "s"},
		"NUL byte":            {"project-test-a\x00b", "s"},
		"space":               {"project-test-a b", "s"},
		"slash":               {"project-test-a/b", "s"},
		"dot":                 {"project-test-a.b", "s"},
		"unicode":             {"project-test-ünïcode", "s"},
		"65-character suffix": {"project-test-" + strings.Repeat("a", 65), "s"},
		"16 KB":               {"project-test-" + strings.Repeat("a", 16<<10), "s"},
	} {
		r := send(t, srv, pair[0], pair[1], http.MethodPost, "/v1/b2b/organizations/search", `{}`)
		if r.status != 401 {
			t.Errorf("%s: got %d, want 401: %.200s", name, r.status, r.body)
			continue
		}
		e := expectStytchError(t, r, 401, "unauthorized_credentials")
		if pair[1] != "" && !strings.Contains(e.ErrorMessage, "project-test- or project-live- followed by 1 to 64 letters") {
			t.Errorf("%s: the message does not say what a project id must be: %s", name, e.ErrorMessage)
		}
	}
	// The log names no project for a malformed id: it is not copied into it.
	for _, r := range srv.Requests() {
		if r.ProjectID != "" && r.ProjectID != "project-test-creds" {
			t.Errorf("a refused request was logged as project %.80q", r.ProjectID)
		}
	}
}

// Stytch's own ids, and the names tests give their projects, are accepted.
func TestCredsProjectIDShapes(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, id := range []string{
		"project-test-6b4bb5c2-1f2c-4a43-9c3c-0b1f5d7e9a10",
		"project-live-6b4bb5c2-1f2c-4a43-9c3c-0b1f5d7e9a10",
		"project-test-demo",
		"project-test-CI_run-42",
		"project-test-a",
		"project-test-" + strings.Repeat("a", 64),
	} {
		expectStatus(t, send(t, srv, id, "s", http.MethodPost, "/v1/b2b/organizations/search", `{}`), 200)
	}
}

func TestCredsMissingBasicAuth(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	expectStytchError(t, send(t, srv, "", "", http.MethodGet, "/v1/b2b/organizations/acme", ""), 401, "unauthorized_credentials")
	expectStytchError(t, send(t, srv, "", "", http.MethodGet, "/v1/b2b/organizations/acme", "",
		"Authorization", "Bearer project-test-x:secret"), 401, "unauthorized_credentials")
	expectStytchError(t, send(t, srv, "", "", http.MethodGet, "/v1/b2b/organizations/acme", "",
		"Authorization", "Basic !!!not-base64"), 401, "unauthorized_credentials")
	// The unauthenticated JWKS needs none.
	expectStatus(t, send(t, srv, "", "", http.MethodGet, "/v1/b2b/sessions/jwks/project-test-x", ""), 200)
}

func TestCredsPinned(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t,
		mockserver.WithCredentials("project-test-pinned", "pinned-secret"),
		mockserver.WithCredentials("project-live-pinned", "live-secret"),
		mockserver.WithCredentials("custom-project", "custom-secret"))
	for _, tc := range []struct {
		project, secret string
		ok              bool
	}{
		{"project-test-pinned", "pinned-secret", true},
		{"project-live-pinned", "live-secret", true},
		{"custom-project", "custom-secret", true},
		{"project-test-pinned", "live-secret", false},
		{"project-test-pinned", "pinned-secret ", false},
		{"project-test-pinned", "", false},
		{"project-live-pinned", "pinned-secret", false},
		{"project-test-other", "pinned-secret", false},
		{"project-test-other", "anything", false},
	} {
		r := send(t, srv, tc.project, tc.secret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
		if tc.ok {
			if r.status != 200 {
				t.Errorf("%s:%s: got %d, want 200: %s", tc.project, tc.secret, r.status, r.body)
			}
			continue
		}
		if r.status != 401 {
			t.Errorf("%s:%s: got %d, want 401: %s", tc.project, tc.secret, r.status, r.body)
			continue
		}
		expectStytchError(t, r, 401, "unauthorized_credentials")
	}
	// Pinned pairs are not learned secrets: a reset does not change them.
	srv.ResetAll()
	if r := send(t, srv, "project-test-other", "anything", http.MethodPost, "/v1/b2b/organizations/search", `{}`); r.status != 401 {
		t.Errorf("after reset: %d %s", r.status, r.body)
	}
	if r := send(t, srv, "project-test-pinned", "pinned-secret", http.MethodPost, "/v1/b2b/organizations/search", `{}`); r.status != 200 {
		t.Errorf("after reset: %d %s", r.status, r.body)
	}
}

func TestCredsWithCredentialsNeedsBoth(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"", "secret"}, {"project-test-x", ""}, {"", ""}} {
		if s, err := mockserver.New(mockserver.WithCredentials(pair[0], pair[1])); err == nil {
			s.Close()
			t.Errorf("WithCredentials(%q, %q) was accepted", pair[0], pair[1])
		}
	}
}

func TestCredsLiveProjectIDs(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, envName := range []string{"test", "live"} {
		project := "project-" + envName + "-ids"
		org := send(t, srv, project, "s", http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Env"}`)
		ov := expectStatus(t, org, 200)
		var o api.OrganizationResponse
		if err := json.Unmarshal(org.body, &o); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(o.Organization.OrganizationID, "organization-"+envName+"-") {
			t.Errorf("%s: organization_id = %q", project, o.Organization.OrganizationID)
		}
		if id, _ := ov["request_id"].(string); !strings.HasPrefix(id, "request-id-"+envName+"-") {
			t.Errorf("%s: request_id = %q", project, id)
		}
		mem := send(t, srv, project, "s", http.MethodPost, "/v1/b2b/organizations/"+o.Organization.OrganizationID+"/members",
			`{"email_address":"ada@envName.com"}`)
		var m api.MemberResponse
		if expectStatus(t, mem, 200); json.Unmarshal(mem.body, &m) != nil {
			t.Fatalf("member: %s", mem.body)
		}
		if !strings.HasPrefix(m.MemberID, "member-"+envName+"-") || !strings.HasPrefix(m.RequestID, "request-id-"+envName+"-") {
			t.Errorf("%s: member_id %q, request_id %q", project, m.MemberID, m.RequestID)
		}
		// An error keeps the environment too.
		e := expectStytchError(t, send(t, srv, project, "s", http.MethodGet, "/v1/b2b/organizations/nope", ""), 404, "organization_not_found")
		if !strings.HasPrefix(e.RequestID, "request-id-"+envName+"-") {
			t.Errorf("%s: error request_id = %q", project, e.RequestID)
		}
		if envName == "live" && strings.Contains(string(org.body)+string(mem.body), "-test-") {
			t.Errorf("a live project's response carries a test id: %s %s", org.body, mem.body)
		}
	}
}

// --- Requests a web page could make ---

// The admin API takes no credentials, so it refuses what a page in the browser of someone
// running the mock could send it: cross-origin writes (CSRF) and requests addressed to the
// page's own name resolved to the mock (DNS rebinding).
func TestAdminRefusesWebPages(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithAdminHosts("stytchmock.internal"))
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	fault := `{"status":500,"path":"/v1/none"}`
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string // name, value pairs; "Host" sets the request's Host
		wantStatus               int
		wantType                 string
	}{
		{"foreign host", "POST", "faults", fault, []string{"Host", "attacker.example:" + port}, 403, "host_not_allowed"},
		{"foreign host GET", "GET", "requests", "", []string{"Host", "attacker.example"}, 403, "host_not_allowed"},
		{"foreign origin", "POST", "faults", fault, []string{"Origin", "http://attacker.example"}, 403, "cross_origin_request"},
		{"other port's origin", "POST", "faults", fault, []string{"Origin", "http://127.0.0.1:1"}, 403, "cross_origin_request"},
		{"null origin", "POST", "faults", fault, []string{"Origin", "null"}, 403, "cross_origin_request"},
		{"foreign origin GET", "GET", "requests", "", []string{"Origin", "http://attacker.example"}, 403, "cross_origin_request"},
		{"cross-site fetch", "POST", "faults", fault, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin_request"},
		{"same-site fetch", "DELETE", "faults?project_id=" + adminProject, "", []string{"Sec-Fetch-Site", "same-site"}, 403, "cross_origin_request"},
		{"text/plain", "POST", "faults", fault, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"form", "POST", "reset-all", "", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"no content type", "POST", "reset-all", "", []string{"Content-Type", ""}, 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, srv, "", "", tc.method, mockserver.AdminPrefix+tc.path, tc.body, tc.headers...)
			expectStytchError(t, r, tc.wantStatus, tc.wantType)
		})
	}
	if err := srv.InjectFault(mockserver.Fault{Status: 503, Path: "/v1/kept"}); err != nil {
		t.Fatal(err)
	}
	if f := srv.PendingFaults(); len(f) != 1 {
		t.Fatalf("a refused request changed the faults: %+v", f)
	}

	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
	}{
		{"IPv4 host", "GET", "health", "", []string{"Host", "192.0.2.7:4010"}},
		{"IPv6 host", "GET", "health", "", []string{"Host", "[::1]:" + port}},
		{"localhost", "GET", "health", "", []string{"Host", "localhost:" + port}},
		{"a .localhost name", "GET", "health", "", []string{"Host", "mock.localhost"}},
		{"an allowed name", "GET", "health", "", []string{"Host", "StytchMock.Internal:4010"}},
		{"same origin", "POST", "faults", fault, []string{"Origin", srv.URL}},
		{"same-origin fetch", "POST", "faults", fault, []string{"Sec-Fetch-Site", "same-origin"}},
		{"navigation from another site", "GET", "health", "", []string{"Sec-Fetch-Site", "cross-site"}},
		{"JSON with a charset", "POST", "faults", fault, []string{"Content-Type", "application/json; charset=utf-8"}},
		{"DELETE without a body", "DELETE", "faults?project_id=" + adminProject, "", []string{"Content-Type", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectStatusOK(t, send(t, srv, "", "", tc.method, mockserver.AdminPrefix+tc.path, tc.body, tc.headers...))
		})
	}
	// The Stytch API takes credentials, and is not the admin API's to guard.
	r := send(t, srv, "", "", "POST", "/v1/b2b/organizations/search", `{}`, "Host", "attacker.example", "Origin", "http://attacker.example",
		"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(adminProject+":"+adminSecret)))
	expectStatus(t, r, 200)
}

func TestWithAdminHostsRefusesNonNames(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"", "mock:4010", "http://mock", "[::1]", "a b"} {
		if s, err := mockserver.New(mockserver.WithAdminHosts(h)); err == nil {
			s.Close()
			t.Errorf("WithAdminHosts(%q) was accepted", h)
		}
	}
}

// Headers over the mock's limit, and under the server's, get a Stytch-shaped 431; the log
// keeps the request without them.
func TestHeadersTooLargeAnswerShaped(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	big := strings.Repeat("a", 40<<10)
	r := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/acme", "", "X-Big", big)
	expectStytchError(t, r, 431, "request_header_fields_too_large")
	r = send(t, srv, "", "", http.MethodGet, mockserver.AdminPrefix+"health", "", "X-Big", big)
	expectStytchError(t, r, 431, "request_header_fields_too_large")
	// Over the server's limit, net/http answers before the mock, in plain text (documented).
	if r := send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/acme", "", "X-Big", strings.Repeat("a", mockserver.ServerMaxHeaderBytes+8<<10)); r.status != 431 || json.Valid(r.body) {
		t.Errorf("headers over ServerMaxHeaderBytes: %d %q", r.status, r.body)
	}
	// Under the limit, the same request is answered as usual.
	expectStytchError(t, send(t, srv, adminProject, adminSecret, http.MethodGet, "/v1/b2b/organizations/acme", "", "X-Big", big[:20<<10]), 404, "organization_not_found")

	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 431 || len(reqs[0].Header) != 0 || reqs[0].Path != "/v1/b2b/organizations/acme" {
		t.Errorf("Requests() = %d entries, the first %d with %d headers", len(reqs), reqs[0].Status, len(reqs[0].Header))
	}
}
