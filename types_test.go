package stytchorgs_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/b2bkit/stytchorgs"
)

// The tests of this file hold the types' JSON to Stytch's published spec and the official SDKs
// where they once disagreed (fidelity-findings.md).

// Stytch names the JWK thumbprint x5tS256 (JSON Web Key's x5t#S256).
func TestJWKReadsX5tS256(t *testing.T) {
	var k stytchorgs.JWK
	if err := json.Unmarshal([]byte(`{"kty":"RSA","kid":"k","alg":"RS256","use":"sig","key_ops":["verify"],"n":"n","e":"AQAB","x5c":["c"],"x5tS256":"thumb"}`), &k); err != nil {
		t.Fatal(err)
	}
	want := stytchorgs.JWK{KeyType: "RSA", KeyID: "k", Algorithm: "RS256", Use: "sig", KeyOps: []string{"verify"}, N: "n", E: "AQAB", X5C: []string{"c"}, X5TS256: "thumb"}
	if !reflect.DeepEqual(k, want) {
		t.Errorf("JWK = %+v, want %+v", k, want)
	}
}

// allowed_oauth_tenants is free-form; OAuthTenants is a typed view of the three providers Stytch
// documents that keeps every other key, fails on no object, and sends back what it read.
func TestOAuthTenantsKeepsUnknownProviders(t *testing.T) {
	var got stytchorgs.OAuthTenants
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
	var odd stytchorgs.OAuthTenants
	if err := json.Unmarshal([]byte(`{"slack":"T1"}`), &odd); err != nil || odd.Slack != nil || string(odd.Other["slack"]) != `"T1"` {
		t.Errorf("odd slack value: %+v, %v", odd, err)
	}
	if err := json.Unmarshal([]byte(`["slack"]`), &odd); err == nil {
		t.Error("a list decoded as tenants")
	}
}

// A value Stytch adds to a documented list decodes as it is, without error.
func TestResponsesWithNewValuesDecode(t *testing.T) {
	var org stytchorgs.Organization
	if err := json.Unmarshal([]byte(`{"organization_id":"o","email_invites":"SOMETIMES","mfa_policy":"REQUIRED_FOR_ADMINS",
		"allowed_auth_methods":["passkey"],"allowed_oauth_tenants":{"gitlab":["g"]}}`), &org); err != nil {
		t.Fatal(err)
	}
	if org.EmailInvites != "SOMETIMES" || org.MFAPolicy != "REQUIRED_FOR_ADMINS" || org.AllowedAuthMethods[0] != "passkey" {
		t.Errorf("organization = %+v", org)
	}
	var m stytchorgs.Member
	if err := json.Unmarshal([]byte(`{"member_id":"m","status":"suspended","default_mfa_method":"webauthn",
		"roles":[{"role_id":"r","sources":[{"type":"group_sync","details":{"email_domain":"acme.com"}}]}]}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != "suspended" || m.DefaultMFAMethod != "webauthn" || m.Roles[0].Sources[0].Details["email_domain"] != "acme.com" {
		t.Errorf("member = %+v", m)
	}
}
