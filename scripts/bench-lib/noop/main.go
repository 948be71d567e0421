// Command noop is the ceiling of scripts/bench: an HTTP server that does no work. It answers
// every request, whatever its method, path or body, with 200 and the same organization response
// (openapi.yaml's components/examples/OrganizationResponse, as compact JSON), so that the bench
// can tell how much of the mock's time goes to the mock and how much to HTTP and the machine.
//
//	go build -o noop ./scripts/bench-lib/noop && ./noop -addr 127.0.0.1:0
//
// It prints "listening on http://ADDR" once it accepts requests, like stytchmock.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
)

// organizationResponse is openapi.yaml's OrganizationResponse example.
const organizationResponse = `{"request_id":"request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141","status_code":200,"organization":{"organization_id":"organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931","organization_name":"Acme Corporation","organization_slug":"acme-corp","organization_logo_url":"","organization_external_id":"crm-00421","trusted_metadata":{"subscription_tier":"enterprise","billing_id":"cus_9f2K3"},"sso_jit_provisioning":"ALL_ALLOWED","sso_jit_provisioning_allowed_connections":[],"sso_active_connections":[],"sso_default_connection_id":null,"scim_active_connection":null,"email_allowed_domains":["acme.com"],"email_jit_provisioning":"RESTRICTED","email_invites":"ALL_ALLOWED","auth_methods":"RESTRICTED","allowed_auth_methods":["sso","magic_link"],"mfa_policy":"REQUIRED_FOR_ALL","rbac_email_implicit_role_assignments":[],"mfa_methods":"ALL_ALLOWED","allowed_mfa_methods":[],"oauth_tenant_jit_provisioning":"NOT_ALLOWED","allowed_oauth_tenants":{},"claimed_email_domains":[],"first_party_connected_apps_allowed_type":"ALL_ALLOWED","allowed_first_party_connected_apps":[],"third_party_connected_apps_allowed_type":"ALL_ALLOWED","allowed_third_party_connected_apps":[],"custom_roles":[],"created_at":"2026-11-02T09:15:00Z","updated_at":"2026-11-02T09:15:00Z"}}`

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (host:port; port 0 picks a free one)")
	flag.Parse()

	body := []byte(organizationResponse)
	length := strconv.Itoa(len(body))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request as a real server would before answering.
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "noop:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := http.Serve(ln, handler); err != nil {
		fmt.Fprintln(os.Stderr, "noop:", err)
		os.Exit(1)
	}
}
