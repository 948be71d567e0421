package client_test

// Every id a method puts in a request's path must arrive as exactly one path segment, decoded
// back to itself by the server: "." and ".." must not be removed as dot segments, "/" must not
// split the segment, and "%", "?", "#" and non-ASCII text must not change the path or end it.
// Each method runs against the mock, seeded with resources whose ids are such values, and the
// test checks the wire path, the resource the answer describes, and the resources the call
// must leave alone.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// pathIDs are the ids under test, each with the one path segment it must go out as. The last
// two are text that looks already escaped, which must not be decoded a second time.
var pathIDs = []struct{ id, segment string }{
	{".", "%2E"},
	{"..", "%2E%2E"},
	{"a/b", "a%2Fb"},
	{"%", "%25"},
	{"?", "%3F"},
	{"#", "%23"},
	{"zürich-東京", "z%C3%BCrich-%E6%9D%B1%E4%BA%AC"},
	{"%2E", "%252E"},
	{"~2e~", "~2e~"},
}

// pathFixture seeds a project where the id is the organization's id, a member's id, that
// member's password id and a Connected App's id. Two more members, "totp" and "external_id",
// are what a dot segment would turn /members/{id}/totp and /members/{id}/external_id into.
func pathFixture(project, id string) string {
	q, _ := json.Marshal(id)
	return strings.NewReplacer("PROJECT", project, `"ID"`, string(q)).Replace(`{
  "project_id": "PROJECT",
  "connected_apps": [{"connected_app_id": "ID", "name": "Odd App", "client_type": "third_party"}],
  "organizations": [
    {
      "organization_id": "ID", "organization_name": "Odd Org", "organization_external_id": "odd-org",
      "custom_roles": [{"role_id": "odd-role", "description": "Reads members.", "permissions": [{"resource_id": "stytch.member", "actions": ["get"]}]}],
      "members": [
        {
          "member_id": "ID", "email_address": "odd@example.com", "external_id": "odd-member",
          "email_address_verified": true, "mfa_phone_number": "+14155550100", "mfa_phone_number_verified": true,
          "member_password_id": "ID", "totp_registration_id": "member-totp-test-odd",
          "retired_email_addresses": ["old@example.com"],
          "connected_apps": [{"connected_app_id": "ID", "scopes": ["openid"]}],
          "provider_tokens": {
            "google": {"provider_type": "Google", "provider_subject": "g-odd", "id_token": "g.id", "access_token": "g-access", "scopes": ["openid"]},
            "microsoft": {"provider_type": "Microsoft", "provider_subject": "m-odd", "id_token": "m.id", "access_token": "m-access", "scopes": ["openid"]},
            "slack": [{"provider_subject": "s-odd", "provider_tenant_id": "T1", "access_token": "s-access", "bot_access_token": "s-bot", "scopes": ["users:read"], "bot_scopes": []}],
            "hubspot": [{"provider_subject": "h-odd", "provider_tenant_id": "H1", "access_token": "h-access", "access_token_expires_in": 60, "scopes": ["oauth"]}],
            "github": [{"provider_subject": "gh-odd", "provider_tenant_ids": ["1"], "access_token": "gh-access", "scopes": ["read:user"]}],
            "oidc": [{"provider_subject": "o-odd", "connection_id": "oidc-connection-test-odd", "id_token": "o.id", "access_token": "o-access", "access_token_expires_in": 60, "scopes": ["openid"]}]
          }
        },
        {"member_id": "totp", "email_address": "totp@example.com", "external_id": "decoy-totp", "totp_registration_id": "member-totp-test-decoy", "email_address_verified": true},
        {"member_id": "external_id", "email_address": "extid@example.com", "external_id": "decoy-extid", "email_address_verified": true}
      ]
    },
    {"organization_id": "decoy-org", "organization_name": "Decoy Org", "organization_external_id": "decoy-org-ext"}
  ]
}`)
}

// wireRecorder keeps the method and escaped path of every request the client sends.
type wireRecorder struct {
	mu    sync.Mutex
	paths []string
}

