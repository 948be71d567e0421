package mockserver

import (
	"net/http"
	"sync"
	"time"
)

// RecordedRequest is one request the mock received, for tests to assert on.
type RecordedRequest struct {
	Time        time.Time     `json:"time"`
	Method      string        `json:"method"`
	Path        string        `json:"path"`
	RawQuery    string        `json:"query,omitempty"`
	Header      http.Header   `json:"header"`         // without Authorization
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
