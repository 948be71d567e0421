package mockserver_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of recording (WithRecordFile) and of the state (State, WithStateFile), which share
// one exporter: what they write, loaded into a fresh mock, answers as the original did.

// advancingClock is a clock that moves one second each time it is read, so that every
// organization and member gets a created_at of its own, as they do at Stytch when they are
// made a few seconds apart.
func advancingClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return testClock.Add(time.Duration(n.Add(1)) * time.Second) }
}

// richFixture adds to testdata/fixture.json's project what only fixtures set: a locked member,
// SSO and SCIM registrations and connections, roles SSO granted, a restricted SSO JIT policy
// and implicit role assignments.
const richFixture = `{"project_id": "` + fxProject + `", "organizations": [{
	"organization_id": "organization-test-00000000-0000-4000-8000-0000000000aa",
	"organization_name": "Umbrella", "organization_slug": "umbrella",
	"email_allowed_domains": ["umbrella.com"], "claimed_email_domains": ["umbrella.com"],
	"sso_jit_provisioning": "RESTRICTED",
	"sso_jit_provisioning_allowed_connections": ["saml-connection-test-umbrella"],
	"sso_active_connections": [{"connection_id": "saml-connection-test-umbrella", "display_name": "Okta", "identity_provider": "okta"}],
	"sso_default_connection_id": "saml-connection-test-umbrella",
	"scim_active_connection": {"connection_id": "scim-connection-test-umbrella", "display_name": "Okta SCIM", "bearer_token_last_four": "abcd", "bearer_token_expires_at": "2027-01-01T00:00:00Z"},
	"rbac_email_implicit_role_assignments": [{"domain": "umbrella.com", "role_id": "stytch_admin"}],
	"trusted_metadata": {"big": 123456789012345678901234567890, "nested": {"list": [1, 2.5, "x", null, true]}},
	"created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z",
	"members": [{
		"member_id": "member-test-00000000-0000-4000-8000-0000000000ab",
		"email_address": "wesker@umbrella.com", "name": "Albert Wesker", "external_id": "emp-wesker",
		"is_breakglass": true, "mfa_enrolled": true, "mfa_phone_number": "+14155550199",
		"mfa_phone_number_verified": true, "default_mfa_method": "sms_otp",
		"created_at": "2025-01-02T00:00:00Z", "updated_at": "2025-02-02T00:00:00Z",
		"is_locked": true, "lock_created_at": "2025-02-01T10:00:00Z", "lock_expires_at": "2025-02-01T11:00:00Z",
		"email_address_verified": true, "status": "active",
		"sso_registrations": [{"connection_id": "saml-connection-test-umbrella", "external_id": "okta-wesker", "registration_id": "member-sso-registration-test-wesker", "sso_attributes": {"dept": "R&D"}}],
		"scim_registration": {"connection_id": "scim-connection-test-umbrella", "registration_id": "member-scim-registration-test-wesker", "scim_attributes": {"active": true, "user_name": "wesker", "groups": [{"display": "Admins", "value": "g1"}]}},
		"provisioned_roles": [{"role_id": "stytch_admin", "sources": [{"type": "sso_connection", "details": {"connection_id": "saml-connection-test-umbrella"}}]}],
		"retired_email_addresses": [{"email_id": "email-test-00000000-0000-4000-8000-0000000000ac", "email_address": "albert@umbrella.com"}],
		"trusted_metadata": {"clearance": 5}, "untrusted_metadata": {"theme": "dark"}
	}]
}]}`

// comparableAnswer is an answer's status and body decoded, without its request_id, which is the
// one thing two servers never share.
func comparableAnswer(t *testing.T, r response) (int, any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("answer %d %q: %v", r.status, r.body, err)
	}
	delete(v, "request_id")
	return r.status, v
}

