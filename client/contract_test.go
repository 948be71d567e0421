package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// Ids of testdata/contract_fixture.json, which every seeded test loads into a project of its own.
const (
	contractAcmeID   = "organization-test-11111111-1111-4111-8111-111111111111"
	contractGlobexID = "organization-test-22222222-2222-4222-8222-222222222222"
	contractAdaID    = "member-test-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" // stytch_admin, with every factor and token
	contractBobID    = "member-test-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" // a plain member
	contractCarolID  = "member-test-dddddddd-dddd-4ddd-8ddd-dddddddddddd"
	contractAppID    = "connected-app-test-0c3f7a52-91d4-4e6b-b8a0-3d2f1e0c9b8a"
	contractCLIAppID = "connected-app-test-4e5d6c7b-8a9f-4b0e-a1d2-c3b4a5968778"
	contractSecret   = "secret-contract"
	contractAcmePath = "/v1/b2b/organizations/" + contractAcmeID
)

// contractEnv is one test's mock server and a client of a project of its own.
type contractEnv struct {
	srv     *mockserver.Server
	c       *client.Client
	project string
	ctx     context.Context
}

// contractStart starts a mock and a client for a fresh project id; with seed, the project is
// seeded with testdata/contract_fixture.json.
func contractStart(t *testing.T, seed bool, opts ...client.Option) *contractEnv {
	t.Helper()
	project := "project-test-" + uuid.NewString()
	srv := mockserver.Start(t)
	if seed {
		f, err := mockserver.LoadFixture("testdata/contract_fixture.json")
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = project
		if err := srv.Seed(f); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	opts = append([]client.Option{client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0)}, opts...)
	c, err := client.New(project, contractSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return &contractEnv{srv: srv, c: c, project: project, ctx: t.Context()}
}

// requests counts the recorded requests with a method and path.
func (e *contractEnv) requests(method, path string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// sent runs call and returns how many requests with a method and path reached the server.
func (e *contractEnv) sent(method, path string, call func()) int {
	before := e.requests(method, path)
	call()
	return e.requests(method, path) - before
}

// lastRequest is the last request the server recorded.
func (e *contractEnv) lastRequest() mockserver.RecordedRequest {
	reqs := e.srv.Requests()
	return reqs[len(reqs)-1]
}

// inject adds a fault to the server.
func (e *contractEnv) inject(t *testing.T, f mockserver.Fault) {
	t.Helper()
	if err := e.srv.InjectFault(f); err != nil {
		t.Fatal(err)
	}
}

// contractAPIError checks that err matches sentinel and is a *client.Error with a status, an
// error type and everything Stytch's error body carries, and returns it.
func contractAPIError(t *testing.T, err error, sentinel error, status int, errorType string) *client.Error {
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

// contractRefused returns a check that a call was refused before sending with a
// *client.ValidationError, for a field and the error type Stytch would have answered.
func contractRefused[T any](t *testing.T, name, field, errorType string) func(T, error) {
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

// contractOK stops the test when a call that must succeed did not.
func contractOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// contractJSON is v's JSON encoding (map keys sorted), to compare values as the wire does.
func contractJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// contractServices lists the methods of each service that the tests of this file call.
var contractServices = map[any][]string{
	&client.OrganizationsService{}: {"Create", "Delete", "DeleteExternalID", "Get", "GetConnectedApp", "ListConnectedApps", "Metrics", "Search", "SearchAll", "Update"},
	&client.MembersService{}: {"Create", "DangerouslyGet", "Delete", "DeleteExternalID", "DeleteMFAPhoneNumber", "DeletePassword", "DeleteTOTP",
		"Get", "GetByEmail", "GetGitHubTokens", "GetGoogleTokens", "GetHubSpotTokens", "GetMicrosoftTokens", "GetOIDCTokens", "GetSlackTokens",
		"ListConnectedApps", "Reactivate", "RevokeConnectedApp", "Search", "SearchAll", "StartEmailUpdate", "UnlinkRetiredEmail", "Update"},
	&client.RBACService{}:     {"OrganizationPolicy", "Policy", "SetOrganizationPolicy"},
	&client.SessionsService{}: {"JWKS"},
}

// TestContractCoversEveryMethod fails when a service gains a method that no contract test calls.
func TestContractCoversEveryMethod(t *testing.T) {
	t.Parallel()
	for svc, covered := range contractServices {
		typ := reflect.TypeOf(svc)
		var methods []string
		for i := range typ.NumMethod() {
			methods = append(methods, typ.Method(i).Name)
		}
		if !slices.Equal(methods, covered) {
			t.Errorf("%s has methods %v; the contract tests cover %v", typ.Elem().Name(), methods, covered)
		}
	}
}

func TestContractOrganizations(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	orgs := e.c.Organizations

	created, err := orgs.Create(e.ctx, client.OrganizationCreateParams{
		Name: "Initech", Slug: "initech", ExternalID: "crm|00777",
		EmailAllowedDomains: []string{"initech.com"},
		TrustedMetadata:     client.Metadata{"plan": "starter", "seats": 5},
	})
	contractOK(t, "Create", err)
	if !strings.HasPrefix(created.ID, "organization-test-") || created.Name != "Initech" || created.Slug != "initech" ||
		created.ExternalID != "crm|00777" || created.CreatedAt.IsZero() || !slices.Equal(created.EmailAllowedDomains, []string{"initech.com"}) ||
		contractJSON(t, created.TrustedMetadata) != `{"plan":"starter","seats":5}` {
		t.Errorf("Create returned %+v", created)
	}
	for _, ident := range []string{created.ID, "initech", "crm|00777"} {
		got, err := orgs.Get(e.ctx, ident)
		contractOK(t, "Get "+ident, err)
		if got.ID != created.ID || got.Name != "Initech" {
			t.Errorf("Get(%q) = %s %q", ident, got.ID, got.Name)
		}
	}

	updated, err := orgs.Update(e.ctx, created.ID, client.OrganizationUpdateParams{Name: client.Set("Initech Global")})
	contractOK(t, "Update", err)
	if updated.Name != "Initech Global" || updated.Slug != "initech" {
		t.Errorf("Update returned %q %q", updated.Name, updated.Slug)
	}

	metrics, err := orgs.Metrics(e.ctx, contractAcmeID)
	contractOK(t, "Metrics", err)
	if metrics.MemberCount != 4 {
		t.Errorf("MemberCount %d, want 4", metrics.MemberCount)
	}

	noExt, err := orgs.DeleteExternalID(e.ctx, contractAcmeID)
	contractOK(t, "DeleteExternalID", err)
	if noExt.ID != contractAcmeID || noExt.ExternalID != "" {
		t.Errorf("DeleteExternalID returned %s with external id %q", noExt.ID, noExt.ExternalID)
	}
	if _, err := orgs.Get(e.ctx, "crm|00421"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("Get by the deleted external id: %v, want ErrNotFound", err)
	}

	apps, err := orgs.ListConnectedApps(e.ctx, contractAcmeID)
	contractOK(t, "ListConnectedApps", err)
	kinds := map[string]client.ConnectedAppClientType{}
	for _, a := range apps {
		kinds[a.Name] = a.ClientType
	}
	if len(apps) != 2 || kinds["Acme Analytics"] != client.ThirdParty || kinds["Acme CLI"] != client.FirstPartyPublic {
		t.Errorf("ListConnectedApps = %+v", apps)
	}

	app, err := orgs.GetConnectedApp(e.ctx, contractAcmeID, contractAppID)
	contractOK(t, "GetConnectedApp", err)
	scopes := map[string][]string{}
	for _, m := range app.ActiveMembers {
		scopes[m.MemberID] = m.GrantedScopes
	}
	if app.ConnectedAppID != contractAppID || app.Name != "Acme Analytics" || app.LogoURL != "https://analytics.example.com/logo.png" ||
		len(scopes) != 2 || !slices.Equal(scopes[contractAdaID], []string{"openid", "email"}) || !slices.Equal(scopes[contractBobID], []string{"openid"}) {
		t.Errorf("GetConnectedApp = %+v", app)
	}

	page, err := orgs.Search(e.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationSlugs("acme-corp", "globex"))})
	contractOK(t, "Search", err)
	if page.Total != 2 || page.NextCursor != "" || len(page.Organizations) != 2 ||
		page.Organizations[0].ID != contractAcmeID || page.Organizations[1].ID != contractGlobexID {
		t.Errorf("Search = %+v", page)
	}
	var all []string
	for org, err := range orgs.SearchAll(e.ctx, client.OrganizationSearchParams{}) {
		contractOK(t, "SearchAll", err)
		all = append(all, org.ID)
	}
	if want := []string{contractAcmeID, contractGlobexID, created.ID}; !slices.Equal(all, want) {
		t.Errorf("SearchAll = %v, want %v", all, want)
	}

	contractOK(t, "Delete", orgs.Delete(e.ctx, created.ID))
	_, err = orgs.Get(e.ctx, created.ID)
	contractAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "organization_not_found")
}

func TestContractMembers(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	members := e.c.Members

	zed, err := members.Create(e.ctx, "globex", client.MemberCreateParams{
		EmailAddress: "Zed@Globex.com", Name: "Zed", ExternalID: "emp|0042",
		TrustedMetadata: client.Metadata{"team": "core"}, UntrustedMetadata: client.Metadata{"theme": "light"},
	})
	contractOK(t, "Create", err)
	if !strings.HasPrefix(zed.ID, "member-test-") || zed.EmailAddress != "zed@globex.com" || zed.Name != "Zed" ||
		zed.ExternalID != "emp|0042" || zed.Status != client.MemberActive || zed.OrganizationID != contractGlobexID ||
		contractJSON(t, zed.TrustedMetadata) != `{"team":"core"}` || contractJSON(t, zed.UntrustedMetadata) != `{"theme":"light"}` {
		t.Errorf("Create returned %+v", zed)
	}
	if zed.Organization == nil || zed.Organization.ID != contractGlobexID || zed.Organization.Slug != "globex" {
		t.Errorf("Create: Organization %+v", zed.Organization)
	}

	for _, ident := range []string{contractCarolID, "emp-0003"} {
		got, err := members.Get(e.ctx, "acme-corp", ident)
		contractOK(t, "Get "+ident, err)
		if got.ID != contractCarolID || got.Name != "Carol Verified" || got.Organization == nil || got.Organization.ID != contractAcmeID {
			t.Errorf("Get(%q) = %s %q", ident, got.ID, got.Name)
		}
	}
	bob, err := members.GetByEmail(e.ctx, contractAcmeID, "BOB@acme.com")
	contractOK(t, "GetByEmail", err)
	if bob.ID != contractBobID {
		t.Errorf("GetByEmail = %s", bob.ID)
	}

	renamed, err := members.Update(e.ctx, contractAcmeID, contractBobID, client.MemberUpdateParams{Name: client.Set("Robert Plain")})
	contractOK(t, "Update", err)
	if renamed.Name != "Robert Plain" || renamed.EmailAddress != "bob@acme.com" {
		t.Errorf("Update returned %q %q", renamed.Name, renamed.EmailAddress)
	}

	contractOK(t, "Delete", members.Delete(e.ctx, contractAcmeID, contractBobID))
	_, err = members.Get(e.ctx, contractAcmeID, contractBobID)
	contractAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "member_not_found")
	deleted, err := members.DangerouslyGet(e.ctx, contractBobID, client.DangerouslyGetParams{IncludeDeleted: true})
	contractOK(t, "DangerouslyGet a deleted member", err)
	if deleted.Status != client.MemberDeleted {
		t.Errorf("deleted member's status %q", deleted.Status)
	}
	back, err := members.Reactivate(e.ctx, contractAcmeID, contractBobID)
	contractOK(t, "Reactivate", err)
	if back.Status != client.MemberActive || back.Name != "Robert Plain" {
		t.Errorf("Reactivate returned %q %q", back.Status, back.Name)
	}

	ada, err := members.DangerouslyGet(e.ctx, contractAdaID, client.DangerouslyGetParams{})
	contractOK(t, "DangerouslyGet", err)
	if ada.OrganizationID != contractAcmeID || ada.Organization == nil || ada.Organization.ID != contractAcmeID ||
		ada.MemberPasswordID == "" || ada.MFAPhoneNumber != "+14155550100" || ada.TOTPRegistrationID == "" || ada.ExternalID != "emp|0001" ||
		len(ada.RetiredEmailAddresses) != 1 || ada.RetiredEmailAddresses[0].EmailAddress != "ada.byron@acme.com" || !ada.HasRole("stytch_admin") {
		t.Fatalf("DangerouslyGet = %+v", ada)
	}
	// Each removal answers with the member as it is afterwards.
	removed := func(name string, gone func(*client.Member) bool) func(*client.Member, error) {
		return func(m *client.Member, err error) {
			t.Helper()
			contractOK(t, name, err)
			if m.ID != contractAdaID || m.Organization == nil || !gone(m) {
				t.Errorf("%s returned %+v", name, m)
			}
		}
	}
	removed("DeletePassword", func(m *client.Member) bool { return m.MemberPasswordID == "" })(
		members.DeletePassword(e.ctx, contractAcmeID, ada.MemberPasswordID))
	removed("DeleteMFAPhoneNumber", func(m *client.Member) bool { return m.MFAPhoneNumber == "" && !m.MFAPhoneNumberVerified })(
		members.DeleteMFAPhoneNumber(e.ctx, contractAcmeID, contractAdaID))
	removed("DeleteTOTP", func(m *client.Member) bool { return m.TOTPRegistrationID == "" })(
		members.DeleteTOTP(e.ctx, contractAcmeID, contractAdaID))
	removed("DeleteExternalID", func(m *client.Member) bool { return m.ExternalID == "" })(
		members.DeleteExternalID(e.ctx, contractAcmeID, contractAdaID))
	removed("UnlinkRetiredEmail", func(m *client.Member) bool { return len(m.RetiredEmailAddresses) == 0 })(
		members.UnlinkRetiredEmail(e.ctx, contractAcmeID, contractAdaID, client.RetiredEmailParams{EmailAddress: "ada.byron@acme.com"}))

	m, err := members.StartEmailUpdate(e.ctx, contractAcmeID, contractCarolID, client.StartEmailUpdateParams{EmailAddress: "carol.new@acme.com"})
	contractOK(t, "StartEmailUpdate", err)
	if m.EmailAddress != "carol@acme.com" {
		t.Errorf("StartEmailUpdate changed the address at once: %q", m.EmailAddress)
	}
	if got := e.srv.PendingEmailUpdate(e.project, contractCarolID); got != "carol.new@acme.com" {
		t.Errorf("pending email update %q", got)
	}

	apps, err := members.ListConnectedApps(e.ctx, contractAcmeID, contractAdaID)
	contractOK(t, "ListConnectedApps", err)
	granted := map[string]string{}
	for _, a := range apps {
		granted[a.ConnectedAppID] = a.ScopesGranted
	}
	if len(apps) != 2 || granted[contractAppID] != "openid email" || granted[contractCLIAppID] != "openid" {
		t.Errorf("ListConnectedApps = %+v", apps)
	}
	contractOK(t, "RevokeConnectedApp", members.RevokeConnectedApp(e.ctx, contractAcmeID, contractAdaID, contractCLIAppID))
	apps, err = members.ListConnectedApps(e.ctx, contractAcmeID, contractAdaID)
	contractOK(t, "ListConnectedApps after revoking", err)
	if len(apps) != 1 || apps[0].ConnectedAppID != contractAppID {
		t.Errorf("after revoking: %+v", apps)
	}

	page, err := members.Search(e.ctx, client.MemberSearchParams{
		OrganizationIDs: []string{"acme-corp"},
		Query:           client.All(client.MemberEmailFuzzy("acme.com"), client.MemberStatuses(client.MemberActive)),
	})
	contractOK(t, "Search", err)
	var found []string
	for _, m := range page.Members {
		if found = append(found, m.ID); m.Organization == nil || m.Organization.ID != contractAcmeID {
			t.Errorf("Search: member %s has Organization %+v", m.ID, m.Organization)
		}
	}
	if want := []string{contractAdaID, contractBobID, contractCarolID}; page.Total != 3 || !slices.Equal(found, want) {
		t.Errorf("Search = %v (total %d), want %v", found, page.Total, want)
	}
}

