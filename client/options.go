package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client. Options validate their input and may be given in any order.
type Option func(*config) error

type config struct {
	baseURL     string // without a trailing slash
	basePath    string // baseURL's path, escaped, without a trailing slash
	httpClient  *http.Client
	maxRetries  int
	timeout     time.Duration
	logger      *slog.Logger
	userAgent   string
	initialWait time.Duration
	maxWait     time.Duration
}

// Defaults of a new Client.
const (
	DefaultMaxRetries = 2
	DefaultTimeout    = 60 * time.Second
	testBaseURL       = "https://test.stytch.com"
	liveBaseURL       = "https://api.stytch.com"
)

// WithBaseURL sends requests to baseURL instead of Stytch's host for the project's environment,
// for a mock server or a proxy. A path prefix in it is kept.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("client: WithBaseURL(%q): want an absolute http or https URL", redactURL(baseURL))
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("client: WithBaseURL(%q): a base URL takes no credentials, query or fragment", redactURL(baseURL))
		}
		for segment := range strings.SplitSeq(u.EscapedPath(), "/") {
			if segment == "." || segment == ".." {
				return fmt.Errorf("client: WithBaseURL(%q): a base URL path takes no . or .. segment", redactURL(baseURL))
			}
		}
		c.baseURL, c.basePath = strings.TrimRight(baseURL, "/"), strings.TrimRight(u.EscapedPath(), "/")
		return nil
	}
}

// redactURL is a URL to quote in an error or a log, with any credentials in it replaced by
// REDACTED, and without its query and fragment. It works on text that does not even parse as a
// URL, since that is when an error quotes it.
func redactURL(raw string) string {
	authority := 0 // where the user information, if any, starts
	if i := strings.Index(raw, "//"); i >= 0 {
		authority = i + 2
	}
	end := len(raw) // the user information ends at the last "@" before the path
	if i := strings.IndexByte(raw[authority:], '/'); i >= 0 {
		end = authority + i
	}
	if at := strings.LastIndexByte(raw[authority:end], '@'); at >= 0 {
		raw = raw[:authority] + "REDACTED" + raw[authority+at:]
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	return raw
}

// WithHTTPClient sends requests through hc: its Transport (proxies, TLS, tracing) and its
// Timeout, which bounds each attempt. The client never modifies hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return fmt.Errorf("client: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed call is retried (DefaultMaxRetries when not
// given); 0 disables retries. A call reaches the server at most n+1 times: when net/http sends a
// GET again by itself, because the kept-alive connection it used broke, that counts as a retry.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("client: WithMaxRetries(%d): must not be negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithTimeout bounds each call, retries and waits included (DefaultTimeout when not given). A
// deadline already on the call's context applies too; the earlier one wins. 0 means no bound
// but the context's.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("client: WithTimeout(%v): must not be negative", d)
		}
		c.timeout = d
		return nil
	}
}

// WithLogger logs each retry (method, path, attempt, status or error, wait) to l. Nothing is
// logged without it. Headers, credentials and query strings are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithUserAgent appends a product token, such as "myapp/1.2", to the User-Agent header.
func WithUserAgent(suffix string) Option {
	return func(c *config) error {
		if strings.ContainsAny(suffix, "\r\n") {
			return fmt.Errorf("client: WithUserAgent: no line breaks allowed")
		}
		c.userAgent = strings.TrimSpace(suffix)
		return nil
	}
}

// WithRetryWaits sets the backoff between retries: the first wait is about initial and each
// next one doubles, up to max (defaults 500ms and 8s; each wait is shortened by up to a quarter
// at random). A Retry-After header from the server is honoured instead, up to 30 seconds.
// WithRetryWaits(0, 0) retries without waiting: for tests against a mock, whose injected faults
// would otherwise cost real seconds of backoff.
func WithRetryWaits(initial, max time.Duration) Option {
	return func(c *config) error {
		if initial < 0 || max < initial {
			return fmt.Errorf("client: WithRetryWaits(%v, %v): want 0 <= initial <= max", initial, max)
		}
		c.initialWait, c.maxWait = initial, max
		return nil
	}
}

// RequestOption adjusts one call. Request options apply after the client's options; one that
// is given bad input makes the call fail before anything is sent.
type RequestOption func(*requestConfig) error

type requestConfig struct {
	header     http.Header
	timeout    time.Duration
	maxRetries int
}

// WithHeader adds a header to the request.
func WithHeader(key, value string) RequestOption {
	return func(r *requestConfig) error {
		if key == "" || strings.ContainsAny(key, "\r\n: ") || strings.ContainsAny(value, "\r\n") {
			return fmt.Errorf("client: WithHeader(%q): not a header name and value (no line breaks allowed)", key)
		}
		if r.header == nil {
			r.header = http.Header{}
		}
		r.header.Add(key, value)
		return nil
	}
}

// WithMemberSession authorizes the call as the member of a session token: Stytch checks the
// member's RBAC permissions and organization (X-Stytch-Member-Session). Only operations that
// document RBAC enforcement take it.
func WithMemberSession(sessionToken string) RequestOption {
	return WithHeader("X-Stytch-Member-Session", sessionToken)
}

// WithMemberSessionJWT is WithMemberSession for a session JWT (X-Stytch-Member-SessionJWT).
func WithMemberSessionJWT(sessionJWT string) RequestOption {
	return WithHeader("X-Stytch-Member-SessionJWT", sessionJWT)
}

// WithRequestTimeout bounds this call, retries and waits included, instead of the client's
// timeout (WithTimeout). 0 means no bound but the context's.
func WithRequestTimeout(d time.Duration) RequestOption {
	return func(r *requestConfig) error {
		if d < 0 {
			return fmt.Errorf("client: WithRequestTimeout(%v): must not be negative", d)
		}
		r.timeout = d
		return nil
	}
}

// WithRequestMaxRetries retries this call up to n times instead of the client's setting
// (WithMaxRetries); 0 sends it once.
func WithRequestMaxRetries(n int) RequestOption {
	return func(r *requestConfig) error {
		if n < 0 {
			return fmt.Errorf("client: WithRequestMaxRetries(%d): must not be negative", n)
		}
		r.maxRetries = n
		return nil
	}
}
