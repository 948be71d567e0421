package mockserver

import (
	"fmt"

	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// ResetProject forgets one project: its organizations, members, sessions and policy, the
// secret learned for its id, its faults and its requests in the log. Other projects, and faults
// without a project id, are untouched, so tests sharing a server by project id can each start
// clean. Credentials pinned with WithCredentials stay.
func (m *Mock) ResetProject(projectID string) {
	m.store.Forget(projectID)
	m.creds.forget(projectID)
	m.faults.clearProject(projectID)
	m.log.clearProject(projectID)
}

// ResetAll forgets every project's state, every learned secret, every pending fault and the
// whole request log. A test that shares the server with others wants ResetProject.
func (m *Mock) ResetAll() {
	m.store.Reset()
	m.creds.reset()
	m.faults.clear()
	m.log.clear()
}

// InjectFault adds a fault for the next requests that match it: those of f.ProjectID, or of
// every project when it is empty.
func (m *Mock) InjectFault(f Fault) error {
	if f.ProjectID != "" && !m.creds.wellFormed(f.ProjectID) {
		return fmt.Errorf("fault project_id: %s", projectIDRule)
	}
	return m.faults.add(f)
}

// PendingFaults lists the faults not yet used up, of every project.
func (m *Mock) PendingFaults() []Fault { return m.faults.pending() }

// Requests returns the requests received so far, of every project, oldest first: the latest
// that fit the log's budget (WithRequestLogBytes).
func (m *Mock) Requests() []RecordedRequest { return m.log.all() }

// ProjectRequests returns the requests in the log that named projectID in their credentials
// (RecordedRequest.ProjectID), oldest first.
func (m *Mock) ProjectRequests(projectID string) []RecordedRequest { return m.log.project(projectID) }

// ContractViolations returns, one error for each, every response the mock produced that broke
// openapi.yaml. Each was replaced by a 500 mock_response_invalid; any entry is a bug in the
// mock. In proxy mode (WithUpstream), it is every exchange whose request or response broke
// the spec. Violations has the same, one violation at a time.
func (m *Mock) ContractViolations() []error { return m.violations.errors() }

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