func TestContractProviderTokens(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	members, ctx := e.c.Members, e.ctx
	withRefresh := client.TokenParams{IncludeRefreshToken: true}

	oidc, err := members.GetOIDCTokens(ctx, contractAcmeID, contractAdaID, withRefresh)
	contractOK(t, "GetOIDCTokens", err)
	if len(oidc) != 1 || oidc[0].ProviderSubject != "00u1a2b3c4d5e6f7g8h9" || oidc[0].RefreshToken != "rt_7Yc2VnD1Lk9sQ3" ||
		oidc[0].AccessTokenExpiresIn != 3600 || !slices.Equal(oidc[0].Scopes, []string{"openid", "profile"}) {
		t.Errorf("GetOIDCTokens = %+v", oidc)
	}
	oidc, err = members.GetOIDCTokens(ctx, contractAcmeID, contractAdaID, client.TokenParams{})
	contractOK(t, "GetOIDCTokens without the refresh token", err)
	if len(oidc) != 1 || oidc[0].RefreshToken != "" || oidc[0].AccessToken == "" {
		t.Errorf("GetOIDCTokens without the refresh token = %+v", oidc)
	}
	google, err := members.GetGoogleTokens(ctx, contractAcmeID, contractAdaID, withRefresh)
	contractOK(t, "GetGoogleTokens", err)
	if google.ProviderType != "Google" || google.AccessToken != "ya29.google-access-token" || google.RefreshToken != "1//google-refresh-token" {
		t.Errorf("GetGoogleTokens = %+v", google)
	}
	microsoft, err := members.GetMicrosoftTokens(ctx, contractAcmeID, contractAdaID, client.TokenParams{})
	contractOK(t, "GetMicrosoftTokens", err)
	if microsoft.ProviderType != "Microsoft" || microsoft.AccessToken != "EwBwA8l6BAAU7p9QDpi" || microsoft.RefreshToken != "" {
		t.Errorf("GetMicrosoftTokens = %+v", microsoft)
	}
	slack, err := members.GetSlackTokens(ctx, contractAcmeID, contractAdaID)
	contractOK(t, "GetSlackTokens", err)
	if len(slack) != 1 || slack[0].ProviderTenantID != "T01ACME4567" || slack[0].BotAccessToken != "xoxb-slack-bot-token" {
		t.Errorf("GetSlackTokens = %+v", slack)
	}
	hubspot, err := members.GetHubSpotTokens(ctx, contractAcmeID, contractAdaID, withRefresh)
	contractOK(t, "GetHubSpotTokens", err)
	if len(hubspot) != 1 || hubspot[0].ProviderTenantID != "21938477" || hubspot[0].RefreshToken != "5e2b1a8c-7f3d-4e9a-b6c1-0d2e4f6a8b1c" {
		t.Errorf("GetHubSpotTokens = %+v", hubspot)
	}
	github, err := members.GetGitHubTokens(ctx, contractAcmeID, contractAdaID, client.TokenParams{})
	contractOK(t, "GetGitHubTokens", err)
	if len(github) != 1 || github[0].ProviderSubject != "583231" || !slices.Equal(github[0].ProviderTenantIDs, []string{"9919", "10220"}) {
		t.Errorf("GetGitHubTokens = %+v", github)
	}
	if _, err := members.GetGoogleTokens(ctx, contractAcmeID, contractBobID, client.TokenParams{}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetGoogleTokens of a member without Google tokens: %v, want ErrNotFound", err)
	}
}

