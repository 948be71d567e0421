package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

const benchCreateBody = `{"organization_name":"Acme Corporation","organization_slug":"acme-corp","email_allowed_domains":["acme.com"],"mfa_policy":"REQUIRED_FOR_ALL","trusted_metadata":{"tier":"enterprise","flags":{"audit":true}}}`

// benchResponse creates the organization acme-corp, and returns the response.
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
	if _, err := NewMock(); err != nil { // loads the spec, once per process
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