// sameAnswers sends each request to want and to got, and fails the test unless both answer the
// same status and JSON (request_id aside). It returns want's bodies, decoded.
func sameAnswers(t *testing.T, want, got *mockserver.Server, project string, requests [][3]string) {
	t.Helper()
	for _, rq := range requests {
		ws, wv := comparableAnswer(t, send(t, want, project, "secret", rq[0], rq[1], rq[2]))
		gs, gv := comparableAnswer(t, send(t, got, project, "secret", rq[0], rq[1], rq[2]))
		if ws != 200 {
			t.Errorf("%s %s: the original answered %d %v", rq[0], rq[1], ws, wv)
		}
		if ws != gs {
			t.Errorf("%s %s: %d, want %d", rq[0], rq[1], gs, ws)
		}
		if diff := cmp.Diff(wv, gv); diff != "" {
			t.Errorf("%s %s: the answers differ (-original +loaded):\n%s", rq[0], rq[1], diff)
		}
	}
}

// comparedRequests are the reads whose answers must survive a round trip: every organization,
// every member (by organization, and dangerously), both searches over everything, and the RBAC
// policy.
func comparedRequests(t *testing.T, srv *mockserver.Server, project string) [][3]string {
	t.Helper()
	r := send(t, srv, project, "secret", "POST", "/v1/b2b/organizations/search", `{"limit": 1000}`)
	var orgs struct {
		Organizations []struct {
			ID string `json:"organization_id"`
		} `json:"organizations"`
	}
	if err := json.Unmarshal(r.body, &orgs); err != nil || r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	requests := [][3]string{{"POST", "/v1/b2b/organizations/search", `{"limit": 1000}`}, {"GET", "/v1/b2b/rbac/policy", ""}}
	var ids []string
	for _, o := range orgs.Organizations {
		ids = append(ids, `"`+o.ID+`"`)
		requests = append(requests, [3]string{"GET", "/v1/b2b/organizations/" + o.ID, ""})
	}
	search := `{"organization_ids": [` + strings.Join(ids, ",") + `], "limit": 1000}`
	requests = append(requests, [3]string{"POST", "/v1/b2b/organizations/members/search", search})
	r = send(t, srv, project, "secret", "POST", "/v1/b2b/organizations/members/search", search)
	var members struct {
		Members []struct {
			ID    string `json:"member_id"`
			OrgID string `json:"organization_id"`
		} `json:"members"`
	}
	if err := json.Unmarshal(r.body, &members); err != nil || r.status != 200 {
		t.Fatalf("member search: %d %s", r.status, r.body)
	}
	for _, m := range members.Members {
		requests = append(requests,
			[3]string{"GET", "/v1/b2b/organizations/" + m.OrgID + "/member?member_id=" + m.ID, ""},
			[3]string{"GET", "/v1/b2b/organizations/members/dangerously_get/" + m.ID, ""})
	}
	if len(orgs.Organizations) < 3 || len(members.Members) < 5 {
		t.Fatalf("only %d organizations and %d members to compare", len(orgs.Organizations), len(members.Members))
	}
	return requests
}