func TestContractRBACAndSessions(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)

	policy, err := e.c.RBAC.Policy(e.ctx)
	contractOK(t, "Policy", err)
	roles := map[string]bool{}
	for _, r := range policy.Roles {
		roles[r.RoleID] = true
	}
	if !roles["report-reader"] || !roles["stytch_admin"] || !roles["stytch_member"] {
		t.Errorf("Policy roles %v", roles)
	}
	if len(policy.Resources) == 0 || len(policy.Scopes) != 1 || policy.Scopes[0].Scope != "read:reports" ||
		!slices.ContainsFunc(policy.Resources, func(r client.Resource) bool { return r.ResourceID == "reports" }) {
		t.Errorf("Policy resources %+v, scopes %+v", policy.Resources, policy.Scopes)
	}

	orgPolicy, err := e.c.RBAC.OrganizationPolicy(e.ctx, contractAcmeID)
	contractOK(t, "OrganizationPolicy", err)
	if len(orgPolicy.Roles) != 1 || orgPolicy.Roles[0].RoleID != "acme-support" {
		t.Errorf("OrganizationPolicy = %+v", orgPolicy)
	}
	auditor := client.Role{RoleID: "globex-auditor", Description: "Reads reports.", Permissions: []client.Permission{{ResourceID: "reports", Actions: []string{"read"}}}}
	set, err := e.c.RBAC.SetOrganizationPolicy(e.ctx, "globex", client.OrganizationPolicy{Roles: []client.Role{auditor}})
	contractOK(t, "SetOrganizationPolicy", err)
	if contractJSON(t, set.Roles) != contractJSON(t, []client.Role{auditor}) {
		t.Errorf("SetOrganizationPolicy = %+v", set)
	}
	got, err := e.c.RBAC.OrganizationPolicy(e.ctx, contractGlobexID)
	contractOK(t, "OrganizationPolicy after setting", err)
	if contractJSON(t, got.Roles) != contractJSON(t, []client.Role{auditor}) {
		t.Errorf("OrganizationPolicy after setting = %+v", got)
	}

	keys, err := e.c.Sessions.JWKS(e.ctx)
	contractOK(t, "JWKS", err)
	if keys == nil || e.requests(http.MethodGet, "/v1/b2b/sessions/jwks/"+e.project) != 1 {
		t.Errorf("JWKS returned %v, requests of the project's keys: %d", keys, e.requests(http.MethodGet, "/v1/b2b/sessions/jwks/"+e.project))
	}
}

