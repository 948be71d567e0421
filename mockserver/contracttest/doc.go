// Package contracttest holds, as tests, the behaviour the mock server claims for Stytch's B2B
// Organizations API: one test per rule, written against the public client package as a user
// would write them. The same tests run against any target, which is how a difference between
// the mock and Stytch comes to light.
//
// By default the tests run against an in-process mock (package mockserver). With
// STYTCH_PROJECT_ID and STYTCH_SECRET set they run against that project, at Stytch's API or at
// STYTCH_BASE_URL when it is set (a running stytchmock, a proxy):
//
//	STYTCH_PROJECT_ID=project-test-… STYTCH_SECRET=secret-test-… \
//	STYTCH_CONTRACT_REPORT=contract-report.md \
//	go test -count=1 -timeout 30m ./mockserver/contracttest/
//
// Against a project the suite touches only organizations it created, whose names and slugs
// start with a prefix unique to the run, and deletes them when each test ends, failed or not,
// and again by prefix when the run ends. It refuses a project-live- id unless
// STYTCH_CONTRACT_ALLOW_LIVE=1. Rules that need state this API cannot create (verified emails
// and sessions come from sign-in, SSO connections and Connected Apps from Stytch's dashboard)
// run only against the in-process mock, whose fixtures make that state; elsewhere the table
// says "not run" and why.
//
// The run ends with a table of every rule: passed, failed or not run, and what the target
// answered where the spec makes a choice Stytch's documentation does not. It is printed when
// the run ends (go test shows it with -v, on failure, or run from this directory) and written,
// as Markdown, to the file STYTCH_CONTRACT_REPORT names. The README's section "Checking the
// mock against Stytch" says what to do with a difference.
package contracttest
