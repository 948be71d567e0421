// Package mockserver is a stateful fake of Stytch's B2B Organizations API, for tests.
//
// It serves every operation of openapi.yaml with real state: organizations, members, metadata,
// search with cursors, RBAC policies and member sessions behave as the spec (and Stytch)
// describes. Every request is validated against the spec before it is handled, and every
// response the mock produces is validated before it is sent. Validation uses kin-openapi; a
// checker compiled from the same schemas vouches for plainly valid JSON first, so the common
// case skips kin-openapi's decoding, and anything that checker is not sure of (every invalid
// request among it) goes to kin-openapi, which decides and explains.
//
// # In Go tests
//
// Start runs a server on a loopback port for the length of a test:
//
//	srv := mockserver.Start(t)
//	c, err := client.New("project-test-1234", "secret", client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0))
//	if err != nil {
//		t.Fatal(err)
//	}
//
// client.WithRetryWaits(0, 0) keeps the client's retries and drops the backoff between them, so
// that a test that injects a fault (InjectFault) spends no real time waiting: a read answered
// 503 three times fails in about a millisecond instead of a second or more.
//
// Servers share nothing: each owns its state. A server's first start in a process compiles the
// spec (a few milliseconds); later starts reuse it.
//
// # As a process
//
// The stytchmock command (mockserver/cmd/stytchmock) serves the same mock on 127.0.0.1:4010, for
// tests in any language; its admin API under AdminPrefix exposes the test controls below.
//
// # Projects and credentials
//
// Requests authenticate with HTTP Basic, as with Stytch. Each project id is its own namespace,
// so tests that share a server stay apart by using different project ids. By default any
// project-test- or project-live- id is accepted with a non-empty secret, and the first secret
// used for an id is the only one accepted after; WithCredentials pins exact pairs instead. Ids
// the mock creates carry the project's environment: organization-test-… or organization-live-….
//
// Stytch issues project-test- or project-live- and a UUID. The mock also accepts other
// suffixes, so tests can name their projects (project-test-demo), but only 1 to 64 letters,
// digits, hyphens and underscores: any other id (an empty suffix, a NUL byte, 30 KB) is a 401
// unauthorized_credentials that says so. Pinned ids are taken as given.
//
// # Validation
//
// A request that breaks the spec is answered 400 with a Stytch error whose error_type is the one
// openapi.yaml names for the field (its x-stytch-error-type extension) and whose message names
// the field and the problem; error_details.violations lists every violation. Unknown routes are
// 404 route_not_found, a wrong method 405, bodies over 1 MB 413, a request line and headers over
// 32 KB 431 request_header_fields_too_large.
//
// A few malformed requests never reach the mock: net/http refuses them while reading them, in
// plain text, and the mock cannot shape those answers. They are a request line and headers over
// the server's own limit (ServerMaxHeaderBytes, 64 KB: 431), a malformed request line,
// header line or path escape (%zz), a header value with a control character, a missing Host
// header, two different Content-Lengths (400), a Transfer-Encoding other than chunked (501), an
// Expect header other than 100-continue (417, no body) and an HTTP version other than 1.x (505).
//
// Path parameters are percent-decoded once: /organizations/%2E is the organization ".", and
// /organizations/a%2Fb the organization "a/b". Repeated slashes count as one (the official Go
// SDK, given a base URL that ends in "/", asks for //v1/…), except where the empty segment
// stands for a parameter: /organizations//metrics is 404 route_not_found, not the organization
// "metrics".
//
// A response that breaks the spec is a bug in the mock. It is never sent: the client gets a 500
// mock_response_invalid that says which rule broke, ContractViolations records it, and Start
// fails the test.
//
// # Test controls
//
// Seed adds organizations, members and the state only sign-in flows create (verified emails,
// passwords, TOTP, provider tokens, sessions, Connected Apps) from a Fixture, built in Go from
// the client package's params types or read from JSON. InjectFault makes
// the next matching requests fail with a status (and Retry-After), slow down, or lose their
// connection. Requests returns the log of requests received: the latest that fit its memory
// budget (WithRequestLogBytes), credential headers masked, and a body only for requests that were
// routed and authenticated. ResetAll forgets everything.
//
// Tests that share one server by project id keep their controls apart too: a Fault with a
// ProjectID applies to that project's requests only, ProjectRequests is one project's part of
// the log, and ResetProject forgets one project (its state, learned secret, faults and logged
// requests) and nothing else. A Fault without a ProjectID applies to every project. The admin
// API (AdminPrefix) takes the same project_id.
// WithFixedClock and WithDeterministicIDs make responses repeatable for golden tests.
//
// # Keeping state
//
// State returns a project's whole state as a Fixture (GET /__stytchmock/state serves it): its
// organizations and members with their ids, timestamps and every field, its policy, Connected
// Apps, and what only fixtures set, member sessions and provider tokens among it; no secret.
// Seeded into a fresh mock, it answers the same requests with the same bodies. WithStateFile
// keeps every project's state in a file across runs (stytchmock -state): loaded at start,
// written back by SaveState, atomically. The file is a JSON array of fixtures, one per project,
// which WithFixtureFile loads too (LoadFixtures, WriteFixtures).
//
// # Proxy mode
//
// WithUpstream turns the Mock into a validating proxy to the real API (stytchmock -upstream): it
// forwards every request unchanged, returns the upstream's answer unchanged, and checks both
// against the spec; what breaks it is logged and listed (Violations, ContractViolations, GET
// /__stytchmock/violations), never corrected, and fails a test run with Start. An upstream that
// cannot be reached is a 502 upstream_unavailable, one too slow (WithUpstreamTimeout) a 504
// upstream_timeout. WithRecordFile keeps the organizations, members and policy that passed
// through and writes them (FlushRecording) as fixtures the mock loads: a recording of a Stytch
// test project, replayed offline. Credentials pass through and are never logged or recorded.
//
// # What it does not model
//
// The mock sends no email and runs no sign-in: members verify nothing by themselves, and
// sessions, provider tokens and Connected App authorizations exist only when seeded. Start email
// update records the pending address (PendingEmailUpdate) but never completes it.
package mockserver