func (w *wireRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.paths = append(w.paths, r.Method+" "+r.URL.EscapedPath())
	w.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (w *wireRecorder) last() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.paths) == 0 {
		return ""
	}
	return w.paths[len(w.paths)-1]
}

// pathStep is one method call: the request it must send, with {id} standing for the id's
// segment, and what must hold afterwards.
type pathStep struct {
	method string // "Service.Method", for the coverage check
	wire   string
	run    func(ctx context.Context, c *client.Client, id string) error
}

// pathNoPathParameters are the methods that put no id in the path; the ids they carry travel in
// a JSON body or the query string, which need no path escaping.
var pathNoPathParameters = []string{
	"OrganizationsService.Create", "OrganizationsService.Search", "OrganizationsService.SearchAll",
	"MembersService.Search", "MembersService.SearchAll", "RBACService.Policy",
}

const orgPath = "/v1/b2b/organizations/{id}"
const memberPath = orgPath + "/members/{id}"

// pathSteps runs every method with a path parameter, in an order where each destructive call
// comes after the calls that need what it destroys.
func pathSteps(e *env) []pathStep {
	want := func(cond bool, format string, args ...any) error {
		if !cond {
			return fmt.Errorf(format, args...)
		}
		return nil
	}
	member := func(c *client.Client, ctx context.Context, id string) (*client.Member, error) {
		return c.Members.DangerouslyGet(ctx, id, client.DangerouslyGetParams{IncludeDeleted: true})
	}
	return []pathStep{
		{"OrganizationsService.Get", "GET " + orgPath, func(ctx context.Context, c *client.Client, id string) error {
			org, err := c.Organizations.Get(ctx, id)
			if err != nil {
				return err
			}
			return want(org.ID == id && org.Name == "Odd Org", "Get returned %s", org.ID)
		}},
		{"OrganizationsService.Update", "PUT " + orgPath, func(ctx context.Context, c *client.Client, id string) error {
			org, err := c.Organizations.Update(ctx, id, client.OrganizationUpdateParams{Name: client.Set("Odd Org Renamed")})
			if err != nil {
				return err
			}
			return want(org.ID == id && org.Name == "Odd Org Renamed", "Update returned %s %q", org.ID, org.Name)
		}},
		{"OrganizationsService.Metrics", "GET " + orgPath + "/metrics", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Organizations.Metrics(ctx, id)
			if err != nil {
				return err
			}
			return want(m.MemberCount == 3, "Metrics counted %d members", m.MemberCount)
		}},
		{"OrganizationsService.ListConnectedApps", "GET " + orgPath + "/connected_apps", func(ctx context.Context, c *client.Client, id string) error {
			apps, err := c.Organizations.ListConnectedApps(ctx, id)
			if err != nil {
				return err
			}
			return want(len(apps) == 1 && apps[0].ConnectedAppID == id, "ListConnectedApps = %+v", apps)
		}},
		{"OrganizationsService.GetConnectedApp", "GET " + orgPath + "/connected_apps/{id}", func(ctx context.Context, c *client.Client, id string) error {
			app, err := c.Organizations.GetConnectedApp(ctx, id, id)
			if err != nil {
				return err
			}
			return want(app.ConnectedAppID == id && len(app.ActiveMembers) == 1 && app.ActiveMembers[0].MemberID == id, "GetConnectedApp = %+v", app)
		}},
		{"MembersService.Get", "GET " + orgPath + "/member", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.Get(ctx, id, id)
			if err != nil {
				return err
			}
			return want(m.ID == id && m.OrganizationID == id, "Get returned %s of %s", m.ID, m.OrganizationID)
		}},
		{"MembersService.GetByEmail", "GET " + orgPath + "/member", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.GetByEmail(ctx, id, "odd@example.com")
			if err != nil {
				return err
			}
			return want(m.ID == id && m.OrganizationID == id, "GetByEmail returned %s", m.ID)
		}},
		{"MembersService.Update", "PUT " + memberPath, func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.Update(ctx, id, id, client.MemberUpdateParams{Name: client.Set("Odd Member")})
			if err != nil {
				return err
			}
			return want(m.ID == id && m.Name == "Odd Member", "Update returned %s %q", m.ID, m.Name)
		}},
		{"MembersService.DangerouslyGet", "GET /v1/b2b/organizations/members/dangerously_get/{id}", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.DangerouslyGet(ctx, id, client.DangerouslyGetParams{})
			if err != nil {
				return err
			}
			return want(m.ID == id && m.OrganizationID == id, "DangerouslyGet returned %s", m.ID)
		}},
		{"MembersService.GetOIDCTokens", "GET " + memberPath + "/oidc_providers", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetOIDCTokens(ctx, id, id, client.TokenParams{})
			if err != nil {
				return err
			}
			return want(len(tokens) == 1 && tokens[0].ProviderSubject == "o-odd", "GetOIDCTokens = %+v", tokens)
		}},
		{"MembersService.GetGoogleTokens", "GET " + memberPath + "/oauth_providers/google", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetGoogleTokens(ctx, id, id, client.TokenParams{})
			if err != nil {
				return err
			}
			return want(tokens.ProviderSubject == "g-odd", "GetGoogleTokens = %+v", tokens)
		}},
		{"MembersService.GetMicrosoftTokens", "GET " + memberPath + "/oauth_providers/microsoft", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetMicrosoftTokens(ctx, id, id, client.TokenParams{})
			if err != nil {
				return err
			}
			return want(tokens.ProviderSubject == "m-odd", "GetMicrosoftTokens = %+v", tokens)
		}},
		{"MembersService.GetSlackTokens", "GET " + memberPath + "/oauth_providers/slack", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetSlackTokens(ctx, id, id)
			if err != nil {
				return err
			}
			return want(len(tokens) == 1 && tokens[0].ProviderSubject == "s-odd", "GetSlackTokens = %+v", tokens)
		}},
		{"MembersService.GetHubSpotTokens", "GET " + memberPath + "/oauth_providers/hubspot", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetHubSpotTokens(ctx, id, id, client.TokenParams{})
			if err != nil {
				return err
			}
			return want(len(tokens) == 1 && tokens[0].ProviderSubject == "h-odd", "GetHubSpotTokens = %+v", tokens)
		}},
		{"MembersService.GetGitHubTokens", "GET " + memberPath + "/oauth_providers/github", func(ctx context.Context, c *client.Client, id string) error {
			tokens, err := c.Members.GetGitHubTokens(ctx, id, id, client.TokenParams{})
			if err != nil {
				return err
			}
			return want(len(tokens) == 1 && tokens[0].ProviderSubject == "gh-odd", "GetGitHubTokens = %+v", tokens)
		}},
		{"MembersService.ListConnectedApps", "GET " + memberPath + "/connected_apps", func(ctx context.Context, c *client.Client, id string) error {
			apps, err := c.Members.ListConnectedApps(ctx, id, id)
			if err != nil {
				return err
			}
			return want(len(apps) == 1 && apps[0].ConnectedAppID == id, "ListConnectedApps = %+v", apps)
		}},
		{"MembersService.RevokeConnectedApp", "POST " + memberPath + "/connected_apps/{id}/revoke", func(ctx context.Context, c *client.Client, id string) error {
			if err := c.Members.RevokeConnectedApp(ctx, id, id, id); err != nil {
				return err
			}
			apps, err := c.Members.ListConnectedApps(ctx, id, id)
			if err != nil {
				return err
			}
			return want(len(apps) == 0, "after RevokeConnectedApp: %+v", apps)
		}},
		{"MembersService.DeletePassword", "DELETE " + orgPath + "/members/passwords/{id}", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.DeletePassword(ctx, id, id)
			if err != nil {
				return err
			}
			return want(m.ID == id && m.MemberPasswordID == "", "DeletePassword returned %+v", m)
		}},
		{"MembersService.DeleteMFAPhoneNumber", "DELETE " + orgPath + "/members/mfa_phone_numbers/{id}", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.DeleteMFAPhoneNumber(ctx, id, id)
			if err != nil {
				return err
			}
			return want(m.ID == id && m.MFAPhoneNumber == "", "DeleteMFAPhoneNumber returned %+v", m)
		}},
		{"MembersService.DeleteTOTP", "DELETE " + memberPath + "/totp", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.DeleteTOTP(ctx, id, id)
			if err != nil {
				return err
			}
			if err := want(m.ID == id && m.TOTPRegistrationID == "", "DeleteTOTP returned %+v", m); err != nil {
				return err
			}
			decoy, err := member(c, ctx, "totp")
			if err != nil {
				return err
			}
			return want(decoy.Status == client.MemberActive && decoy.TOTPRegistrationID == "member-totp-test-decoy", "member totp is now %+v", decoy)
		}},
		{"MembersService.DeleteExternalID", "DELETE " + memberPath + "/external_id", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.DeleteExternalID(ctx, id, id)
			if err != nil {
				return err
			}
			if err := want(m.ID == id && m.ExternalID == "", "DeleteExternalID returned %+v", m); err != nil {
				return err
			}
			decoy, err := member(c, ctx, "external_id")
			if err != nil {
				return err
			}
			org, err := c.Organizations.Get(ctx, id)
			if err != nil {
				return err
			}
			return want(decoy.Status == client.MemberActive && decoy.ExternalID == "decoy-extid" && org.ExternalID == "odd-org",
				"member external_id is now %+v and the organization's external id %q", decoy, org.ExternalID)
		}},
		{"MembersService.UnlinkRetiredEmail", "POST " + memberPath + "/unlink_retired_email", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.UnlinkRetiredEmail(ctx, id, id, client.RetiredEmailParams{EmailAddress: "old@example.com"})
			if err != nil {
				return err
			}
			return want(m.ID == id && len(m.RetiredEmailAddresses) == 0, "UnlinkRetiredEmail returned %+v", m)
		}},
		{"MembersService.StartEmailUpdate", "POST " + memberPath + "/start_email_update", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.StartEmailUpdate(ctx, id, id, client.StartEmailUpdateParams{EmailAddress: "odd.new@example.com"})
			if err != nil {
				return err
			}
			return want(m.ID == id && e.mock.PendingEmailUpdate(e.project, id) == "odd.new@example.com", "StartEmailUpdate returned %s", m.ID)
		}},
		{"MembersService.Create", "POST " + orgPath + "/members", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.Create(ctx, id, client.MemberCreateParams{EmailAddress: "newcomer@example.com"})
			if err != nil {
				return err
			}
			return want(m.OrganizationID == id, "Create put the member in %s", m.OrganizationID)
		}},
		{"RBACService.OrganizationPolicy", "GET /v1/b2b/rbac/organizations/{id}", func(ctx context.Context, c *client.Client, id string) error {
			p, err := c.RBAC.OrganizationPolicy(ctx, id)
			if err != nil {
				return err
			}
			return want(len(p.Roles) == 1 && p.Roles[0].RoleID == "odd-role", "OrganizationPolicy = %+v", p)
		}},
		{"RBACService.SetOrganizationPolicy", "PUT /v1/b2b/rbac/organizations/{id}", func(ctx context.Context, c *client.Client, id string) error {
			role := client.Role{RoleID: "odd-role-2", Description: "Reads members.", Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get"}}}}
			p, err := c.RBAC.SetOrganizationPolicy(ctx, id, client.OrganizationPolicy{Roles: []client.Role{role}})
			if err != nil {
				return err
			}
			return want(len(p.Roles) == 1 && p.Roles[0].RoleID == "odd-role-2", "SetOrganizationPolicy = %+v", p)
		}},
		{"MembersService.Delete", "DELETE " + memberPath, func(ctx context.Context, c *client.Client, id string) error {
			if err := c.Members.Delete(ctx, id, id); err != nil {
				return err
			}
			m, err := member(c, ctx, id)
			if err != nil {
				return err
			}
			return want(m.Status == client.MemberDeleted, "after Delete the member is %q", m.Status)
		}},
		{"MembersService.Reactivate", "PUT " + memberPath + "/reactivate", func(ctx context.Context, c *client.Client, id string) error {
			m, err := c.Members.Reactivate(ctx, id, id)
			if err != nil {
				return err
			}
			return want(m.ID == id && m.Status == client.MemberActive, "Reactivate returned %s %q", m.ID, m.Status)
		}},
		{"OrganizationsService.DeleteExternalID", "DELETE " + orgPath + "/external_id", func(ctx context.Context, c *client.Client, id string) error {
			org, err := c.Organizations.DeleteExternalID(ctx, id)
			if err != nil {
				return err
			}
			return want(org.ID == id && org.ExternalID == "", "DeleteExternalID returned %s %q", org.ID, org.ExternalID)
		}},
		{"OrganizationsService.Delete", "DELETE " + orgPath, func(ctx context.Context, c *client.Client, id string) error {
			if err := c.Organizations.Delete(ctx, id); err != nil {
				return err
			}
			if _, err := c.Organizations.Get(ctx, id); !errors.Is(err, client.ErrNotFound) {
				return fmt.Errorf("the organization is still there: %v", err)
			}
			decoy, err := c.Organizations.Get(ctx, "decoy-org")
			if err != nil {
				return err
			}
			return want(decoy.ExternalID == "decoy-org-ext", "the decoy organization is now %+v", decoy)
		}},
	}
}