func TestContractUpdateLeavesUnsetFieldsAlone(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	orgs := e.c.Organizations

	before, err := orgs.Create(e.ctx, client.OrganizationCreateParams{
		Name: "Initech", Slug: "initech", LogoURL: "https://initech.com/logo.png",
		EmailAllowedDomains: []string{"initech.com", "initech.io"},
		MFAPolicy:           client.MFARequiredForAll,
		TrustedMetadata:     client.Metadata{"plan": "starter"},
	})
	contractOK(t, "Create", err)

	same, err := orgs.Update(e.ctx, before.ID, client.OrganizationUpdateParams{})
	contractOK(t, "empty Update", err)
	if body := e.lastRequest().Body; body != "{}" {
		t.Errorf("an empty update sent %s", body)
	}
	want := *before
	want.UpdatedAt = same.UpdatedAt
	if got := contractJSON(t, same); got != contractJSON(t, want) {
		t.Errorf("an empty update changed the organization:\n got %s\nwant %s", got, contractJSON(t, want))
	}

	cleared, err := orgs.Update(e.ctx, before.ID, client.OrganizationUpdateParams{LogoURL: client.Set(""), EmailAllowedDomains: client.Set([]string{})})
	contractOK(t, "clearing Update", err)
	if cleared.LogoURL != "" || len(cleared.EmailAllowedDomains) != 0 {
		t.Errorf("Set(\"\") and Set([]string{}) left logo %q, domains %v", cleared.LogoURL, cleared.EmailAllowedDomains)
	}
	if cleared.Name != "Initech" || cleared.Slug != "initech" || cleared.MFAPolicy != client.MFARequiredForAll ||
		contractJSON(t, cleared.TrustedMetadata) != `{"plan":"starter"}` {
		t.Errorf("clearing two fields changed others: %+v", cleared)
	}
	acme, err := orgs.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{SSODefaultConnectionID: client.Clear[string]()})
	contractOK(t, "Clear SSODefaultConnectionID", err)
	if acme.SSODefaultConnectionID != "" || len(acme.SSOActiveConnections) != 1 {
		t.Errorf("Clear left default connection %q, connections %v", acme.SSODefaultConnectionID, acme.SSOActiveConnections)
	}

	members := e.c.Members
	zed, err := members.Create(e.ctx, contractGlobexID, client.MemberCreateParams{
		EmailAddress: "zed@globex.com", Name: "Zed", Roles: []string{"report-reader"}, IsBreakglass: true, MFAEnrolled: true,
	})
	contractOK(t, "member Create", err)
	if !zed.IsBreakglass || !zed.MFAEnrolled || !zed.HasRole("report-reader") {
		t.Fatalf("member Create returned %+v", zed)
	}
	m, err := members.Update(e.ctx, contractGlobexID, zed.ID, client.MemberUpdateParams{IsBreakglass: client.Set(false)})
	contractOK(t, "member Update", err)
	if m.IsBreakglass || !m.MFAEnrolled || m.Name != "Zed" || !m.HasRole("report-reader") {
		t.Errorf("Set(false) on IsBreakglass: breakglass %v, mfa %v, name %q, roles %v", m.IsBreakglass, m.MFAEnrolled, m.Name, m.Roles)
	}
	m, err = members.Update(e.ctx, contractGlobexID, zed.ID, client.MemberUpdateParams{
		MFAEnrolled: client.Set(false), Name: client.Set(""), Roles: client.Set([]string{}),
	})
	contractOK(t, "member Update clearing", err)
	if m.MFAEnrolled || m.Name != "" || m.HasRole("report-reader") || m.EmailAddress != "zed@globex.com" {
		t.Errorf("clearing the member left mfa %v, name %q, roles %v", m.MFAEnrolled, m.Name, m.Roles)
	}
}

