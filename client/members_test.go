package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
)

// The tests of this file run the member, RBAC and session methods against the mock, seeded
// with testdata/contract_fixture.json.

func TestMembers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	members := e.c.Members

	zed, err := members.Create(e.ctx, "globex", client.MemberCreateParams{
		EmailAddress: "Zed@Globex.com", Name: "Zed", ExternalID: "emp|0042",
		TrustedMetadata: client.Metadata{"team": "core"}, UntrustedMetadata: client.Metadata{"theme": "light"},
	})
	mustOK(t, "Create", err)
	if diff := diffFields(zed, map[string]any{
		"EmailAddress": "zed@globex.com", "Name": "Zed", "ExternalID": "emp|0042", "Status": client.MemberActive, "OrganizationID": globexID,
		"TrustedMetadata": client.Metadata{"team": "core"}, "UntrustedMetadata": client.Metadata{"theme": "light"},
	}); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(zed.ID, "member-test-") {
		t.Errorf("Create returned id %q", zed.ID)
	}
	if diff := diffFields(zed.Organization, map[string]any{"ID": globexID, "Slug": "globex"}); diff != "" {
		t.Errorf("Create: Organization (-want +got):\n%s", diff)
	}

	for _, ident := range []string{carolID, "emp-0003"} {
		got, err := members.Get(e.ctx, "acme-corp", ident)
		mustOK(t, "Get "+ident, err)
		if diff := diffFields(got, map[string]any{"ID": carolID, "Name": "Carol Verified"}); diff != "" {
			t.Errorf("Get(%q) (-want +got):\n%s", ident, diff)
		}
		if diff := diffFields(got.Organization, map[string]any{"ID": acmeID}); diff != "" {
			t.Errorf("Get(%q): Organization (-want +got):\n%s", ident, diff)
		}
	}
	bob, err := members.GetByEmail(e.ctx, acmeID, "BOB@acme.com")
	mustOK(t, "GetByEmail", err)
	if bob.ID != bobID {
		t.Errorf("GetByEmail = %s, want %s", bob.ID, bobID)
	}

	renamed, err := members.Update(e.ctx, acmeID, bobID, client.MemberUpdateParams{Name: client.Set("Robert Plain")})
	mustOK(t, "Update", err)
	if diff := diffFields(renamed, map[string]any{"Name": "Robert Plain", "EmailAddress": "bob@acme.com"}); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}

	mustOK(t, "Delete", members.Delete(e.ctx, acmeID, bobID))
	_, err = members.Get(e.ctx, acmeID, bobID)
	wantAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "member_not_found")
	deleted, err := members.DangerouslyGet(e.ctx, bobID, client.DangerouslyGetParams{IncludeDeleted: true})
	mustOK(t, "DangerouslyGet a deleted member", err)
	if deleted.Status != client.MemberDeleted {
		t.Errorf("deleted member's status %q", deleted.Status)
	}
	back, err := members.Reactivate(e.ctx, acmeID, bobID)
	mustOK(t, "Reactivate", err)
	if diff := diffFields(back, map[string]any{"Status": client.MemberActive, "Name": "Robert Plain"}); diff != "" {
		t.Errorf("Reactivate (-want +got):\n%s", diff)
	}

	testRemovals(t, e)

	m, err := members.StartEmailUpdate(e.ctx, acmeID, carolID, client.StartEmailUpdateParams{EmailAddress: "carol.new@acme.com"})
	mustOK(t, "StartEmailUpdate", err)
	if m.EmailAddress != "carol@acme.com" {
		t.Errorf("StartEmailUpdate changed the address at once: %q", m.EmailAddress)
	}
	if got := e.mock.PendingEmailUpdate(e.project, carolID); got != "carol.new@acme.com" {
		t.Errorf("pending email update %q", got)
	}

	apps, err := members.ListConnectedApps(e.ctx, acmeID, adaID)
	mustOK(t, "ListConnectedApps", err)
	granted := map[string]string{}
	for _, a := range apps {
		granted[a.ConnectedAppID] = a.ScopesGranted
	}
	if diff := cmp.Diff(map[string]string{appID: "openid email", cliAppID: "openid"}, granted); diff != "" {
		t.Errorf("ListConnectedApps: scopes by app (-want +got):\n%s", diff)
	}
	mustOK(t, "RevokeConnectedApp", members.RevokeConnectedApp(e.ctx, acmeID, adaID, cliAppID))
	apps, err = members.ListConnectedApps(e.ctx, acmeID, adaID)
	mustOK(t, "ListConnectedApps after revoking", err)
	if len(apps) != 1 || apps[0].ConnectedAppID != appID {
		t.Errorf("after revoking: %+v", apps)
	}

	page, err := members.Search(e.ctx, client.MemberSearchParams{
		OrganizationIDs: []string{"acme-corp"},
		Query:           client.All(client.MemberEmailFuzzy("acme.com"), client.MemberStatuses(client.MemberActive)),
	})
	mustOK(t, "Search", err)
	var found []string
	for _, m := range page.Members {
		found = append(found, m.ID)
		if diff := diffFields(m.Organization, map[string]any{"ID": acmeID}); diff != "" {
			t.Errorf("Search: member %s's Organization (-want +got):\n%s", m.ID, diff)
		}
	}
	if diff := cmp.Diff([]string{adaID, bobID, carolID}, found); diff != "" || page.Total != 3 {
		t.Errorf("Search: total %d, members (-want +got):\n%s", page.Total, diff)
	}
}

