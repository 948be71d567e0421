package client_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
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
	e := setup(t)
	e.seed(t)
	if err := e.c.Members.RevokeConnectedApp(e.ctx, acmeID, adaID, appID); err != nil {
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
	if err := e.c.Members.Delete(e.ctx, acmeID, bobID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Members.Reactivate(e.ctx, acmeID, bobID); err != nil {
		t.Fatal(err)
	}
	checkBody("Reactivate")
}

// An organization keeps, through the mock and back, a provider of allowed_oauth_tenants the
// client does not know.
func TestOAuthTenantsKeepUnknownProvidersThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := setup(t)
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
	e := setup(t)
	attrs := &client.SCIMAttributes{
		UserName: "ada@acme.com", ID: "2819c223", ExternalID: "00u1", Active: true, DisplayName: "Ada Lovelace",
		Emails:     []client.SCIMValue{{Value: "ada@acme.com", Type: "work", Primary: true}},
		Groups:     []client.SCIMGroup{{Value: "g1", Display: "Engineering"}},
		Name:       &client.SCIMName{GivenName: "Ada", FamilyName: "Lovelace"},
		Enterprise: &client.SCIMEnterpriseExtension{Department: "Engineering", Manager: &client.SCIMManager{DisplayName: "Charles Babbage"}},
	}
	const id = "member-test-00000000-0000-4000-8000-00000000005c"
	e.seedFixture(t, mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: id,
			SCIMRegistration: &client.SCIMRegistration{ConnectionID: "scim-connection-test-1", RegistrationID: "scim-registration-test-1", SCIMAttributes: attrs}}},
	}}})
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
	e := setup(t)
	e.serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(body))
	}))
	_, err := e.c.Organizations.Get(e.ctx, "acme")
	var se *client.Error
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest || string(se.Body) != body || se.ErrorType != "" {
		t.Errorf("error = %#v", err)
	}
}
