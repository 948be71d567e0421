package mockserver

import (
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// Reset forgets all state: every project's organizations, members and sessions, the secrets
// learned for project ids, pending faults and the request log.
func (m *Mock) Reset() {
	m.store.Reset()
	m.creds.reset()
	m.faults.clear()
	m.log.clear()
}

// InjectFault adds a fault for the next requests that match it.
func (m *Mock) InjectFault(f Fault) error { return m.faults.add(f) }

// PendingFaults lists the faults not yet used up.
func (m *Mock) PendingFaults() []Fault { return m.faults.pending() }

// Requests returns the requests received so far, oldest first: the latest that fit the log's
// budget (WithRequestLogBytes).
func (m *Mock) Requests() []RecordedRequest { return m.log.all() }

// ContractViolations returns every response the mock produced that broke openapi.yaml. Each was
// replaced by a 500 mock_response_invalid; any entry is a bug in the mock.
func (m *Mock) ContractViolations() []error { return m.contract.all() }

// AddSession registers a member session that requests of projectID may present in the
// X-Stytch-Member-Session (token) or X-Stytch-Member-SessionJWT (jwt) header.
func (m *Mock) AddSession(projectID, memberID, token, jwt string) error {
	return m.store.Project(projectID).AddSession(store.Session{MemberID: memberID, Token: token, JWT: jwt})
}

// PendingEmailUpdate returns the address a started email update of a member would change it to,
// or "" when none is pending.
func (m *Mock) PendingEmailUpdate(projectID, memberID string) string {
	return m.store.Project(projectID).PendingEmail(memberID)
}
