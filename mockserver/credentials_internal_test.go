package mockserver

import (
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"
)

// basicAuth reads what r.BasicAuth reads, whatever the header holds.
func TestBasicAuthAgreesWithNetHTTP(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	long := strings.Repeat("s", 600) // more than the buffer: read by r.BasicAuth instead
	for _, header := range []string{
		"",
		"Basic " + b64([]byte("project-test-a:secret")),
		"basic " + b64([]byte("project-test-a:secret")),
		"BASIC " + b64([]byte("project-test-a:se:cret")),
		"Basic " + b64([]byte("project-test-a:")),
		"Basic " + b64([]byte(":secret")),
		"Basic " + b64([]byte("no colon")),
		"Basic " + b64([]byte("project-test-a:"+long)),
		"Basic !!!",
		"Basic",
		"Bearer abc",
		"Baſic " + b64([]byte("project-test-a:secret")), // folds onto Basic in Unicode only
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		wantID, wantSecret, wantOK := r.BasicAuth()
		var buf [512]byte
		id, secret, ok := basicAuth(r, buf[:])
		if id != wantID || string(secret) != wantSecret || ok != wantOK {
			t.Errorf("%.40q: basicAuth = %q, %q, %v; r.BasicAuth = %q, %q, %v", header, id, secret, ok, wantID, wantSecret, wantOK)
		}
	}
}