// testRemovals runs the methods that remove one thing from Ada, each of which answers with the
// member as it is afterwards.
func testRemovals(t *testing.T, e *env) {
	t.Helper()
	members := e.c.Members
	ada, err := members.DangerouslyGet(e.ctx, adaID, client.DangerouslyGetParams{})
	mustOK(t, "DangerouslyGet", err)
	if ada.MemberPasswordID == "" || ada.TOTPRegistrationID == "" || !ada.HasRole("stytch_admin") || len(ada.RetiredEmailAddresses) != 1 {
		t.Fatalf("DangerouslyGet = %+v", ada)
	}
	if diff := diffFields(ada, map[string]any{"OrganizationID": acmeID, "MFAPhoneNumber": "+14155550100", "ExternalID": "emp|0001",
		"RetiredEmailAddresses": []client.RetiredEmail{{EmailID: ada.RetiredEmailAddresses[0].EmailID, EmailAddress: "ada.byron@acme.com"}}}); diff != "" {
		t.Fatalf("DangerouslyGet (-want +got):\n%s", diff)
	}
	if diff := diffFields(ada.Organization, map[string]any{"ID": acmeID}); diff != "" {
		t.Fatalf("DangerouslyGet: Organization (-want +got):\n%s", diff)
	}
	removed := func(name string, gone func(*client.Member) bool) func(*client.Member, error) {
		return func(m *client.Member, err error) {
			t.Helper()
			mustOK(t, name, err)
			if m.ID != adaID || m.Organization == nil || !gone(m) {
				t.Errorf("%s returned %+v", name, m)
			}
		}
	}
	removed("DeletePassword", func(m *client.Member) bool { return m.MemberPasswordID == "" })(
		members.DeletePassword(e.ctx, acmeID, ada.MemberPasswordID))
	removed("DeleteMFAPhoneNumber", func(m *client.Member) bool { return m.MFAPhoneNumber == "" && !m.MFAPhoneNumberVerified })(
		members.DeleteMFAPhoneNumber(e.ctx, acmeID, adaID))
	removed("DeleteTOTP", func(m *client.Member) bool { return m.TOTPRegistrationID == "" })(
		members.DeleteTOTP(e.ctx, acmeID, adaID))
	removed("DeleteExternalID", func(m *client.Member) bool { return m.ExternalID == "" })(
		members.DeleteExternalID(e.ctx, acmeID, adaID))
	removed("UnlinkRetiredEmail", func(m *client.Member) bool { return len(m.RetiredEmailAddresses) == 0 })(
		members.UnlinkRetiredEmail(e.ctx, acmeID, adaID, client.RetiredEmailParams{EmailAddress: "ada.byron@acme.com"}))
}

