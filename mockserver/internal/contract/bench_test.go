package contract

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

const benchCreateBody = `{"organization_name":"Acme Corporation","organization_slug":"acme-corp","email_allowed_domains":["acme.com"],"mfa_policy":"REQUIRED_FOR_ALL","trusted_metadata":{"tier":"enterprise","flags":{"audit":true}}}`

// benchResponse is a typical create-organization response, as the mock sends it.
func benchResponse(b *testing.B) []byte {
	body, err := os.ReadFile("testdata/create-organization-response.json")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func benchRequest(body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", bytes.NewReader(body))
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	return req
}

// BenchmarkValidateCreateOrganization measures what the contract does to check a typical POST
// and its response: routing, the request's parameters and body, and the response body, all on
// the fast path that vouches for conforming traffic (see BenchmarkValidateCreateOrganizationKin
// for kin-openapi doing the same).
func BenchmarkValidateCreateOrganization(b *testing.B) {
	c := setup(b)
	respBody := benchResponse(b)
	header := http.Header{"Content-Type": {"application/json"}}
	body := []byte(benchCreateBody)
	req := benchRequest(body)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rt, err := c.Route(req)
		if err != nil {
			b.Fatal(err)
		}
		// TestFastPathVouchesForTheBenchmarksTraffic makes sure these stay on the fast path.
		if vs := rt.CheckRequest(body); vs != nil {
			b.Fatal(vs)
		}
		if vs := rt.CheckResponse(200, header, respBody); vs != nil {
			b.Fatal(vs)
		}
	}
}

// BenchmarkValidateCreateOrganizationKin is the same validation by kin-openapi alone: routing,
// authentication, parameters and body, then the response body. The contract falls back to it
// for whatever the fast path cannot vouch for.
func BenchmarkValidateCreateOrganizationKin(b *testing.B) {
	c := setup(b)
	respBody := benchResponse(b)
	header := http.Header{"Content-Type": {"application/json"}}
	body := []byte(benchCreateBody)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := benchRequest(body)
		rt, err := c.Route(req)
		if err != nil {
			b.Fatal(err)
		}
		if vs := rt.op.requestViolations(rt.kinInput()); vs != nil {
			b.Fatal(vs)
		}
		if vs := rt.op.responseViolations(rt.kinInput(), 200, header, respBody); vs != nil {
			b.Fatal(vs)
		}
	}
}

// The benchmarks' traffic is what the fast path is for: it vouches for the request and the
// response, so that the benchmarks measure it and not kin-openapi.
func TestFastPathVouchesForTheBenchmarksTraffic(t *testing.T) {
	c := setup(t)
	respBody, err := os.ReadFile("testdata/create-organization-response.json")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(benchCreateBody)
	rt, err := c.Route(benchRequest(body))
	if err != nil {
		t.Fatal(err)
	}
	if !rt.op.requestValid(&rt, body) {
		t.Errorf("the fast path does not vouch for the request: %v", rt.CheckRequest(body))
	}
	if !rt.op.responseValid(200, http.Header{"Content-Type": {"application/json"}}, respBody) {
		t.Errorf("the fast path does not vouch for the response: %v", rt.CheckResponse(200, http.Header{"Content-Type": {"application/json"}}, respBody))
	}
}