func TestContractMetadataPatches(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)

	org, err := e.c.Organizations.Get(e.ctx, contractAcmeID)
	contractOK(t, "Get", err)
	stored := org.TrustedMetadata
	for i, patch := range []client.MetadataPatch{
		client.MetadataPatch{}.Set("tier", "gold").Delete("seats").Set("limits", map[string]any{"api": 100, "ui": 3}),
		client.MetadataPatch{}.Set("limits", map[string]any{"ui": 5}).Delete("never-there"), // nested values are replaced whole
		client.MetadataPatch{}.Set("flags", []any{"beta", true}).Set("plan", nil),
		{}, // the zero patch changes nothing
	} {
		predicted := stored.Apply(patch)
		got, err := e.c.Organizations.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{TrustedMetadata: patch})
		contractOK(t, "Update", err)
		if contractJSON(t, got.TrustedMetadata) != contractJSON(t, predicted) {
			t.Errorf("patch %d: server stored %s, Apply predicted %s", i, contractJSON(t, got.TrustedMetadata), contractJSON(t, predicted))
		}
		stored = got.TrustedMetadata
	}
	if want := `{"flags":["beta",true],"limits":{"ui":5},"tier":"gold"}`; contractJSON(t, stored) != want {
		t.Errorf("after every patch: %s, want %s", contractJSON(t, stored), want)
	}

	ada, err := e.c.Members.Update(e.ctx, contractAcmeID, contractAdaID, client.MemberUpdateParams{
		UntrustedMetadata: client.MetadataPatch{}.Set("lang", "fr").Delete("theme"),
	})
	contractOK(t, "member Update", err)
	if untrusted, trusted := contractJSON(t, ada.UntrustedMetadata), contractJSON(t, ada.TrustedMetadata); untrusted != `{"lang":"fr"}` || trusted != `{"clearance":"top"}` {
		t.Errorf("untrusted metadata %s, trusted %s", untrusted, trusted)
	}
}