func TestProviderTokens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	members, ctx := e.c.Members, e.ctx
	withRefresh := client.TokenParams{IncludeRefreshToken: true}

	oidc, err := members.GetOIDCTokens(ctx, acmeID, adaID, withRefresh)
	mustOK(t, "GetOIDCTokens", err)
	if len(oidc) != 1 {
		t.Fatalf("GetOIDCTokens = %+v, want one connection's tokens", oidc)
	}
	if diff := diffFields(oidc[0], map[string]any{"ProviderSubject": "00u1a2b3c4d5e6f7g8h9", "RefreshToken": "rt_7Yc2VnD1Lk9sQ3",
		"AccessTokenExpiresIn": int32(3600), "Scopes": []string{"openid", "profile"}}); diff != "" {
		t.Errorf("GetOIDCTokens (-want +got):\n%s", diff)
	}
	oidc, err = members.GetOIDCTokens(ctx, acmeID, adaID, client.TokenParams{})
	mustOK(t, "GetOIDCTokens without the refresh token", err)
	if len(oidc) != 1 || oidc[0].RefreshToken != "" || oidc[0].AccessToken == "" {
		t.Errorf("GetOIDCTokens without the refresh token = %+v", oidc)
	}
	google, err := members.GetGoogleTokens(ctx, acmeID, adaID, withRefresh)
	mustOK(t, "GetGoogleTokens", err)
	if diff := diffFields(google, map[string]any{"ProviderType": "Google", "AccessToken": "ya29.google-access-token", "RefreshToken": "1//google-refresh-token"}); diff != "" {
		t.Errorf("GetGoogleTokens (-want +got):\n%s", diff)
	}
	microsoft, err := members.GetMicrosoftTokens(ctx, acmeID, adaID, client.TokenParams{})
	mustOK(t, "GetMicrosoftTokens", err)
	if diff := diffFields(microsoft, map[string]any{"ProviderType": "Microsoft", "AccessToken": "EwBwA8l6BAAU7p9QDpi", "RefreshToken": ""}); diff != "" {
		t.Errorf("GetMicrosoftTokens (-want +got):\n%s", diff)
	}
	slack, err := members.GetSlackTokens(ctx, acmeID, adaID)
	mustOK(t, "GetSlackTokens", err)
	if len(slack) != 1 || slack[0].ProviderTenantID != "T01ACME4567" || slack[0].BotAccessToken != "xoxb-slack-bot-token" {
		t.Errorf("GetSlackTokens = %+v", slack)
	}
	hubspot, err := members.GetHubSpotTokens(ctx, acmeID, adaID, withRefresh)
	mustOK(t, "GetHubSpotTokens", err)
	if len(hubspot) != 1 || hubspot[0].ProviderTenantID != "21938477" || hubspot[0].RefreshToken != "5e2b1a8c-7f3d-4e9a-b6c1-0d2e4f6a8b1c" {
		t.Errorf("GetHubSpotTokens = %+v", hubspot)
	}
	github, err := members.GetGitHubTokens(ctx, acmeID, adaID, client.TokenParams{})
	mustOK(t, "GetGitHubTokens", err)
	if len(github) != 1 || github[0].ProviderSubject != "583231" || !cmp.Equal(github[0].ProviderTenantIDs, []string{"9919", "10220"}) {
		t.Errorf("GetGitHubTokens = %+v", github)
	}
	if _, err := members.GetGoogleTokens(ctx, acmeID, bobID, client.TokenParams{}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("GetGoogleTokens of a member without Google tokens: %v, want ErrNotFound", err)
	}
}

