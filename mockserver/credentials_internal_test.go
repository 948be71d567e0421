package mockserver

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"unsafe"
)

// basicAuth reads what r.BasicAuth reads, whatever the header holds.
func TestBasicAuthAgreesWithNetHTTP(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	long := strings.Repeat("s", 600) // more than the buffer: read by r.BasicAuth instead
	// One set for every header: the same ids come back interned.
	var ids projectIDs
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
		id, secret, ok := basicAuth(r, buf[:], &ids)
		if id != wantID || string(secret) != wantSecret || ok != wantOK {
			t.Errorf("%.40q: basicAuth = %q, %q, %v; r.BasicAuth = %q, %q, %v", header, id, secret, ok, wantID, wantSecret, wantOK)
		}
	}
}

// Telling a credential header from another costs no allocation: it runs for every header of
// every request.
func TestCarriesCredentialAllocatesNothing(t *testing.T) {
	for _, name := range []string{"Authorization", "Content-Type", "X-Stytch-Member-SessionJWT", "User-Agent"} {
		if n := testing.AllocsPerRun(100, func() { carriesCredential(name) }); n > 0 {
			t.Errorf("carriesCredential(%q) allocated %v times", name, n)
		}
	}
	for name, want := range map[string]bool{"Authorization": true, "X-API-KEY": true, "Cookie": true, "Content-Type": false, "X-Stytch-Member-SessionJWT": true} {
		if got := carriesCredential(name); got != want {
			t.Errorf("carriesCredential(%q) = %v", name, got)
		}
	}
}

func TestValidProjectIDMatchesThePattern(t *testing.T) {
	for _, id := range []string{
		"project-test-a", "project-live-" + strings.Repeat("x", 64), "project-test-" + strings.Repeat("x", 65),
		"project-test-", "project-live-a_b-C9", "project-test-a b", "project-test-é", "Project-test-a",
		"project-tests-a", "xproject-test-a", "project-test-a\n", "", "project-test-\x00",
	} {
		if got, want := validProjectID(id), projectIDPattern.MatchString(id); got != want {
			t.Errorf("validProjectID(%q) = %v, the pattern says %v", id, got, want)
		}
	}
}

// A project id seen before comes back as the same string, without allocating; past
// maxProjectIDs, ids are still returned right but no longer kept.
func TestProjectIDsIntern(t *testing.T) {
	var ids projectIDs
	first := ids.intern([]byte("project-test-a"))
	if again := ids.intern([]byte("project-test-a")); again != first || unsafe.StringData(again) != unsafe.StringData(first) {
		t.Errorf("intern gave %q at %p, then %q at %p: want the same string", first, unsafe.StringData(first), again, unsafe.StringData(again))
	}
	id := []byte("project-test-a")
	if n := testing.AllocsPerRun(100, func() { ids.intern(id) }); n > 0 {
		t.Errorf("interning a known id allocated %v times", n)
	}
	for i := range maxProjectIDs + 10 {
		if got, want := ids.intern(fmt.Appendf(nil, "project-test-%d", i)), fmt.Sprintf("project-test-%d", i); got != want {
			t.Fatalf("intern(%q) = %q", want, got)
		}
	}
	if len(ids.ids) != maxProjectIDs {
		t.Errorf("%d ids kept, want at most %d", len(ids.ids), maxProjectIDs)
	}
}