// changeThrough makes, through srv, the changes a recording or a saved state must keep:
// organizations and members created (members of different organizations in turn), updated,
// deleted; a changed email address; metadata with exact numbers; reads of what the fixtures
// seeded. It returns the ids of what it deleted.
func changeThrough(t *testing.T, srv *mockserver.Server, project string) (deletedOrg, deletedMember string) {
	t.Helper()
	do := func(method, path, body string) map[string]any {
		t.Helper()
		return expectStatus(t, send(t, srv, project, "secret", method, path, body), 200)
	}
	orgID := func(v map[string]any) string { return v["organization"].(map[string]any)["organization_id"].(string) }
	initech := orgID(do("POST", "/v1/b2b/organizations", `{"organization_name": "Initech", "organization_external_id": "crm-initech",
		"email_allowed_domains": ["initech.com"], "email_jit_provisioning": "RESTRICTED", "mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["totp"],
		"rbac_email_implicit_role_assignments": [{"domain": "initech.com", "role_id": "stytch_admin"}],
		"trusted_metadata": {"seats": 9007199254740993, "tier": {"name": "gold"}}}`))
	doomed := orgID(do("POST", "/v1/b2b/organizations", `{"organization_name": "Doomed"}`))
	do("PUT", "/v1/b2b/organizations/"+initech, `{"organization_name": "Initech Inc", "mfa_policy": "REQUIRED_FOR_ALL", "trusted_metadata": {"tier": null, "region": "us"}}`)
	member := func(v map[string]any) string { return v["member_id"].(string) }
	peter := member(do("POST", "/v1/b2b/organizations/"+initech+"/members", `{"email_address": "peter@initech.com", "name": "Peter", "roles": ["stytch_admin"], "untrusted_metadata": {"n": 1.5}}`))
	do("POST", "/v1/b2b/organizations/"+fxAcmeID+"/members", `{"email_address": "milton@acme.com", "roles": ["acme-support"], "create_member_as_pending": true}`)
	samir := member(do("POST", "/v1/b2b/organizations/"+initech+"/members", `{"email_address": "samir@initech.com", "mfa_phone_number": "+14155550123", "external_id": "emp-samir"}`))
	do("POST", "/v1/b2b/organizations/"+doomed+"/members", `{"email_address": "bob@doomed.com"}`)
	do("PUT", "/v1/b2b/organizations/"+initech+"/members/"+peter, `{"email_address": "peter.gibbons@initech.com", "roles": [], "name": "Peter Gibbons"}`)
	do("POST", "/v1/b2b/organizations/"+fxAcmeID+"/members", `{"email_address": "lumbergh@acme.com"}`)
	do("DELETE", "/v1/b2b/organizations/"+initech+"/members/"+samir, "")
	do("DELETE", "/v1/b2b/organizations/"+doomed, "")
	// Reads that show what the fixtures seeded, and the policy.
	do("GET", "/v1/b2b/rbac/policy", "")
	do("POST", "/v1/b2b/organizations/search", `{}`)
	search := `{"organization_ids": ["` + fxAcmeID + `", "` + initech + `", "umbrella", "globex"]}`
	if r := send(t, srv, project, "secret", "GET", "/v1/b2b/organizations/globex", ""); r.status == 200 {
		var v map[string]any
		_ = json.Unmarshal(r.body, &v)
		search = strings.Replace(search, `"globex"`, `"`+orgID(v)+`"`, 1)
		search = strings.Replace(search, `"umbrella"`, `"organization-test-00000000-0000-4000-8000-0000000000aa"`, 1)
	}
	do("POST", "/v1/b2b/organizations/members/search", search)
	// Provider tokens pass through; they must not be recorded.
	do("GET", "/v1/b2b/organizations/"+fxAcmeID+"/members/"+fxAdaID+"/oauth_providers/google", "")
	return doomed, samir
}