func TestMemberSearchAllAcrossOrganizations(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	for _, email := range []string{"zed@globex.com", "yan@globex.com"} {
		_, err := e.c.Members.Create(e.ctx, "globex", client.MemberCreateParams{EmailAddress: email})
		mustOK(t, "Create "+email, err)
	}
	names := map[string]string{acmeID: "Acme Corporation", globexID: "Globex"}
	perOrg := map[string]int{}
	if n := e.sent(http.MethodPost, "/v1/b2b/organizations/members/search", func() {
		for m, err := range e.c.Members.SearchAll(e.ctx, client.MemberSearchParams{OrganizationIDs: []string{"acme-corp", globexID}, Limit: 2}) {
			mustOK(t, "SearchAll", err)
			if diff := diffFields(m.Organization, map[string]any{"ID": m.OrganizationID, "Name": names[m.OrganizationID]}); diff != "" {
				t.Errorf("member %s of %s: Organization (-want +got):\n%s", m.ID, m.OrganizationID, diff)
			}
			perOrg[m.OrganizationID]++
		}
	}); n != 4 {
		t.Errorf("SearchAll fetched %d pages, want 4 (7 members, 2 a page)", n)
	}
	if diff := cmp.Diff(map[string]int{acmeID: 4, globexID: 3}, perOrg); diff != "" {
		t.Errorf("members by organization (-want +got):\n%s", diff)
	}
}

func TestRBACAndSessions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)

	policy, err := e.c.RBAC.Policy(e.ctx)
	mustOK(t, "Policy", err)
	roles := map[string]bool{}
	for _, r := range policy.Roles {
		roles[r.RoleID] = true
	}
	if !roles["report-reader"] || !roles["stytch_admin"] || !roles["stytch_member"] {
		t.Errorf("Policy roles %v", roles)
	}
	resources := map[string]bool{}
	for _, r := range policy.Resources {
		resources[r.ResourceID] = true
	}
	if !resources["reports"] || len(policy.Scopes) != 1 || policy.Scopes[0].Scope != "read:reports" {
		t.Errorf("Policy resources %+v, scopes %+v", policy.Resources, policy.Scopes)
	}

	orgPolicy, err := e.c.RBAC.OrganizationPolicy(e.ctx, acmeID)
	mustOK(t, "OrganizationPolicy", err)
	if len(orgPolicy.Roles) != 1 || orgPolicy.Roles[0].RoleID != "acme-support" {
		t.Errorf("OrganizationPolicy = %+v", orgPolicy)
	}
	auditor := client.Role{RoleID: "globex-auditor", Description: "Reads reports.", Permissions: []client.Permission{{ResourceID: "reports", Actions: []string{"read"}}}}
	set, err := e.c.RBAC.SetOrganizationPolicy(e.ctx, "globex", client.OrganizationPolicy{Roles: []client.Role{auditor}})
	mustOK(t, "SetOrganizationPolicy", err)
	if diff := cmp.Diff([]client.Role{auditor}, set.Roles); diff != "" {
		t.Errorf("SetOrganizationPolicy (-want +got):\n%s", diff)
	}
	got, err := e.c.RBAC.OrganizationPolicy(e.ctx, globexID)
	mustOK(t, "OrganizationPolicy after setting", err)
	if diff := cmp.Diff([]client.Role{auditor}, got.Roles); diff != "" {
		t.Errorf("OrganizationPolicy after setting (-want +got):\n%s", diff)
	}

	keys, err := e.c.Sessions.JWKS(e.ctx)
	mustOK(t, "JWKS", err)
	if n := e.requests(http.MethodGet, "/v1/b2b/sessions/jwks/"+e.project); keys == nil || n != 1 {
		t.Errorf("JWKS returned %v, requests of the project's keys: %d", keys, n)
	}
}
