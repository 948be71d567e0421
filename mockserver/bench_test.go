package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// serveBench builds a request and a recorder, and serves them with h: what a test does per call.
func serveBench(b *testing.B, h http.Handler, method, path, body string) {
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}

// BenchmarkCreateOrganization is one create through the whole handler, validation included.
func BenchmarkCreateOrganization(b *testing.B) {
	m := setup(b)
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
	m := setup(b)
	benchResponse(b, m)
	b.ReportAllocs()
	for b.Loop() {
		serveBench(b, m, http.MethodGet, "/v1/b2b/organizations/acme-corp", "")
	}
}

// BenchmarkHarness is what BenchmarkGetOrganization and BenchmarkCreateOrganization spend outside
// the mock: building the request and the recorder, around a handler that writes a fixed answer.
// Subtract it from theirs to compare with the Handler benchmarks.
func BenchmarkHarness(b *testing.B) {
	answer := []byte(`{"status_code":200}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	})
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serveBench(b, h, http.MethodGet, "/v1/b2b/organizations/acme-corp", "")
		}
	})
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serveBench(b, h, http.MethodPost, "/v1/b2b/organizations", benchCreateBody)
		}
	})
}

// BenchmarkStartServer is New plus Close of an in-process server, after the first in the process.
func BenchmarkStartServer(b *testing.B) {
	setup(b) // loads the spec, once per process
	b.ReportAllocs()
	for b.Loop() {
		s, err := New()
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// discardWriter is a ResponseWriter that keeps only the status, reusing its header map, so that
// the Handler benchmarks count the handler's allocations and not their harness's.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

func (w *discardWriter) reset() {
	if w.header == nil {
		w.header = http.Header{}
	}
	clear(w.header)
	w.status = 0
}

// BenchmarkGetOrganizationHandler is BenchmarkGetOrganization without the cost of building a
// request and a recorder for each one: the handler's own cost.
func BenchmarkGetOrganizationHandler(b *testing.B) {
	m := setup(b)
	benchResponse(b, m)
	req := httptest.NewRequest(http.MethodGet, "/v1/b2b/organizations/acme-corp", nil)
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	var w discardWriter
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		m.ServeHTTP(&w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkCreateOrganizationHandler is BenchmarkCreateOrganization without the cost of
// building a request and a recorder for each one: the handler's own cost.
func BenchmarkCreateOrganizationHandler(b *testing.B) {
	m := setup(b)
	req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", nil)
	req.SetBasicAuth("project-test-bench", "secret")
	req.Header.Set("Content-Type", "application/json")
	var (
		w    discardWriter
		body []byte
		rd   bytes.Reader
	)
	body0 := io.NopCloser(&rd) // the pipeline may replace req.Body: set it again each time
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body = append(body[:0], `{"organization_name":"Acme `...)
		body = strconv.AppendInt(body, int64(i), 10)
		body = append(body, `","organization_slug":"acme-`...)
		body = strconv.AppendInt(body, int64(i), 10)
		body = append(body, `","email_allowed_domains":["acme.com"],"trusted_metadata":{"tier":"enterprise"}}`...)
		rd.Reset(body)
		req.Body, req.ContentLength = body0, int64(len(body))
		w.reset()
		m.ServeHTTP(&w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}
