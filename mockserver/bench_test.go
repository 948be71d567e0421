package mockserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

const benchCreateBody = `{"organization_name":"Acme Corporation","organization_slug":"acme-corp","email_allowed_domains":["acme.com"],"mfa_policy":"REQUIRED_FOR_ALL","trusted_metadata":{"tier":"enterprise","flags":{"audit":true}}}`

// benchResponse is a typical create-organization response, as the mock sends it.
func benchResponse(b *testing.B, m *Mock) []byte {
	req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", bytes.NewBufferString(benchCreateBody))
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// BenchmarkValidateCreateOrganization measures what the mock does to validate a typical POST
// and its response: routing, the request's parameters and body, and the response body, all on
// the fast path that vouches for conforming traffic (see BenchmarkValidateCreateOrganizationKin
// for kin-openapi doing the same).
func BenchmarkValidateCreateOrganization(b *testing.B) {
	m, err := NewMock()
	if err != nil {
		b.Fatal(err)
	}
	respBody := benchResponse(b, m)
	header := http.Header{"Content-Type": {"application/json"}}
	body := []byte(benchCreateBody)
	req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", bytes.NewReader(body))
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		op, _, params, err := m.spec.router.find(req)
		if err != nil {
			b.Fatal(err)
		}
		o := m.spec.operations[op]
		if !o.requestValid(req, params, body) || !o.responseValid(200, header, respBody) {
			b.Fatal("the fast path did not vouch for a valid create")
		}
	}
}

// BenchmarkValidateCreateOrganizationKin is the same validation by kin-openapi alone: routing,
// authentication, parameters and body, then the response body. The mock falls back to it for
// whatever the fast path cannot vouch for.
func BenchmarkValidateCreateOrganizationKin(b *testing.B) {
	m, err := NewMock()
	if err != nil {
		b.Fatal(err)
	}
	respBody := benchResponse(b, m)
	header := http.Header{"Content-Type": {"application/json"}}
	body := []byte(benchCreateBody)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", bytes.NewReader(body))
		req.SetBasicAuth("project-test-bench", "secret")
		req.Header.Set("Content-Type", "application/json")
		op, seg, params, err := m.spec.router.find(req)
		if err != nil {
			b.Fatal(err)
		}
		input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: m.spec.router.route(seg, req.Method, op),
			Options: requestOptions}
		if e := validateRequest(ctx, input); e != nil {
			b.Fatal(e)
		}
		if err := validateResponse(ctx, input, 200, header, respBody); err != nil {
			b.Fatal(err)
		}
	}
}

func serveBench(b *testing.B, m *Mock, method, path, body string) {
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}

// BenchmarkCreateOrganization is one create through the whole handler, validation included.
func BenchmarkCreateOrganization(b *testing.B) {
	m, err := NewMock()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		serveBench(b, m, http.MethodPost, "/v1/b2b/organizations",
			fmt.Sprintf(`{"organization_name":"Acme %d","organization_slug":"acme-%d","email_allowed_domains":["acme.com"],"trusted_metadata":{"tier":"enterprise"}}`, i, i))
	}
}

// BenchmarkGetOrganization is one get by slug through the whole handler.
func BenchmarkGetOrganization(b *testing.B) {
	m, err := NewMock()
	if err != nil {
		b.Fatal(err)
	}
	benchResponse(b, m)
	b.ReportAllocs()
	for b.Loop() {
		serveBench(b, m, http.MethodGet, "/v1/b2b/organizations/acme-corp", "")
	}
}

// BenchmarkStartServer is New plus Close of an in-process server, after the first in the process.
func BenchmarkStartServer(b *testing.B) {
	if _, err := loadSpec(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := New()
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
