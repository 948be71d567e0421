package client_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of this file hold the client to Stytch's published spec and the official SDKs
// where they once disagreed (fidelity-findings.md).

// Reactivate and RevokeConnectedApp send {}: Stytch's spec requires a JSON body there.
func TestReactivateAndRevokeSendAnEmptyObject(t *testing.T) {
	t.Parallel()
	e := contractStart(t, true)
	if err := e.c.Members.RevokeConnectedApp(e.ctx, contractAcmeID, contractAdaID, contractAppID); err != nil {
		t.Fatal(err)
	}
	checkBody := func(what string) {
		t.Helper()
		r := e.lastRequest()
		if r.Body != "{}" || r.Header.Get("Content-Type") != "application/json" || r.Status != http.StatusOK {
			t.Errorf("%s sent %q (Content-Type %q), answered %d; want {} as JSON", what, r.Body, r.Header.Get("Content-Type"), r.Status)
		}
	}
	checkBody("RevokeConnectedApp")
	if err := e.c.Members.Delete(e.ctx, contractAcmeID, contractBobID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Members.Reactivate(e.ctx, contractAcmeID, contractBobID); err != nil {
		t.Fatal(err)
	}
	checkBody("Reactivate")
}

// Stytch names the JWK thumbprint x5tS256 (JSON Web Key's x5t#S256).
func TestJWKReadsX5tS256(t *testing.T) {
	var k client.JWK
	if err := json.Unmarshal([]byte(`{"kty":"RSA","kid":"k","alg":"RS256","use":"sig","key_ops":["verify"],"n":"n","e":"AQAB","x5c":["c"],"x5tS256":"thumb"}`), &k); err != nil {
		t.Fatal(err)
	}
	want := client.JWK{KeyType: "RSA", KeyID: "k", Algorithm: "RS256", Use: "sig", KeyOps: []string{"verify"}, N: "n", E: "AQAB", X5C: []string{"c"}, X5TS256: "thumb"}
	if !reflect.DeepEqual(k, want) {
		t.Errorf("JWK = %+v, want %+v", k, want)
	}
}

// allowed_oauth_tenants is free-form; OAuthTenants is a typed view of the three providers Stytch
// documents that keeps every other key, fails on no object, and sends back what it read.
func TestOAuthTenantsKeepsUnknownProviders(t *testing.T) {
	var got client.OAuthTenants
	in := `{"slack":["T1"],"hubspot":[],"github":["9919"],"gitlab":["acme"],"azure":{"tenant":"x"},"slack_enterprise":null}`
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Slack, []string{"T1"}) || len(got.HubSpot) != 0 || !reflect.DeepEqual(got.GitHub, []string{"9919"}) ||
		len(got.Other) != 3 || string(got.Other["gitlab"]) != `["acme"]` || string(got.Other["azure"]) != `{"tenant":"x"}` {
		t.Errorf("decoded %+v", got)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"azure":{"tenant":"x"},"github":["9919"],"gitlab":["acme"],"slack":["T1"],"slack_enterprise":null}` {
		t.Errorf("encoded %s", out)
	}

	// A known key with a value of another shape is kept, not an error.
	var odd client.OAuthTenants
	if err := json.Unmarshal([]byte(`{"slack":"T1"}`), &odd); err != nil || odd.Slack != nil || string(odd.Other["slack"]) != `"T1"` {
		t.Errorf("odd slack value: %+v, %v", odd, err)
	}
	if err := json.Unmarshal([]byte(`["slack"]`), &odd); err == nil {
		t.Error("a list decoded as tenants")
	}

	// Through the mock and back: an organization keeps a provider the client does not know.
	e := contractStart(t, false)
	org, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Acme",
		AllowedOAuthTenants: &client.OAuthTenants{Slack: []string{"T1"}, Other: map[string]json.RawMessage{"gitlab": json.RawMessage(`["acme"]`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(org.AllowedOAuthTenants.Slack, []string{"T1"}) || string(org.AllowedOAuthTenants.Other["gitlab"]) != `["acme"]` {
		t.Errorf("allowed_oauth_tenants after create: %+v", org.AllowedOAuthTenants)
	}
}

// scim_attributes is Stytch's typed object, with snake_case names.
func TestSCIMAttributesAreTyped(t *testing.T) {
	t.Parallel()
	e := contractStart(t, false)
	attrs := &client.SCIMAttributes{
		UserName: "ada@acme.com", ID: "2819c223", ExternalID: "00u1", Active: true, DisplayName: "Ada Lovelace",
		Emails:     []client.SCIMValue{{Value: "ada@acme.com", Type: "work", Primary: true}},
		Groups:     []client.SCIMGroup{{Value: "g1", Display: "Engineering"}},
		Name:       &client.SCIMName{GivenName: "Ada", FamilyName: "Lovelace"},
		Enterprise: &client.SCIMEnterpriseExtension{Department: "Engineering", Manager: &client.SCIMManager{DisplayName: "Charles Babbage"}},
	}
	const id = "member-test-00000000-0000-4000-8000-00000000005c"
	if err := e.srv.Seed(mockserver.Fixture{ProjectID: e.project, Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: id,
			SCIMRegistration: &client.SCIMRegistration{ConnectionID: "scim-connection-test-1", RegistrationID: "scim-registration-test-1", SCIMAttributes: attrs}}},
	}}}); err != nil {
		t.Fatal(err)
	}
	m, err := e.c.Members.Get(e.ctx, "acme", id)
	if err != nil {
		t.Fatal(err)
	}
	got := m.SCIMRegistration.SCIMAttributes
	if got == nil || got.UserName != "ada@acme.com" || !got.Active || got.Emails[0] != attrs.Emails[0] || got.Groups[0] != attrs.Groups[0] ||
		got.Name.GivenName != "Ada" || got.Enterprise.Manager.DisplayName != "Charles Babbage" {
		t.Errorf("scim_attributes = %+v", got)
	}
	// The lists the fixture left empty come back as [], never null.
	if got.Addresses == nil || got.PhoneNumbers == nil || got.X509Certificates == nil {
		t.Errorf("empty SCIM lists came back null: %+v", got)
	}
	b, _ := json.Marshal(got)
	for _, key := range []string{`"user_name":`, `"display_name":`, `"enterprise_extension":`, `"x509certificates":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("SCIMAttributes encodes without %s: %s", key, b)
		}
	}
}