// A recording, loaded into a fresh mock, answers the reads that passed through with the same
// bodies as the upstream, ids, timestamps and every field included; what was deleted is not in
// it, nor any token.
func TestRecordingRoundTrip(t *testing.T) {
	t.Parallel()
	fx, err := mockserver.ParseFixture([]byte(richFixture))
	if err != nil {
		t.Fatal(err)
	}
	// Umbrella, dated before Acme, is seeded first: a recording knows the order things were
	// created in only by their created_at.
	up := mockserver.Start(t, mockserver.WithClock(advancingClock()), mockserver.WithFixture(fx), mockserver.WithFixtureFile(fxFile))
	file := filepath.Join(t.TempDir(), "recording.json")
	p := mockserver.Start(t, mockserver.WithUpstream(up.URL), mockserver.WithRecordFile(file))

	deletedOrg, deletedMember := changeThrough(t, p, fxProject)

	r := callAdmin(t, p, "POST", "record/flush", "")
	if v := expectStatus(t, r, 200); v["file"] != file || v["projects"] != 1.0 || v["status"] != "ok" {
		t.Fatalf("flush: %s", r.body)
	}
	recorded, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{deletedOrg, deletedMember, "bob@doomed.com", "samir@initech.com"} {
		if bytes.Contains(recorded, []byte(gone)) {
			t.Errorf("the recording holds %s, which was deleted", gone)
		}
	}
	for _, secret := range []string{fxAdaToken, fxAdaJWT, "ya29.google-access-token", "1//google-refresh-token", "xoxp-slack-access-token", "session_token", "provider_tokens", "sessions"} {
		if bytes.Contains(recorded, []byte(secret)) {
			t.Errorf("the recording holds %q", secret)
		}
	}

	if fs, err := mockserver.LoadFixtures(file); err != nil {
		t.Fatal(err)
	} else if kept, err := p.Recording(); err != nil || !cmp.Equal(kept, fs, cmpopts.EquateEmpty()) {
		t.Errorf("Recording() differs from the file it flushed (%v): %s", err, cmp.Diff(fs, kept, cmpopts.EquateEmpty()))
	}

	loaded := mockserver.Start(t, mockserver.WithFixtureFile(file))
	sameAnswers(t, up, loaded, fxProject, comparedRequests(t, up, fxProject))

	// Recording again, after more changes, replaces the file with the latest state.
	send(t, p, fxProject, "secret", "DELETE", "/v1/b2b/organizations/"+fxAcmeID, "")
	if err := p.FlushRecording(); err != nil {
		t.Fatal(err)
	}
	fs, err := mockserver.LoadFixtures(file)
	if err != nil || len(fs) != 1 || len(fs[0].Organizations) != 3 {
		t.Fatalf("after the delete: %d fixtures, %v; want one of 3 organizations", len(fs), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
		t.Errorf("the recording's directory holds %v, want the recording alone", entries)
	}
}

// A recording that never saw the project's policy still loads: a custom role its members hold
// is defined, without permissions, and says why.
func TestRecordingDefinesRolesItDidNotSee(t *testing.T) {
	t.Parallel()
	up := mockserver.Start(t, mockserver.WithFixtureFile(fxFile))
	file := filepath.Join(t.TempDir(), "recording.json")
	p := mockserver.Start(t, mockserver.WithUpstream(up.URL), mockserver.WithRecordFile(file))
	if err := up.Seed(mockserver.Fixture{ProjectID: "project-test-roles", Policy: policyWith("auditor")}); err != nil {
		t.Fatal(err)
	}
	org := expectStatus(t, send(t, p, "project-test-roles", "s", "POST", "/v1/b2b/organizations", `{"organization_name": "Acme"}`), 200)["organization"].(map[string]any)["organization_id"].(string)
	expectStatus(t, send(t, p, "project-test-roles", "s", "POST", "/v1/b2b/organizations/"+org+"/members", `{"email_address": "ada@acme.com", "roles": ["auditor"]}`), 200)
	if err := p.FlushRecording(); err != nil {
		t.Fatal(err)
	}
	fs, err := mockserver.LoadFixtures(file)
	if err != nil || len(fs) != 1 || fs[0].Policy == nil {
		t.Fatalf("recording: %+v, %v", fs, err)
	}
	roles := fs[0].Policy.Roles
	if len(roles) != 1 || roles[0].RoleID != "auditor" || len(roles[0].Permissions) != 0 || !strings.Contains(roles[0].Description, "did not pass through") {
		t.Errorf("recorded policy roles: %+v", roles)
	}
	loaded := mockserver.Start(t, mockserver.WithFixtureFile(file))
	r := send(t, loaded, "project-test-roles", "s", "GET", "/v1/b2b/organizations/"+org+"/member?email_address=ada@acme.com", "")
	if v := expectStatus(t, r, 200); !strings.Contains(string(r.body), `"role_id":"auditor"`) {
		t.Errorf("the loaded member: %v", v)
	}
}

// A project's state, exported and loaded into a fresh mock, answers the same reads with the
// same bodies; and what only fixtures set (sessions, provider tokens, Connected App
// authorizations, a started email update) survives too.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	fx, err := mockserver.ParseFixture([]byte(richFixture))
	if err != nil {
		t.Fatal(err)
	}
	orig := mockserver.Start(t, mockserver.WithClock(advancingClock()), mockserver.WithFixtureFile(fxFile), mockserver.WithFixture(fx))
	_, deletedMember := changeThrough(t, orig, fxProject)
	expectStatus(t, send(t, orig, fxProject, "secret", "POST", "/v1/b2b/organizations/"+fxAcmeID+"/members/"+fxAdaID+"/start_email_update", `{"email_address": "ada.new@acme.com"}`), 200)
	expectStatusOK(t, callAdmin(t, orig, "POST", "sessions", `{"project_id": "`+fxProject+`", "member_id": "`+fxGraceID+`", "session_token": "grace-token"}`))
	if err := orig.Seed(mockserver.Fixture{ProjectID: "project-test-other", Policy: policyWith("auditor")}); err != nil {
		t.Fatal(err)
	}

	r := callAdmin(t, orig, "GET", "state?project_id="+fxProject, "")
	if r.status != 200 {
		t.Fatalf("GET state: %d %s", r.status, r.body)
	}
	loaded := mockserver.Start(t)
	expectStatusOK(t, send(t, loaded, "", "", "POST", mockserver.AdminPrefix+"fixtures", string(r.body)))

	requests := comparedRequests(t, orig, fxProject)
	base := "/v1/b2b/organizations/" + fxAcmeID + "/members/" + fxAdaID
	requests = append(requests,
		[3]string{"GET", "/v1/b2b/organizations/members/dangerously_get/" + deletedMember + "?include_deleted=true", ""},
		[3]string{"GET", base + "/oauth_providers/google", ""},
		[3]string{"GET", base + "/oauth_providers/slack", ""},
		[3]string{"GET", base + "/connected_apps", ""},
		[3]string{"GET", "/v1/b2b/organizations/" + fxAcmeID + "/connected_apps", ""},
		[3]string{"GET", "/v1/b2b/organizations/" + fxAcmeID + "/metrics", ""},
		[3]string{"GET", "/v1/b2b/rbac/organizations/" + fxAcmeID, ""},
		[3]string{"POST", "/v1/b2b/organizations/members/search", `{"organization_ids": ["` + fxAcmeID + `", "organization-test-00000000-0000-4000-8000-0000000000aa"],
			"query": {"operator": "AND", "operands": [{"filter_name": "statuses", "filter_value": ["active", "pending", "invited", "deleted"]}]}}`},
	)
	sameAnswers(t, orig, loaded, fxProject, requests)

	for _, m := range []*mockserver.Server{orig, loaded} {
		if got := m.PendingEmailUpdate(fxProject, fxAdaID); got != "ada.new@acme.com" {
			t.Errorf("pending email update: %q", got)
		}
		for _, h := range [][2]string{{"X-Stytch-Member-Session", fxAdaToken}, {"X-Stytch-Member-SessionJWT", fxAdaJWT}, {"X-Stytch-Member-Session", "grace-token"}} {
			r := send(t, m, fxProject, "secret", "GET", "/v1/b2b/organizations/"+fxAcmeID+"/member?member_id="+fxAdaID, "", h[0], h[1])
			if r.status != 200 {
				t.Errorf("%s %s: %d %s, want the session to authenticate", h[0], h[1], r.status, r.body)
			}
		}
	}
	// The export of the loaded project is the export of the original: nothing was lost or
	// added on the way.
	again := callAdmin(t, loaded, "GET", "state?project_id="+fxProject, "")
	if !bytes.Equal(again.body, r.body) {
		t.Errorf("the state exported again differs:\n%s\nwant\n%s", again.body, r.body)
	}
	// Without a project_id, every project that has state, by id.
	all := callAdmin(t, orig, "GET", "state", "")
	var fs []mockserver.Fixture
	if err := json.Unmarshal(all.body, &fs); err != nil || len(fs) != 2 || fs[0].ProjectID != fxProject || fs[1].ProjectID != "project-test-other" {
		t.Errorf("GET state: %d fixtures, %v: %.300s", len(fs), err, all.body)
	}
	// A project the mock never saw is an empty fixture.
	if r := callAdmin(t, orig, "GET", "state?project_id=project-test-never", ""); strings.TrimSpace(string(r.body)) != `{"project_id":"project-test-never"}` {
		t.Errorf("GET state of an unknown project: %d %s", r.status, r.body)
	}
}