func TestContractErrors(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	orgs := e.c.Organizations

	_, err := orgs.Get(e.ctx, "no-such-organization")
	se := contractAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "organization_not_found")
	if se.Method != http.MethodGet || se.Path != "/v1/b2b/organizations/no-such-organization" {
		t.Errorf("error names %s %s", se.Method, se.Path)
	}

	_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Bad", Slug: "!!"})
	contractAPIError(t, err, client.ErrInvalidRequest, http.StatusBadRequest, "invalid_organization_slug")
	if errors.Is(err, client.ErrConflict) {
		t.Error("a bad slug matches ErrConflict")
	}
	_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Acme Again", Slug: "acme-corp"})
	contractAPIError(t, err, client.ErrConflict, http.StatusBadRequest, "organization_slug_already_used")
	if !errors.Is(err, client.ErrInvalidRequest) {
		t.Error("a duplicate slug does not match ErrInvalidRequest")
	}
	_, err = e.c.Members.Create(e.ctx, contractAcmeID, client.MemberCreateParams{EmailAddress: "Bob@acme.com"})
	contractAPIError(t, err, client.ErrConflict, http.StatusBadRequest, "duplicate_member_email")
	if !errors.Is(err, client.ErrInvalidRequest) {
		t.Error("a duplicate email does not match ErrInvalidRequest")
	}

	// The mock learned this client's secret with its first request; another one is refused.
	other, err := client.New(e.project, "another-secret", client.WithBaseURL(e.srv.URL), client.WithRetryWaits(0, 0))
	contractOK(t, "New", err)
	_, err = other.Organizations.Get(e.ctx, contractAcmeID)
	contractAPIError(t, err, client.ErrUnauthorized, http.StatusUnauthorized, "unauthorized_credentials")
	_, err = orgs.Get(e.ctx, contractAcmeID)
	contractOK(t, "Get with the first secret", err)

	_, err = orgs.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by Bob")}, client.WithMemberSession("session-token-bob"))
	contractAPIError(t, err, client.ErrForbidden, http.StatusForbidden, "unauthorized_action")
	if org, err := orgs.Get(e.ctx, contractAcmeID); err != nil || org.Name != "Acme Corporation" {
		t.Errorf("a forbidden update changed the organization: %v", err)
	}
	org, err := orgs.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by Ada")}, client.WithMemberSession("session-token-ada"))
	contractOK(t, "Update as an admin", err)
	if org.Name != "Acme by Ada" {
		t.Errorf("admin's update: name %q", org.Name)
	}
	org, err = orgs.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by JWT")},
		client.WithMemberSessionJWT("eyJhbGciOiJSUzI1NiJ9.ada-session.sig"))
	contractOK(t, "Update as an admin by session JWT", err)
	if org.Name != "Acme by JWT" {
		t.Errorf("admin's update by session JWT: name %q", org.Name)
	}
}

func TestContractRetriesThroughFaults(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	orgs := e.c.Organizations
	const createPath = "/v1/b2b/organizations"

	// A read that meets one 503 succeeds on its retry.
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: contractAcmePath, Status: http.StatusServiceUnavailable, Times: 1})
	org, err := orgs.Get(e.ctx, contractAcmeID)
	contractOK(t, "Get through a 503", err)
	var statuses []int
	for _, r := range e.srv.Requests() {
		if r.Path == contractAcmePath {
			statuses = append(statuses, r.Status)
		}
	}
	if org.ID != contractAcmeID || !slices.Equal(statuses, []int{http.StatusServiceUnavailable, http.StatusOK}) {
		t.Errorf("Get returned %s; its attempts were answered %v, want [503 200]", org.ID, statuses)
	}

	// A create that meets a 500 is not retried: Stytch may have created the organization.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, Status: http.StatusInternalServerError})
	if n := e.sent(http.MethodPost, createPath, func() {
		_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech"})
	}); n != 1 {
		t.Errorf("a create that met a 500 was sent %d times, want 1", n)
	}
	contractAPIError(t, err, client.ErrServer, http.StatusInternalServerError, "internal_server_error")

	// A create that meets a 429 is retried: Stytch refused it without acting on it.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, Status: http.StatusTooManyRequests})
	var created *client.Organization
	if n := e.sent(http.MethodPost, createPath, func() {
		created, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech"})
	}); n != 2 {
		t.Errorf("a create that met a 429 was sent %d times, want 2", n)
	}
	contractOK(t, "Create through a 429", err)
	if created.Slug != "initech" {
		t.Errorf("Create returned slug %q", created.Slug)
	}

	// A connection lost after a create was sent is not retried either; a lost read is.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, DropConnection: true})
	if n := e.sent(http.MethodPost, createPath, func() {
		_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Dropped"})
	}); n != 1 || err == nil || errors.As(err, new(*client.Error)) {
		t.Errorf("a create whose connection dropped was sent %d times and returned %v; want 1 and a transport error", n, err)
	}
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: contractAcmePath, DropConnection: true})
	_, err = orgs.Get(e.ctx, contractAcmeID)
	contractOK(t, "Get through a dropped connection", err)

	// When retries run out, the last answer is the error: 1 attempt and 2 retries.
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: contractAcmePath, Status: http.StatusTooManyRequests, Times: 3})
	if n := e.sent(http.MethodGet, contractAcmePath, func() { _, err = orgs.Get(e.ctx, contractAcmeID) }); n != 3 {
		t.Errorf("a rate-limited read was sent %d times, want 3", n)
	}
	if se := contractAPIError(t, err, client.ErrRateLimited, http.StatusTooManyRequests, "too_many_requests"); !se.Temporary() {
		t.Error("a 429 is not Temporary")
	}
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: contractAcmePath, Status: http.StatusBadGateway, RetryAfter: "7"})
	if n := e.sent(http.MethodGet, contractAcmePath, func() {
		_, err = orgs.Get(e.ctx, contractAcmeID, client.WithRequestMaxRetries(0))
	}); n != 1 {
		t.Errorf("with WithRequestMaxRetries(0) a read was sent %d times, want 1", n)
	}
	if se := contractAPIError(t, err, client.ErrServer, http.StatusBadGateway, "internal_server_error"); se.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter %v, want the server's 7s", se.RetryAfter)
	}
	if pending := e.srv.PendingFaults(); len(pending) != 0 {
		t.Errorf("faults left unused: %+v", pending)
	}
}

