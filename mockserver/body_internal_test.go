package mockserver

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// shortBody is a body that ends, with an error, long before its declared length.
type shortBody struct{ sent bool }

func (b *shortBody) Read(p []byte) (int, error) {
	if b.sent {
		return 0, io.ErrUnexpectedEOF
	}
	b.sent = true
	return copy(p, `{"a":1`), nil
}

// A declared Content-Length is not data: reading a body that announces a megabyte and sends a
// few bytes allocates for those bytes, not for the megabyte.
func TestReadBodyAllocatesAsBytesArrive(t *testing.T) {
	const calls = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		r := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", nil)
		r.Body, r.ContentLength = io.NopCloser(&shortBody{}), maxBodyBytes
		if _, tooLarge, err := readBody(r, maxBodyBytes); err == nil || tooLarge {
			t.Fatalf("readBody of a short body: tooLarge %v, err %v", tooLarge, err)
		}
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / calls; perCall > 4*bodyFirstAlloc {
		t.Errorf("reading 6 bytes of a body declared as %d bytes allocated %d bytes; want at most %d",
			maxBodyBytes, perCall, 4*bodyFirstAlloc)
	}
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	full := strings.Repeat("x", maxBodyBytes)
	for name, tc := range map[string]struct {
		body          string
		contentLength int64 // -1: unknown (chunked)
		wantTooLarge  bool
	}{
		"empty":                   {"", 0, false},
		"small":                   {`{"a":1}`, 7, false},
		"small, chunked":          {`{"a":1}`, -1, false},
		"at the limit":            {full, maxBodyBytes, false},
		"at the limit, chunked":   {full, -1, false},
		"over the limit":          {full + "x", maxBodyBytes + 1, true},
		"over the limit, chunked": {full + "x", -1, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations", strings.NewReader(tc.body))
			r.ContentLength = tc.contentLength
			body, tooLarge, err := readBody(r, maxBodyBytes)
			if err != nil || tooLarge != tc.wantTooLarge {
				t.Fatalf("tooLarge %v, err %v; want tooLarge %v", tooLarge, err, tc.wantTooLarge)
			}
			if !tc.wantTooLarge && !bytes.Equal(body, []byte(tc.body)) {
				t.Errorf("read %d bytes, want %d", len(body), len(tc.body))
			}
		})
	}
}

// The log shares a body read into a buffer of its size, and copies one whose buffer is larger,
// so that it never keeps more memory than its budget counts.
func TestLoggedBodySharesOnlyABufferOfItsSize(t *testing.T) {
	const body = `{"organization_name":"Acme"}`
	exact := append(make([]byte, 0, len(body)+1), body...) // readBody's buffer for a Content-Length
	if got := loggedBody(exact); got != body || unsafe.StringData(got) != unsafe.SliceData(exact) {
		t.Errorf("loggedBody of a buffer of the body's size = %q at %p, want %q shared at %p", got, unsafe.StringData(got), body, unsafe.SliceData(exact))
	}
	chunked := append(make([]byte, 0, 16<<10), body...) // readBody's buffer for a body in chunks
	if got := loggedBody(chunked); got != body || unsafe.StringData(got) == unsafe.SliceData(chunked) {
		t.Errorf("loggedBody of a 16 KB buffer = %q, shared: want a copy of %q", got, body)
	}
}