func policyWith(roleIDs ...string) *stytchorgs.Policy {
	p := &stytchorgs.Policy{}
	for _, id := range roleIDs {
		p.Roles = append(p.Roles, stytchorgs.Role{RoleID: id, Description: "a custom role", Permissions: []stytchorgs.Permission{}})
	}
	return p
}

// The state file: loaded at start when present, written back by SaveState, every project in
// one file; a state that was loaded takes the place of the fixtures.
func TestStateFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "state.json")
	first := mockserver.Start(t, mockserver.WithStateFile(file), mockserver.WithFixtureFile(fxFile))
	org := expectStatus(t, send(t, first, "project-test-a", "s", "POST", "/v1/b2b/organizations", `{"organization_name": "A"}`), 200)
	expectStatus(t, send(t, first, fxProject, "s", "DELETE", "/v1/b2b/organizations/globex", ""), 200)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the state file exists before SaveState: %v", err)
	}
	if err := first.SaveState(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v; want mode 0600", info, err)
	}
	fs, err := mockserver.LoadFixtures(file)
	if err != nil || len(fs) != 2 || fs[0].ProjectID != fxProject || fs[1].ProjectID != "project-test-a" {
		t.Fatalf("the state file holds %d fixtures (%v), want the two projects by id", len(fs), err)
	}

	second := mockserver.Start(t, mockserver.WithStateFile(file), mockserver.WithFixtureFile(fxFile))
	got := expectStatus(t, send(t, second, "project-test-a", "s", "GET", "/v1/b2b/organizations/"+org["organization"].(map[string]any)["organization_id"].(string), ""), 200)
	if diff := cmp.Diff(org["organization"], got["organization"]); diff != "" {
		t.Errorf("the organization after a restart (-before +after):\n%s", diff)
	}
	// The fixture was not seeded again: Globex stays deleted, and Acme is there once.
	expectStytchError(t, send(t, second, fxProject, "s", "GET", "/v1/b2b/organizations/globex", ""), 404, "organization_not_found")
	expectStatus(t, send(t, second, fxProject, "s", "GET", "/v1/b2b/organizations/"+fxAcmeID, ""), 200)

	// SaveState replaces the file, never writes into it: a reader of the old file reads it whole.
	old, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldBytes, _ := os.ReadFile(file)
	expectStatus(t, send(t, second, "project-test-b", "s", "POST", "/v1/b2b/organizations", `{"organization_name": "B"}`), 200)
	if err := second.SaveState(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(old); err != nil || !bytes.Equal(buf.Bytes(), oldBytes) {
		t.Errorf("the old file changed under its reader (%v)", err)
	}
	if fs, err := mockserver.LoadFixtures(file); err != nil || len(fs) != 3 {
		t.Errorf("after the second save: %d fixtures, %v", len(fs), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
		t.Errorf("the state's directory holds %v, want the state file alone", entries)
	}

	if err := mockserver.Start(t).SaveState(); err == nil || !strings.Contains(err.Error(), "WithStateFile") {
		t.Errorf("SaveState without a state file: %v", err)
	}
}

// A state file that cannot be loaded is refused with its name and its problem, and left as it
// is.
func TestStateFileDamagedIsRefusedAndLeftAlone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, content, want string }{
		{"empty", "", "the file is empty"},
		{"truncated", "[{\"project_id\": \"project-test-a\",\n  \"organizations\": [", "unexpected EOF"},
		{"not JSON", "[{\"project_id\": \"project-test-a\"},\n {\"project_id\": nope}]", "line 2, column 19: invalid character 'o'"},
		{"a typo", `[{"project_id": "project-test-a", "organisations": []}]`, `unknown field "organisations"`},
		{"a broken rule", `[{"project_id": "project-test-a", "organizations": [{"organization_name": "A", "organization_slug": "aa"}, {"organization_name": "B", "organization_slug": "aa"}]}]`, "organization_slug_already_used"},
		{"a project twice", `[{"project_id": "project-test-a"}, {"project_id": "project-test-a"}]`, "project project-test-a is in it twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := mockserver.NewMock(mockserver.WithStateFile(file))
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "left as it is") {
				t.Errorf("NewMock = %v; want an error naming %s and %q", err, file, tc.want)
			}
			if b, _ := os.ReadFile(file); string(b) != tc.content {
				t.Errorf("the file changed: %q", b)
			}
		})
	}
	// A state file that does not exist yet must be one the mock can write.
	_, err := mockserver.NewMock(mockserver.WithStateFile(filepath.Join(t.TempDir(), "missing", "state.json")))
	if err == nil || !strings.Contains(err.Error(), "could not be written") {
		t.Errorf("NewMock with a state file in a missing directory: %v", err)
	}
}