func TestContractLocalValidation(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	tooMany, manyKeys := client.Metadata{}, client.MetadataPatch{}
	for i := range client.MetadataMaxKeys + 1 {
		tooMany[fmt.Sprintf("k%02d", i)] = i
		manyKeys.Set(fmt.Sprintf("k%02d", i), i)
	}
	tooLarge := client.Metadata{"blob": strings.Repeat("x", client.MetadataMaxBytes)}
	sent := len(e.srv.Requests())

	contractRefused[*client.Organization](t, "organization create, 21 keys", "trusted_metadata", "metadata_too_many_keys")(
		e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech", TrustedMetadata: tooMany}))
	contractRefused[*client.Organization](t, "organization create, over 4 KB", "trusted_metadata", "metadata_too_large")(
		e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech", TrustedMetadata: tooLarge}))
	contractRefused[*client.Member](t, "member create, over 4 KB", "untrusted_metadata", "metadata_too_large")(
		e.c.Members.Create(e.ctx, contractGlobexID, client.MemberCreateParams{EmailAddress: "zed@globex.com", UntrustedMetadata: tooLarge}))
	contractRefused[*client.Organization](t, "organization update, patch of 21 keys", "trusted_metadata", "metadata_too_many_keys")(
		e.c.Organizations.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{TrustedMetadata: manyKeys}))
	contractRefused[*client.Member](t, "member update, patch of 21 keys", "untrusted_metadata", "metadata_too_many_keys")(
		e.c.Members.Update(e.ctx, contractAcmeID, contractAdaID, client.MemberUpdateParams{UntrustedMetadata: manyKeys}))
	contractRefused[*client.MemberPage](t, "member search without organizations", "organization_ids", "member_search_organization_ids_empty")(
		e.c.Members.Search(e.ctx, client.MemberSearchParams{Query: client.All(client.MemberEmails("ada@acme.com"))}))
	searchAllErr := errors.New("SearchAll yielded nothing")
	for _, err := range e.c.Members.SearchAll(e.ctx, client.MemberSearchParams{}) {
		searchAllErr = err
	}
	contractRefused[*client.Member](t, "member SearchAll without organizations", "organization_ids", "member_search_organization_ids_empty")(nil, searchAllErr)
	if n := len(e.srv.Requests()); n != sent {
		t.Errorf("%d requests were sent for calls refused locally", n-sent)
	}

	// Metadata exactly at the limits is sent, and accepted.
	atLimit, twenty := client.Metadata{"blob": ""}, client.Metadata{}
	atLimit["blob"] = strings.Repeat("x", client.MetadataMaxBytes-len(contractJSON(t, atLimit)))
	for i := range client.MetadataMaxKeys {
		twenty[fmt.Sprintf("k%02d", i)] = i
	}
	for _, md := range []client.Metadata{atLimit, twenty} {
		org, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "At the limit", TrustedMetadata: md})
		contractOK(t, "Create at the limit", err)
		if contractJSON(t, org.TrustedMetadata) != contractJSON(t, md) {
			t.Errorf("stored %d keys, sent %d", len(org.TrustedMetadata), len(md))
		}
	}

	// A patch that fits alone but not with what is stored can only be refused by the server.
	fits := client.MetadataPatch{}
	for i := range client.MetadataMaxKeys - 1 {
		fits.Set(fmt.Sprintf("k%02d", i), i)
	}
	var err error
	if n := e.sent(http.MethodPut, contractAcmePath, func() {
		_, err = e.c.Organizations.Update(e.ctx, contractAcmeID, client.OrganizationUpdateParams{TrustedMetadata: fits})
	}); n != 1 {
		t.Errorf("the update only the server can refuse was sent %d times, want 1", n)
	}
	contractAPIError(t, err, client.ErrInvalidRequest, http.StatusBadRequest, "metadata_too_many_keys")
}

func TestContractOrganizationPagination(t *testing.T) {
	t.Parallel()
	e := contractStart(t, false)
	const searchPath = "/v1/b2b/organizations/search"
	var widgets []string // every fourth organization, in creation order
	for i := range 250 {
		name := fmt.Sprintf("Pager Org %03d", i)
		if i%4 == 0 {
			name = fmt.Sprintf("Acme WIDGETS %03d", i)
		}
		org, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: name})
		contractOK(t, "Create "+name, err)
		if i%4 == 0 {
			widgets = append(widgets, org.ID)
		}
	}

	params := client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy("widgets")), Limit: 7, Cursor: "ignored"}
	paramsBefore, queryBefore := params, contractJSON(t, params.Query)

	first, err := e.c.Organizations.Search(e.ctx, client.OrganizationSearchParams{Query: params.Query, Limit: 7})
	contractOK(t, "Search", err)
	if first.Total != len(widgets) || len(first.Organizations) != 7 || first.NextCursor == "" {
		t.Fatalf("first page: %d organizations of %d, next cursor %q; want 7 of %d", len(first.Organizations), first.Total, first.NextCursor, len(widgets))
	}

	var got []string
	seen := map[string]bool{}
	if n := e.sent(http.MethodPost, searchPath, func() {
		for org, err := range e.c.Organizations.SearchAll(e.ctx, params) {
			contractOK(t, "SearchAll", err)
			if seen[org.ID] {
				t.Errorf("SearchAll yielded %s twice", org.ID)
			}
			seen[org.ID] = true
			got = append(got, org.ID)
		}
	}); n != 9 {
		t.Errorf("SearchAll fetched %d pages, want 9 (63 results, 7 a page)", n)
	}
	if !slices.Equal(got, widgets) || len(got) != first.Total {
		t.Errorf("SearchAll yielded %d organizations, want the %d widgets in creation order", len(got), first.Total)
	}

	if n := e.sent(http.MethodPost, searchPath, func() {
		count := 0
		for _, err := range e.c.Organizations.SearchAll(e.ctx, params) {
			contractOK(t, "SearchAll", err)
			if count++; count == 10 {
				break
			}
		}
	}); n != 2 {
		t.Errorf("breaking out after 10 results fetched %d pages, want 2", n)
	}

	if params.Limit != paramsBefore.Limit || params.Cursor != paramsBefore.Cursor || params.Query != paramsBefore.Query ||
		contractJSON(t, params.Query) != queryBefore {
		t.Errorf("SearchAll changed its params: %+v", params)
	}
}

