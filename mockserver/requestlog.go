package mockserver

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// RecordedRequest is one request the mock received, for tests to assert on.
type RecordedRequest struct {
	Time        time.Time     `json:"time"`
	Method      string        `json:"method"`
	Path        string        `json:"path"`
	RawQuery    string        `json:"query,omitempty"`
	Header      http.Header   `json:"header"`         // credentials replaced by Redacted
	Body        string        `json:"body,omitempty"` // as received, up to 1 MB
	ProjectID   string        `json:"project_id,omitempty"`
	OperationID string        `json:"operation_id,omitempty"`
	RequestID   string        `json:"request_id"`
	Status      int           `json:"status"`
	ErrorType   string        `json:"error_type,omitempty"`
	Fault       bool          `json:"fault,omitempty"` // an injected fault applied: latency, status or dropped connection
	Duration    time.Duration `json:"duration"`
}

// requestLogCap bounds the log; the oldest entries go first.
const requestLogCap = 10000

// requestLog is a ring of the last requestLogCap requests.
type requestLog struct {
	mu      sync.Mutex
	entries []RecordedRequest // grows to requestLogCap, then is reused in place
	next    int               // where the next entry goes once the ring is full
}

func (l *requestLog) add(e RecordedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) < requestLogCap {
		l.entries = append(l.entries, e)
		return
	}
	l.entries[l.next] = e
	l.next = (l.next + 1) % requestLogCap
}

// all returns the entries, oldest first.
func (l *requestLog) all() []RecordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]RecordedRequest, 0, len(l.entries))
	out = append(out, l.entries[l.next:]...)
	return append(out, l.entries[:l.next]...)
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.next = nil, 0
}

// Redacted replaces, in the request log, the value of every header that carries a credential.
const Redacted = "[REDACTED]"

// loggedHeader is h for the request log: every header is kept by name, so a test can see that
// a credential was sent, but the values of those that carry one are replaced by Redacted. The
// other values share h's slices, which nothing changes once the request has arrived.
func loggedHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		if carriesCredential(k) {
			masked := make([]string, len(v))
			for i := range masked {
				masked[i] = Redacted
			}
			v = masked
		}
		out[k] = v
	}
	return out
}

// credentialWords are the parts of a header name that mark its value as a credential:
// Authorization and Proxy-Authorization, Cookie, Stytch's X-Stytch-Member-Session and
// X-Stytch-Member-SessionJWT, and the usual API key and token headers. A header is matched by
// these words rather than by a list of names so that one nobody listed (X-Auth-Token,
// X-Api-Key, X-Amz-Security-Token) is masked too; a header masked by mistake loses only its value.
var credentialWords = []string{"auth", "cookie", "session", "token", "secret", "passw", "jwt", "api-key", "apikey", "api_key", "credential", "signature"}

func carriesCredential(name string) bool {
	name = strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