// Every field of the API's Organization and Member has its place in a fixture, so that nothing
// a recording or a saved state holds is lost: every field a mock that holds them all answers is
// in its exported state (but for those a fixture derives), and the export parses strictly
// (unknown fields are errors), so no field is one the fixture types do not know.
func TestFixtureTypesHoldEveryFieldOfTheAPI(t *testing.T) {
	t.Parallel()
	fx, err := mockserver.ParseFixture([]byte(richFixture))
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.Start(t, mockserver.WithFixture(fx))
	answered := expectStatus(t, send(t, srv, fxProject, "s", "GET", "/v1/b2b/organizations/umbrella/member?email_address=wesker@umbrella.com", ""), 200)
	state := callAdmin(t, srv, "GET", "state?project_id="+fxProject, "")
	if _, err := mockserver.ParseFixture(state.body); err != nil {
		t.Fatalf("the exported state does not parse strictly: %v", err)
	}
	var exported struct {
		Organizations []map[string]any `json:"organizations"`
		Members       []map[string]any `json:"members"`
	}
	if err := json.Unmarshal(state.body, &exported); err != nil || len(exported.Organizations) != 1 || len(exported.Members) != 1 {
		t.Fatalf("state: %v: %s", err, state.body)
	}
	exportedOrg, exportedMember := exported.Organizations[0], exported.Members[0]
	derived := []string{"is_admin", "roles"} // from the direct and provisioned roles, and the organization
	for _, tc := range []struct {
		name               string
		answered, exported map[string]any
		derived            []string
	}{
		{"organization", answered["organization"].(map[string]any), exportedOrg, nil},
		{"member", answered["member"].(map[string]any), exportedMember, derived},
	} {
		for field, value := range tc.answered {
			if _, ok := tc.exported[field]; !ok && !slices.Contains(tc.derived, field) && !isEmptyJSON(value) {
				t.Errorf("the %s's field %s (%v) is not in the exported state", tc.name, field, value)
			}
		}
	}
}