func TestContractMemberSearchAllAcrossOrganizations(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	for _, email := range []string{"zed@globex.com", "yan@globex.com"} {
		_, err := e.c.Members.Create(e.ctx, "globex", client.MemberCreateParams{EmailAddress: email})
		contractOK(t, "Create "+email, err)
	}
	names := map[string]string{contractAcmeID: "Acme Corporation", contractGlobexID: "Globex"}
	perOrg := map[string]int{}
	if n := e.sent(http.MethodPost, "/v1/b2b/organizations/members/search", func() {
		for m, err := range e.c.Members.SearchAll(e.ctx, client.MemberSearchParams{OrganizationIDs: []string{"acme-corp", contractGlobexID}, Limit: 2}) {
			contractOK(t, "SearchAll", err)
			if m.Organization == nil || m.Organization.ID != m.OrganizationID || m.Organization.Name != names[m.OrganizationID] {
				t.Errorf("member %s of %s has Organization %+v", m.ID, m.OrganizationID, m.Organization)
			}
			perOrg[m.OrganizationID]++
		}
	}); n != 4 {
		t.Errorf("SearchAll fetched %d pages, want 4 (7 members, 2 a page)", n)
	}
	if perOrg[contractAcmeID] != 4 || perOrg[contractGlobexID] != 3 {
		t.Errorf("members by organization %v, want 4 of Acme and 3 of Globex", perOrg)
	}
}

func TestContractSearchAllStopsOnARepeatedCursor(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var cursors []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Cursor string `json:"cursor"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		cursors = append(cursors, body.Cursor)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status_code":200,"request_id":"request-id-test-loop",
			"organizations":[{"organization_id":"organization-test-loop","organization_name":"Loop"}],
			"results_metadata":{"total":1000,"next_cursor":"same-cursor"}}`)
	}))
	t.Cleanup(ts.Close)
	c, err := client.New("project-test-"+uuid.NewString(), contractSecret, client.WithBaseURL(ts.URL), client.WithRetryWaits(0, 0))
	contractOK(t, "New", err)

	results := 0
	var last error
	for org, err := range c.Organizations.SearchAll(t.Context(), client.OrganizationSearchParams{}) {
		switch {
		case err == nil:
			results++
		case org != nil:
			t.Errorf("the error came with organization %+v", org)
		default:
			last = err
		}
	}
	if !errors.Is(last, client.ErrCursorLoop) {
		t.Errorf("SearchAll ended with %v, want ErrCursorLoop", last)
	}
	mu.Lock()
	defer mu.Unlock()
	if results != 2 || !slices.Equal(cursors, []string{"", "same-cursor"}) {
		t.Errorf("%d results from requests with cursors %q; want 2 from [\"\" \"same-cursor\"]", results, cursors)
	}
}

// contractRecordingTransport keeps the headers of every request it sends on.
type contractRecordingTransport struct {
	mu      sync.Mutex
	headers []http.Header
}

func (rt *contractRecordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.headers = append(rt.headers, r.Header.Clone())
	rt.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestContractRequestOptions(t *testing.T) {
	t.Parallel()
	rt := &contractRecordingTransport{}
	e := contractStart(t, true, client.WithUserAgent("contract-suite/1.0"), client.WithHTTPClient(&http.Client{Transport: rt}))

	_, err := e.c.Organizations.Get(e.ctx, contractAcmeID, client.WithHeader("X-Request-Tag", "contract-42"))
	contractOK(t, "Get", err)
	last := e.lastRequest()
	if last.Path != contractAcmePath || last.Header.Get("X-Request-Tag") != "contract-42" || last.ProjectID != e.project {
		t.Errorf("the server got %s of %s with X-Request-Tag %q", last.Path, last.ProjectID, last.Header.Get("X-Request-Tag"))
	}
	if ua := last.Header.Get("User-Agent"); !strings.HasPrefix(ua, "stytchorgs-go/"+client.Version+" ") || !strings.HasSuffix(ua, " contract-suite/1.0") {
		t.Errorf("User-Agent %q", ua)
	}

	// The mock drops Authorization from its log, so read it where it was sent.
	rt.mu.Lock()
	auth := rt.headers[len(rt.headers)-1].Get("Authorization")
	rt.mu.Unlock()
	r := &http.Request{Header: http.Header{"Authorization": {auth}}}
	if user, pass, ok := r.BasicAuth(); !ok || !strings.HasPrefix(auth, "Basic ") || user != e.project || pass != contractSecret {
		t.Errorf("Authorization %q is not Basic with the project id and secret", auth)
	}
}

func TestContractRequestTimeout(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: contractAcmePath, Latency: 2 * time.Second})
	start := time.Now()
	_, err := e.c.Organizations.Get(e.ctx, contractAcmeID, client.WithRequestTimeout(50*time.Millisecond))
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the call took %v; its timeout was 50ms", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, new(*client.Error)) {
		t.Errorf("a call past its timeout returned %v, want context.DeadlineExceeded as it is", err)
	}
	// The timeout bounds the call, retries included: the slow request was not sent again.
	if n := e.requests(http.MethodGet, contractAcmePath); n > 1 {
		t.Errorf("the timed-out call was sent %d times", n)
	}
}