func TestPathParametersAreOneSegment(t *testing.T) {
	t.Parallel()
	for _, tc := range pathIDs {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			wire := &wireRecorder{}
			e := setup(t, client.WithHTTPClient(&http.Client{Transport: wire}), client.WithMaxRetries(0))
			f, err := mockserver.ParseFixture([]byte(pathFixture(e.project, tc.id)))
			if err != nil {
				t.Fatal(err)
			}
			e.seedFixture(t, f)
			for _, step := range pathSteps(e) {
				err := step.run(t.Context(), e.c, tc.id)
				if err != nil {
					t.Errorf("%s(%q): %v", step.method, tc.id, err)
				}
				// A step may make more calls after its own; its request is the first it sent
				// with its method and template, so look for it among the step's requests.
				wantWire := onWire(strings.ReplaceAll(step.wire, "{id}", tc.segment))
				if !wire.sent(wantWire) {
					t.Errorf("%s(%q) did not send %s; the last request was %s", step.method, tc.id, wantWire, wire.last())
				}
				wire.reset()
			}
		})
	}
}

// onWire is "METHOD /path" as it goes out: the path under basePath.
func onWire(request string) string {
	method, path, _ := strings.Cut(request, " ")
	return method + " " + basePath + path
}

// The JWKS path holds the project id, which the client takes from New.
func TestPathParametersJWKS(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, tc := range pathIDs {
		wire := &wireRecorder{}
		c := e.newClient(t, tc.id, secret, client.WithHTTPClient(&http.Client{Transport: wire}), client.WithMaxRetries(0))
		if _, err := c.Sessions.JWKS(t.Context()); err != nil {
			t.Errorf("JWKS of project %q: %v", tc.id, err)
		}
		if want := onWire("GET /v1/b2b/sessions/jwks/" + tc.segment); wire.last() != want {
			t.Errorf("JWKS of project %q sent %s, want %s", tc.id, wire.last(), want)
		}
	}
}

func (w *wireRecorder) sent(want string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Contains(w.paths, want)
}

func (w *wireRecorder) reset() {
	w.mu.Lock()
	w.paths = nil
	w.mu.Unlock()
}

// TestPathParametersCoverEveryMethod fails when a method is added without a step above.
func TestPathParametersCoverEveryMethod(t *testing.T) {
	covered := slices.Clone(pathNoPathParameters)
	covered = append(covered, "SessionsService.JWKS")
	for _, s := range pathSteps(nil) {
		covered = append(covered, s.method)
	}
	all := serviceMethods()
	slices.Sort(all)
	slices.Sort(covered)
	if diff := cmp.Diff(all, covered); diff != "" {
		t.Errorf("methods with a step (-methods +steps):\n%s", diff)
	}
}