// isEmptyJSON reports whether a decoded JSON value is what a fixture leaves out as the default.
func isEmptyJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// Members listed apart from their organizations name them with organization_id (an id, a slug
// or an external id, of the fixture or of the project), and are created after every
// organization, in the order listed.
func TestFixtureMembersListedApart(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	f, err := mockserver.ParseFixture([]byte(`{"project_id": "project-test-apart",
		"organizations": [
			{"organization_id": "organization-test-00000000-0000-4000-8000-000000000001", "organization_name": "One", "organization_slug": "one",
			 "members": [{"email_address": "nested@one.com", "organization_id": "organization-test-00000000-0000-4000-8000-000000000001"}]},
			{"organization_name": "Two", "organization_slug": "two", "organization_external_id": "crm-two"}],
		"members": [
			{"organization_id": "crm-two", "email_address": "first@two.com"},
			{"organization_id": "organization-test-00000000-0000-4000-8000-000000000001", "email_address": "second@one.com"},
			{"organization_id": "two", "email_address": "third@two.com"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Seed(f); err != nil {
		t.Fatal(err)
	}
	r := send(t, srv, "project-test-apart", "s", "POST", "/v1/b2b/organizations/members/search",
		`{"organization_ids": ["organization-test-00000000-0000-4000-8000-000000000001", "two"]}`)
	var page struct {
		Members []struct {
			Email string `json:"email_address"`
		} `json:"members"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil || r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	var got []string
	for _, m := range page.Members {
		got = append(got, m.Email)
	}
	if want := []string{"nested@one.com", "first@two.com", "second@one.com", "third@two.com"}; !slices.Equal(got, want) {
		t.Errorf("members in search order: %v, want %v", got, want)
	}

	for _, tc := range []struct{ fixture, want string }{
		{`{"project_id": "project-test-apart2", "members": [{"email_address": "a@b.com"}]}`, "members[0] (a@b.com): organization_id is required"},
		{`{"project_id": "project-test-apart2", "members": [{"organization_id": "nowhere", "email_address": "a@b.com"}]}`, "members[0] (a@b.com): organization_not_found"},
		{`{"project_id": "project-test-apart2", "organizations": [{"organization_name": "A", "members": [{"organization_id": "other", "email_address": "a@b.com"}]}]}`, `organization_id "other" is not its organization's`},
	} {
		f, err := mockserver.ParseFixture([]byte(tc.fixture))
		if err == nil {
			err = srv.Seed(f)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Seed(%s) = %v, want an error with %q", tc.fixture, err, tc.want)
		}
	}
}
