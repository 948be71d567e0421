package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestPathParamRoundTrips(t *testing.T) {
	for _, id := range []string{"", ".", "..", "a/b", "%", "~", "~~", "~2e~", "zürich", "organization-test-1"} {
		marker := pathParam(id)
		if got, ok := pathParamID(marker); !ok || got != id {
			t.Errorf("pathParamID(pathParam(%q)) = %q, %v", id, got, ok)
		}
	}
	for _, segment := range []string{"", "~", "~zz~", "~2e", "2e~", "organizations", "~2e~x"} {
		if id, ok := pathParamID(segment); ok {
			t.Errorf("pathParamID(%q) = %q: not a marker", segment, id)
		}
	}
}

func TestEscapeSegment(t *testing.T) {
	for id, want := range map[string]string{
		".": "%2E", "..": "%2E%2E", "...": "...", ".a": ".a", "a/b": "a%2Fb", "%": "%25", "?": "%3F", "#": "%23",
		"a b": "a%20b", "ü": "%C3%BC", "crm|00421": "crm%7C00421", "a;b": "a%3Bb",
	} {
		if got := escapeSegment(id); got != want {
			t.Errorf("escapeSegment(%q) = %q, want %q", id, got, want)
		}
	}
}

// The base URL's path is kept as it is, even a segment of it that looks like a marker, and
// each id goes out as one segment after it.
func TestPathParamsAfterABasePath(t *testing.T) {
	var sent []string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.URL.RequestURI())
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"organization":{},"member":{}}`)), Request: r}, nil
	})}
	c, err := New("project-test-1", "s", WithBaseURL("http://proxy.example/~2e~/a%2Fb/"), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members.DeleteTOTP(context.Background(), "..", "."); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members.Get(context.Background(), "a/b", "."); err != nil {
		t.Fatal(err)
	}
	want := []string{"/~2e~/a%2Fb/v1/b2b/organizations/%2E%2E/members/%2E/totp", "/~2e~/a%2Fb/v1/b2b/organizations/a%2Fb/member?member_id=."}
	if strings.Join(sent, " ") != strings.Join(want, " ") {
		t.Errorf("sent %q, want %q", sent, want)
	}
}

// An empty id would leave an empty path segment, which a server that merges repeated slashes
// reads as another operation; the call is refused before sending.
func TestEmptyPathParameterIsRefused(t *testing.T) {
	sent := 0
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent++
		return nil, errors.New("unreachable")
	})}
	c, err := New("project-test-1", "s", WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Organizations.Get":  func() error { _, err := c.Organizations.Get(context.Background(), ""); return err },
		"Members.DeleteTOTP": func() error { _, err := c.Members.DeleteTOTP(context.Background(), "acme", ""); return err },
		"Members.Delete":     func() error { return c.Members.Delete(context.Background(), "", "m") },
	} {
		err := call()
		var ve *ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidRequest) || ve.Field != "path" || !strings.Contains(ve.Reason, "{}") {
			t.Errorf("%s with an empty id: %v, want a *ValidationError naming the empty id", name, err)
		}
	}
	if sent != 0 {
		t.Errorf("%d requests sent", sent)
	}
	_, err = c.Members.DeleteTOTP(context.Background(), "acme", "")
	if want := "stytch: invalid path: an id in DELETE /v1/b2b/organizations/{acme}/members/{}/totp is empty"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