// A value Stytch adds to a documented list decodes as it is, without error.
func TestResponsesWithNewValuesDecode(t *testing.T) {
	var org client.Organization
	if err := json.Unmarshal([]byte(`{"organization_id":"o","email_invites":"SOMETIMES","mfa_policy":"REQUIRED_FOR_ADMINS",
		"allowed_auth_methods":["passkey"],"allowed_oauth_tenants":{"gitlab":["g"]}}`), &org); err != nil {
		t.Fatal(err)
	}
	if org.EmailInvites != "SOMETIMES" || org.MFAPolicy != "REQUIRED_FOR_ADMINS" || org.AllowedAuthMethods[0] != "passkey" {
		t.Errorf("organization = %+v", org)
	}
	var m client.Member
	if err := json.Unmarshal([]byte(`{"member_id":"m","status":"suspended","default_mfa_method":"webauthn",
		"roles":[{"role_id":"r","sources":[{"type":"group_sync","details":{"email_domain":"acme.com"}}]}]}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != "suspended" || m.DefaultMFAMethod != "webauthn" || m.Roles[0].Sources[0].Details["email_domain"] != "acme.com" {
		t.Errorf("member = %+v", m)
	}
}

// Stytch marks the OR operator deprecated, so Any says so with a Deprecated paragraph, which
// tools such as staticcheck and gopls report at every use.
func TestAnyIsDeprecated(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "search.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Any" {
			doc := fn.Doc.Text()
			if !strings.Contains(doc, "\n\nDeprecated: ") || !strings.Contains(doc, "Stytch") {
				t.Errorf("Any's doc has no Deprecated paragraph naming Stytch's deprecation:\n%s", doc)
			}
			return
		}
	}
	t.Fatal("no func Any in search.go")
}

// An error body of another shape than Stytch's (an OAuth2-shaped one: error,
// error_description) is kept whole, with its status.
func TestOAuth2ShapedErrorKeepsTheBody(t *testing.T) {
	body := `{"error":"invalid_request","error_description":"the request is missing a parameter","error_uri":"https://stytch.com/docs"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := client.New("project-test-1", "secret", client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Organizations.Get(t.Context(), "acme")
	var se *client.Error
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest || string(se.Body) != body || se.ErrorType != "" {
		t.Errorf("error = %#v", err)
	}
}
