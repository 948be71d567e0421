package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
)

// Fault makes the next requests that match it fail, slow down or lose their connection, to
// exercise a client's retries and timeouts. Faults apply before authentication and validation,
// like a failing load balancer would.
type Fault struct {
	// ProjectID matches requests that name this project id (the user of their HTTP Basic
	// credentials, whether or not the secret is right), so that tests sharing a server by
	// project id do not fail each other's requests. Empty matches every request, of any project
	// or none.
	ProjectID string `json:"project_id,omitempty"`
	// Method matches the request method; empty matches any.
	Method string `json:"method,omitempty"`
	// Path matches the request path, with path.Match patterns ("/v1/b2b/organizations/*");
	// empty matches any.
	Path string `json:"path,omitempty"`
	// Times is how many matching requests the fault applies to; 0 means 1.
	Times int `json:"times,omitempty"`

	// Status, when set, answers with this status and a Stytch error body instead of handling
	// the request.
	Status int `json:"status,omitempty"`
	// ErrorType and ErrorMessage of that body; defaults follow the status.
	ErrorType    string `json:"error_type,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	// RetryAfter is sent as the Retry-After header of that answer: a whole number of seconds
	// ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT").
	RetryAfter string `json:"retry_after,omitempty"`
	// Latency delays the answer (or the handling, when no Status is set); it is not negative.
	// In JSON it is a duration string, such as "250ms" or "1.5s", both ways.
	Latency time.Duration `json:"latency,omitempty"`
	// DropConnection closes the connection without answering (after Latency); it takes no
	// Status. A request that came through no connection (Server.Handler() called with
	// httptest.NewRecorder) is answered 502 connection_dropped instead, since there is nothing
	// to close.
	DropConnection bool `json:"drop_connection,omitempty"`
}

func (f Fault) validate() error {
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return fmt.Errorf("fault status %d is not an error status (400-599)", f.Status)
	}
	if f.Status == 0 && f.Latency == 0 && !f.DropConnection {
		return fmt.Errorf("a fault needs a status, a latency or a dropped connection")
	}
	if f.ErrorType != "" && !errorTypePattern.MatchString(f.ErrorType) {
		return fmt.Errorf("fault error_type %q is not a snake_case code", f.ErrorType)
	}
	if f.Times < 0 {
		return fmt.Errorf("fault times %d is negative", f.Times)
	}
	if f.Latency < 0 {
		return fmt.Errorf("fault latency %v is negative", f.Latency)
	}
	if f.DropConnection && f.Status != 0 {
		return fmt.Errorf("a fault drops the connection or answers status %d, not both", f.Status)
	}
	if f.Status == 0 && (f.RetryAfter != "" || f.ErrorType != "" || f.ErrorMessage != "") {
		return fmt.Errorf("fault retry_after, error_type and error_message belong to an answer: they need a status")
	}
	if f.RetryAfter != "" && !validRetryAfter(f.RetryAfter) {
		return fmt.Errorf("fault retry_after %q is neither a whole number of seconds nor an HTTP date", f.RetryAfter)
	}
	if _, err := path.Match(f.Path, "/"); err != nil {
		return fmt.Errorf("fault path %q: %w", f.Path, err)
	}
	return nil
}

// validRetryAfter reports whether v is a Retry-After value (RFC 9110, section 10.2.3):
// delay-seconds, at most ten digits, or an HTTP date.
func validRetryAfter(v string) bool {
	if len(v) <= 10 && strings.Trim(v, "0123456789") == "" {
		return true
	}
	_, err := http.ParseTime(v)
	return err == nil
}

func (f *Fault) matches(r *http.Request, projectID string) bool {
	if f.ProjectID != "" && f.ProjectID != projectID {
		return false
	}
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	ok, _ := path.Match(f.Path, r.URL.Path)
	return ok
}

// apiError is the error body of a fault with a status: the fault's own type and message where
// it gives them, Stytch's for the status otherwise.
func (f *Fault) apiError() *apiError {
	errorType, message := defaultFaultError(f.Status)
	if f.ErrorType != "" {
		errorType = f.ErrorType
	}
	if f.ErrorMessage != "" {
		message = f.ErrorMessage
	}
	return &apiError{Status: f.Status, Type: errorType, Message: message}
}

// defaultFaultError is the error type and message Stytch answers a status with, or for statuses
// it does not use, a code made from the status text (418 → im_a_teapot, 499 → http_499).
func defaultFaultError(status int) (string, string) {
	switch {
	case status == http.StatusTooManyRequests:
		return "too_many_requests", "Too many requests have been made."
	case status >= 500:
		return "internal_server_error", "Oops, something seems to have gone wrong. (Injected by the mock server.)"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(http.StatusText(status)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	code := strings.Trim(b.String(), "_")
	if code == "" {
		code = fmt.Sprintf("http_%d", status)
	}
	return code, "Injected by the mock server."
}

var errorTypePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// faultSet holds the faults waiting for requests, in the order they were added.
type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
}

func (s *faultSet) add(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
	return nil
}

// take returns the first fault that matches r, a request naming projectID, and uses up one of
// its times.
func (s *faultSet) take(r *http.Request, projectID string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.matches(r, projectID) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

func (s *faultSet) pending() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	return out
}

func (s *faultSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// clearProject removes the faults of one project; those of every project stay.
func (s *faultSet) clearProject(projectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = slices.DeleteFunc(s.faults, func(f *Fault) bool { return f.ProjectID == projectID })
}

// faultFields is a Fault without its JSON methods.
type faultFields Fault

// MarshalJSON writes Latency as a duration string ("250ms"), the form the admin API takes,
// rather than encoding/json's integer nanoseconds.
func (f Fault) MarshalJSON() ([]byte, error) {
	out := struct {
		faultFields
		Latency string `json:"latency,omitempty"`
	}{faultFields: faultFields(f)}
	if f.Latency != 0 {
		out.Latency = f.Latency.String()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a Fault as MarshalJSON writes it. Latency must be a duration string: a
// bare number would be nanoseconds, which nobody who writes 250 means. Unknown fields are
// refused, so that a misspelled one does not make a fault match more than it should.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	latency, hasLatency := fields["latency"]
	delete(fields, "latency")
	// The other fields are decoded as a faultFields of their own, so that an error names
	// them as the caller wrote them (status, not faultFields.status).
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	var out faultFields
	if err := dec.Decode(&out); err != nil {
		return err
	}
	if hasLatency && string(latency) != "null" {
		var s string
		if err := json.Unmarshal(latency, &s); err != nil {
			return fmt.Errorf("latency must be a duration string such as \"250ms\" or \"1.5s\", not %s", jsonKind(latency))
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("latency %s is not a duration such as \"250ms\" or \"1.5s\"", contract.QuoteClipped(s))
		}
		out.Latency = d
	}
	*f = Fault(out)
	return nil
}
