package mockserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// RecordedRequest is one request the mock received, for tests to assert on.
type RecordedRequest struct {
	Time     time.Time   `json:"time"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"query,omitempty"`
	Header   http.Header `json:"header"` // credentials replaced by Redacted
	// Body is the body as received, for requests that were routed and authenticated; a
	// request refused before that (unknown route, bad credentials, too large) keeps none.
	Body string `json:"body,omitempty"`
	// BodyTruncated says Body is only the start of the body: the whole did not fit the log's
	// budget (WithRequestLogBytes).
	BodyTruncated bool   `json:"body_truncated,omitempty"`
	ProjectID     string `json:"project_id,omitempty"`
	OperationID   string `json:"operation_id,omitempty"`
	RequestID     string `json:"request_id"`
	Status        int    `json:"status"`
	ErrorType     string `json:"error_type,omitempty"`
	Fault         bool   `json:"fault,omitempty"` // an injected fault applied: latency, status or dropped connection
	// Duration is how long the mock took to answer, injected latency included. In JSON it is a
	// duration string ("1.5ms"), like a Fault's latency.
	Duration time.Duration `json:"duration"`
}

// recordedFields is a RecordedRequest without its JSON methods.
type recordedFields RecordedRequest

// MarshalJSON writes Duration as a duration string, the form a Fault's latency takes, rather
// than encoding/json's integer nanoseconds.
func (e RecordedRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		recordedFields
		Duration string `json:"duration"`
	}{recordedFields(e), e.Duration.String()})
}

// UnmarshalJSON reads a RecordedRequest as MarshalJSON writes it.
func (e *RecordedRequest) UnmarshalJSON(b []byte) error {
	var in struct {
		recordedFields
		Duration string `json:"duration"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = RecordedRequest(in.recordedFields)
	if in.Duration == "" {
		return nil
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		return fmt.Errorf("duration %q: %w", in.Duration, err)
	}
	e.Duration = d
	return nil
}

// DefaultRequestLogBytes is the request log's budget unless WithRequestLogBytes sets another:
// a few thousand typical requests, or four of the largest bodies the mock accepts.
const DefaultRequestLogBytes = 4 << 20

// entryOverhead is what an entry costs beyond the bytes of its strings: the struct, the
// header map and slice headers, and the allocator's rounding. With it, the cost of an entry
// like an SDK's (a 100-byte body, six headers) comes to about 1,170 bytes where the heap
// measured 970: a log holds a little less than its budget, never several times more.
const entryOverhead = 512

// cost is what e holds in memory, approximately.
func (e *RecordedRequest) cost() int {
	n := entryOverhead + len(e.Method) + len(e.Path) + len(e.RawQuery) + len(e.Body) +
		len(e.ProjectID) + len(e.OperationID) + len(e.RequestID) + len(e.ErrorType)
	for k, vs := range e.Header {
		n += len(k) + 48
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return n
}

// requestLog keeps the latest requests whose costs add up to at most budget bytes; the oldest
// go first.
type requestLog struct {
	budget int

	mu      sync.Mutex
	entries []RecordedRequest // entries[head:] is the log, oldest first
	costs   []int             // the cost of each entry, computed once
	head    int
	size    int // the cost of entries[head:]
}

func (l *requestLog) add(e RecordedRequest) {
	c := e.cost()
	if c > l.budget && e.Body != "" {
		// Too large alone: keep the start of the body, as much as fits.
		keep := max(0, len(e.Body)-(c-l.budget))
		for keep > 0 && !utf8.RuneStart(e.Body[keep]) {
			keep--
		}
		e.Body, e.BodyTruncated = strings.Clone(e.Body[:keep]), true
		c = e.cost()
	}
	if c > l.budget {
		return // only a budget smaller than the request's headers gets here
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.costs = append(l.entries, e), append(l.costs, c)
	l.size += c
	for l.size > l.budget {
		l.size -= l.costs[l.head]
		l.entries[l.head] = RecordedRequest{}
		l.head++
	}
	// Entries before head are dropped: move the log to the front of the slice once they are
	// half of it, so that the slice does not grow without end.
	if l.head > len(l.entries)/2 {
		n := copy(l.entries, l.entries[l.head:])
		copy(l.costs, l.costs[l.head:])
		clear(l.entries[n:])
		l.entries, l.costs, l.head = l.entries[:n], l.costs[:n], 0
	}
}

// all returns the entries, oldest first. They share their strings and headers with the log,
// which never changes them.
func (l *requestLog) all() []RecordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries[l.head:])
}

// project returns the entries of one project, oldest first.
func (l *requestLog) project(projectID string) []RecordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []RecordedRequest
	for _, e := range l.entries[l.head:] {
		if e.ProjectID == projectID {
			out = append(out, e)
		}
	}
	return out
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.costs, l.head, l.size = nil, nil, 0, 0
}

// clearProject removes the entries of one project.
func (l *requestLog) clearProject(projectID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept, keptCosts := l.entries[:0], l.costs[:0]
	for i, e := range l.entries[l.head:] {
		c := l.costs[l.head+i]
		if e.ProjectID == projectID {
			l.size -= c
			continue
		}
		kept, keptCosts = append(kept, e), append(keptCosts, c)
	}
	clear(l.entries[len(kept):])
	l.entries, l.costs, l.head = kept, keptCosts, 0
}

// writeJSON writes entries to w as a JSON array, one entry at a time, so that serving the log
// costs one entry's encoding rather than the whole log's.
func writeJSON(w io.Writer, entries []RecordedRequest) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for i := range entries {
		if i > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		if err := enc.Encode(&entries[i]); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]\n")
	return err
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
			v = masked(len(v))
		}
		out[k] = v
	}
	return out
}

// redactedOnce is the logged value of a credential header sent once, as they are: shared by
// every entry, like the other values an entry shares with its request, and as read-only.
var redactedOnce = []string{Redacted}

func masked(n int) []string {
	if n == 1 {
		return redactedOnce
	}
	out := make([]string, n)
	for i := range out {
		out[i] = Redacted
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
	if verdict, known := commonHeaders[name]; known {
		return verdict
	}
	return matchesCredentialWord(name)
}

// commonHeaders holds the verdict for the names most requests send, so that logging them
// costs a map lookup rather than a dozen substring searches each.
var commonHeaders = func() map[string]bool {
	names := []string{
		"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
		"Connection", "Content-Length", "Content-Type", "Cookie", "Origin", "Referer",
		"User-Agent", "X-Forwarded-For", "X-Request-Id", "X-Stytch-Member-Session",
		"X-Stytch-Member-Sessionjwt",
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = matchesCredentialWord(n)
	}
	return m
}()

// matchesCredentialWord reports whether name, in lower case, holds one of credentialWords.
func matchesCredentialWord(name string) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		name = strings.ToLower(name)
	} else {
		for i := range len(name) {
			buf[i] = lower(name[i])
		}
		name = string(buf[:len(name)]) // no allocation: the compiler sees it does not escape
	}
	for _, w := range credentialWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
