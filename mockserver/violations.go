package mockserver

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
)

// Violation is one way traffic broke openapi.yaml. In a mock it is always about a response of
// the mock's own (a bug in the mock, answered 500 mock_response_invalid instead); in proxy mode
// (WithUpstream) it is about a request a client sent or a response the upstream gave, which
// were forwarded unchanged all the same. GET /__stytchmock/violations lists them in this shape.
type Violation struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Status is the status of the response (the upstream's in proxy mode); 0 when there was
	// none, as for a request the upstream never answered.
	Status int `json:"status,omitempty"`
	// RequestID is the request_id of the response, when it has one: the mock's, or the
	// upstream's, to look the exchange up in the upstream's logs.
	RequestID string `json:"request_id,omitempty"`
	// Operation is the operationId of openapi.yaml the request was routed to; empty for a
	// request that matches no operation.
	Operation string `json:"operation,omitempty"`
	// Direction is "request" or "response".
	Direction string `json:"direction"`
	// Field names what broke: a parameter, a body field (organization.organization_id), or
	// nothing when the problem is the whole message. Values are never quoted, so a violation
	// never carries a credential or personal data.
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem"`
}

func (v Violation) String() string {
	s := v.Method + " " + v.Path
	if v.Operation != "" {
		s += " (" + v.Operation + ")"
	}
	s += " " + v.Direction
	if v.Status != 0 && v.Direction == string(contract.Response) {
		s += fmt.Sprintf(" %d", v.Status)
	}
	if v.Field != "" {
		s += ": " + v.Field
	}
	return s + ": " + v.Problem
}

// maxViolations bounds the violations a Mock keeps: a proxy in front of an upstream that breaks
// the spec in every response would otherwise grow without end. Later ones are still logged
// and counted.
const maxViolations = 10000

// violationLog keeps the violations seen, and, for ContractViolations, one error per exchange
// that had any.
type violationLog struct {
	mu      sync.Mutex
	entries []Violation
	errs    []error
	total   int
}

func (l *violationLog) add(err error, vs []Violation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total += len(vs)
	if len(l.entries) < maxViolations {
		l.entries = append(l.entries, vs[:min(len(vs), maxViolations-len(l.entries))]...)
		l.errs = append(l.errs, err)
	}
}

func (l *violationLog) all() []Violation {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Violation{}, l.entries...)
}

func (l *violationLog) errors() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

func (l *violationLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// Violations returns the violations seen so far, oldest first (the first 10,000; ViolationCount
// counts them all).
func (m *Mock) Violations() []Violation { return m.violations.all() }

// ViolationCount returns how many violations were seen, those Violations no longer keeps
// included.
func (m *Mock) ViolationCount() int { return m.violations.count() }

// exchangeInfo is what the violations of one exchange share.
type exchangeInfo struct {
	method, path, requestID string
	status                  int
}

// reportViolations keeps the violations of one exchange and logs one line for each. what
// introduces them in the exchange's error (ContractViolations).
func (m *Mock) reportViolations(ctx context.Context, x exchangeInfo, what string, vs []contract.Violation) {
	if len(vs) == 0 {
		return
	}
	now := time.Now().UTC().Round(0) // as JSON shows it, and the same once decoded
	out := make([]Violation, len(vs))
	for i, v := range vs {
		out[i] = Violation{Time: now, Method: x.method, Path: x.path, Status: x.status, RequestID: x.requestID,
			Operation: v.Operation, Direction: string(v.Direction), Field: v.Field, Problem: v.Problem}
		if m.logger != nil {
			m.logger.LogAttrs(ctx, slog.LevelWarn, "violation",
				slog.String("operation", v.Operation), slog.String("direction", string(v.Direction)),
				slog.String("field", v.Field), slog.String("problem", v.Problem),
				slog.String("method", x.method), slog.String("path", x.path),
				slog.Int("status", x.status), slog.String("request_id", x.requestID))
		}
	}
	m.violations.add(responseError(what, vs), out)
}
