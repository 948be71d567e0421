package client

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesItsInput(t *testing.T) {
	for name, tc := range map[string]struct {
		id, secret string
		opts       []Option
	}{
		"no project id":      {"", "s", nil},
		"no secret":          {"project-test-1", "", nil},
		"relative base URL":  {"project-test-1", "s", []Option{WithBaseURL("/v1")}},
		"ftp base URL":       {"project-test-1", "s", []Option{WithBaseURL("ftp://x")}},
		"base URL with ..":   {"project-test-1", "s", []Option{WithBaseURL("http://x/a/../b")}},
		"base URL with auth": {"project-test-1", "s", []Option{WithBaseURL("https://u:p@x")}},
		"nil HTTP client":    {"project-test-1", "s", []Option{WithHTTPClient(nil)}},
		"negative retries":   {"project-test-1", "s", []Option{WithMaxRetries(-1)}},
		"negative timeout":   {"project-test-1", "s", []Option{WithTimeout(-time.Second)}},
		"waits backwards":    {"project-test-1", "s", []Option{WithRetryWaits(time.Second, time.Millisecond)}},
		"user agent newline": {"project-test-1", "s", []Option{WithUserAgent("a\r\nX-Evil: 1")}},
	} {
		if c, err := New(tc.id, tc.secret, tc.opts...); err == nil || c != nil {
			t.Errorf("%s: New accepted it", name)
		} else if strings.Contains(err.Error(), tc.secret+"@") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestBaseURLFollowsTheProjectEnvironment(t *testing.T) {
	for id, want := range map[string]string{
		"project-test-1":        "https://test.stytch.com/",
		"project-live-1":        "https://api.stytch.com/",
		"something-else":        "https://test.stytch.com/",
		"project-live-prefixed": "https://api.stytch.com/",
	} {
		c, err := New(id, "s")
		if err != nil {
			t.Fatal(err)
		}
		if c.server != want {
			t.Errorf("%s: %s, want %s", id, c.server, want)
		}
	}
	c, _ := New("project-live-1", "s", WithBaseURL("http://127.0.0.1:4010/prefix/"))
	if c.server != "http://127.0.0.1:4010/prefix/" {
		t.Errorf("WithBaseURL: %s", c.server)
	}
}

// Options are collected before the client is built, so their order cannot matter.
func TestOptionOrderDoesNotMatter(t *testing.T) {
	hc := &http.Client{}
	opts := []Option{WithBaseURL("http://localhost:1"), WithHTTPClient(hc), WithMaxRetries(5), WithTimeout(time.Second), WithUserAgent("app/1"), WithRetryWaits(time.Millisecond, time.Second)}
	a, err := New("project-test-1", "s", opts...)
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]Option, len(opts))
	for i, o := range opts {
		reversed[len(opts)-1-i] = o
	}
	b, err := New("project-test-1", "s", reversed...)
	if err != nil {
		t.Fatal(err)
	}
	if a.server != b.server || a.maxRetries != b.maxRetries || a.timeout != b.timeout ||
		a.retrier.initial != b.retrier.initial || a.retrier.max != b.retrier.max {
		t.Errorf("different clients from the same options in another order")
	}
	if a.maxRetries != 5 || a.timeout != time.Second || a.retrier.initial != time.Millisecond {
		t.Errorf("options not applied: %d %v %v", a.maxRetries, a.timeout, a.retrier.initial)
	}
	d, _ := New("project-test-1", "s")
	if d.maxRetries != DefaultMaxRetries || d.timeout != DefaultTimeout || d.retrier.initial != 500*time.Millisecond || d.retrier.max != 8*time.Second {
		t.Errorf("defaults: %d %v %v %v", d.maxRetries, d.timeout, d.retrier.initial, d.retrier.max)
	}
}

// A base URL with credentials is refused without quoting them: the error may reach logs.
func TestBaseURLErrorsHideCredentials(t *testing.T) {
	for _, raw := range []string{
		"http://id:SECRET@host",
		"https://SECRET@host/prefix",
		"http://id:SECRET@host/%zz",        // not a URL at all
		"http://id:SEC RET@host",           // neither
		"ftp://id:SECRET@host",             // a wrong scheme too
		"//id:SECRET@host",                 // no scheme
		"http://id:SECRET@host?q=1#SECRET", // the query and fragment are not credentials but go too
	} {
		_, err := New("project-test-1", "s", WithBaseURL(raw))
		if err == nil {
			t.Errorf("WithBaseURL(%q) was accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "SEC RET") {
			t.Errorf("WithBaseURL(%q): the error quotes the credentials: %v", raw, err)
		} else if !strings.Contains(err.Error(), "REDACTED@host") {
			t.Errorf("WithBaseURL(%q): the error does not say which URL: %v", raw, err)
		}
	}
}
