package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// benchOrganization is a realistic organization response, as the mock sends it.
const benchOrganization = `{"organization":{"allowed_auth_methods":["sso","magic_link"],"allowed_first_party_connected_apps":[],"allowed_mfa_methods":[],"allowed_oauth_tenants":{},"allowed_third_party_connected_apps":[],"auth_methods":"RESTRICTED","claimed_email_domains":[],"created_at":"2026-11-02T09:15:00Z","custom_roles":[],"email_allowed_domains":["acme.com"],"email_invites":"ALL_ALLOWED","email_jit_provisioning":"RESTRICTED","first_party_connected_apps_allowed_type":"ALL_ALLOWED","mfa_methods":"ALL_ALLOWED","mfa_policy":"REQUIRED_FOR_ALL","oauth_tenant_jit_provisioning":"NOT_ALLOWED","organization_external_id":"crm-00421","organization_id":"organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931","organization_logo_url":"","organization_name":"Acme Corporation","organization_slug":"acme-corp","rbac_email_implicit_role_assignments":[],"sso_active_connections":[],"sso_jit_provisioning":"ALL_ALLOWED","sso_jit_provisioning_allowed_connections":[],"third_party_connected_apps_allowed_type":"ALL_ALLOWED","trusted_metadata":{"billing_id":"cus_9f2K3","subscription_tier":"enterprise"},"updated_at":"2026-11-02T09:15:00Z"},"request_id":"request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141","status_code":200}`

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(benchOrganization))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGetOrganization is one Get through the client: options, timeout, retry policy,
// go-retryablehttp, decoding into client.Organization.
func BenchmarkGetOrganization(b *testing.B) {
	srv := benchServer(b)
	c, err := New("project-test-bench", "secret", WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		org, err := c.Organizations.Get(ctx, "acme-corp")
		if err != nil || org.Slug != "acme-corp" {
			b.Fatal(org, err)
		}
	}
}

// BenchmarkGetOrganizationBareGenerated is the same Get with the bare generated client, the
// baseline the client's overhead is measured against.
func BenchmarkGetOrganizationBareGenerated(b *testing.B) {
	srv := benchServer(b)
	c, err := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(srv.Client()),
		api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.SetBasicAuth("project-test-bench", "secret")
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.GetOrganizationWithResponse(ctx, "acme-corp")
		if err != nil || resp.JSON200 == nil || resp.JSON200.Organization.OrganizationSlug != "acme-corp" {
			b.Fatal(resp, err)
		}
	}
}
