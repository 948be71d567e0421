package contracttest

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// tg is the target of this run, set by TestMain.
var tg *target

// Areas group the rules in the table, in this order.
const (
	areaSeed       = "Seed example"
	areaDefaults   = "Defaults on create"
	areaUnique     = "Uniqueness"
	areaDomains    = "Claimed domains"
	areaJIT        = "JIT and invites"
	areaMetadata   = "Metadata"
	areaFilters    = "Search filters"
	areaPages      = "Cursors and totals"
	areaMembers    = "Member lifecycle"
	areaRBAC       = "RBAC"
	areaChoices    = "Other choices"
	areaErrorTypes = "Error types"
)

var areaOrder = []string{areaSeed, areaDefaults, areaUnique, areaDomains, areaJIT, areaMetadata,
	areaFilters, areaPages, areaMembers, areaRBAC, areaChoices, areaErrorTypes}

// rule is one behaviour the mock claims.
type rule struct {
	area string
	// name is the rule's short title in the table; says states the rule in full, for a
	// failure's details.
	name, says string
	// choice names the item of openapi.yaml's "choices" (or "differs from Stytch's document")
	// list this rule checks, where Stytch's documentation is silent or says otherwise: the
	// table then shows what the target answered.
	choice string
}

// outcome of a rule on the target.
type outcome int

const (
	running outcome = iota
	passed
	failed
	notRun
)

func (o outcome) String() string {
	return [...]string{"running", "pass", "FAIL", "not run"}[o]
}

// record is a rule's result on the target, for the table.
type record struct {
	rule
	test    string // the Go test that checks it, for go test -run
	outcome outcome
	reason  string // why it did not run
	// want and got are what the spec says the answer is and what the target answered: status
	// and error type, or the value a choice is about.
	want, got []string
	failure   string   // the first failure message
	at        exchange // the last request before the first failure
	last      exchange // the last request of the rule
}

// results holds the records of the run, in the order the rules ran.
var results struct {
	sync.Mutex
	all     []*record
	current *record // the rule running; the suite runs one at a time
}

func noteExchange(ex exchange) {
	results.Lock()
	defer results.Unlock()
	if r := results.current; r != nil {
		r.last = ex
	}
}

// ct is a rule's test: a *testing.T that records failures for the table, with the target's
// client and the suite's helpers.
type ct struct {
	*testing.T
	rec *record
	c   *client.Client
	ctx context.Context
}

// check runs body as the test of rule r. A panic in body fails the rule instead of ending the
// run, so that the table is still printed and the run's organizations still deleted.
func check(t *testing.T, r rule, body func(c *ct)) {
	t.Helper()
	rec := &record{rule: r, test: t.Name()}
	results.Lock()
	results.all = append(results.all, rec)
	results.current = rec
	results.Unlock()
	c := &ct{T: t, rec: rec, c: tg.client, ctx: context.Background()}
	// Registered first, so it runs last: the rule's deletes, cleanups too, still count as its
	// requests.
	t.Cleanup(func() {
		results.Lock()
		defer results.Unlock()
		switch {
		case t.Failed():
			rec.outcome = failed
		case t.Skipped():
			rec.outcome = notRun
		default:
			rec.outcome = passed
		}
		results.current = nil
	})
	defer func() {
		if p := recover(); p != nil {
			c.note(fmt.Sprint("panic: ", p))
			c.T.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	body(c)
}

// note keeps the first failure message and the request it followed.
func (c *ct) note(msg string) {
	results.Lock()
	defer results.Unlock()
	if c.rec.failure == "" {
		c.rec.failure, c.rec.at = msg, c.rec.last
	}
}

func (c *ct) Errorf(format string, args ...any) {
	c.T.Helper()
	c.note(fmt.Sprintf(format, args...))
	c.T.Errorf(format, args...)
}

func (c *ct) Fatalf(format string, args ...any) {
	c.T.Helper()
	c.note(fmt.Sprintf(format, args...))
	c.T.Fatalf(format, args...)
}

func (c *ct) Error(args ...any) {
	c.T.Helper()
	c.note(fmt.Sprint(args...))
	c.T.Error(args...)
}

func (c *ct) Fatal(args ...any) {
	c.T.Helper()
	c.note(fmt.Sprint(args...))
	c.T.Fatal(args...)
}

// notRunHere ends the rule as not run on this target, for the reason given.
func (c *ct) notRunHere(reason string) {
	c.T.Helper()
	results.Lock()
	c.rec.reason = reason
	results.Unlock()
	c.T.Skip("not run on this target: " + reason)
}

// needsMock returns the in-process mock, whose Go API makes state the API cannot: what says
// which, state only sign-in flows or Stytch's dashboard make. On any other target it ends the
// rule as not run.
func (c *ct) needsMock(what string) *mockserver.Server {
	c.T.Helper()
	if tg.mock == nil {
		c.notRunHere("needs the mock's fixtures (" + what + ")")
	}
	return tg.mock
}

// must fails the rule now if err is not nil.
func (c *ct) must(err error, what string) {
	c.T.Helper()
	if err != nil {
		c.Fatalf("%s: %v", what, err)
	}
}

// saw records an answer of the target where the spec says want, and fails the rule when they
// differ. Choices record their answers this way, so that the table shows them.
func (c *ct) saw(want, got string) {
	c.T.Helper()
	results.Lock()
	c.rec.want = append(c.rec.want, want)
	c.rec.got = append(c.rec.got, got)
	results.Unlock()
	if got != want {
		c.Errorf("the target answered %s; the spec says %s", got, want)
	}
}

// wantError checks that err is the target's answer of status and error type, and records it.
func (c *ct) wantError(err error, status int, errorType string) {
	c.T.Helper()
	c.saw(fmt.Sprintf("%d %s", status, errorType), answerOf(err))
	var se *client.Error
	if errors.As(err, &se) && se.StatusCode == status && se.ErrorType == errorType {
		checkErrorShape(c, se)
	}
}

// checkErrorShape fails the rule unless an error has every field of Stytch's error body.
func checkErrorShape(c *ct, se *client.Error) {
	c.T.Helper()
	var missing []string
	for name, v := range map[string]string{"request_id": se.RequestID, "error_message": se.ErrorMessage, "error_url": se.ErrorURL} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || se.Body != nil {
		c.Errorf("the error is not Stytch-shaped (missing %v; raw body %q)", missing, se.Body)
	}
}

// answerOf is how the table shows a call's outcome: 200, or the status and error type.
func answerOf(err error) string {
	var se *client.Error
	var ve *client.ValidationError
	switch {
	case err == nil:
		return "200"
	case errors.As(err, &se) && se.ErrorType != "":
		return fmt.Sprintf("%d %s", se.StatusCode, se.ErrorType)
	case errors.As(err, &se):
		return fmt.Sprintf("%d (no Stytch error body)", se.StatusCode)
	case errors.As(err, &ve):
		return "refused by the client: " + ve.Error()
	}
	return "no answer: " + err.Error()
}

// eventually retries cond until it holds or the target's settle time runs out: a remote
// target's search index may lag behind its writes. Against the mock it runs cond once.
func (c *ct) eventually(what string, cond func() error) {
	c.T.Helper()
	deadline := time.Now().Add(tg.settle)
	wait := 500 * time.Millisecond
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().Add(wait).After(deadline) {
			c.Fatalf("%s: %v", what, err)
		}
		time.Sleep(wait)
		wait = min(2*wait, 4*time.Second)
	}
}

// name returns an organization name unique to the run, starting with its prefix.
func (c *ct) name(label string) string {
	return fmt.Sprintf("%s-%d %s", tg.prefix, tg.next(), label)
}

// slug returns a slug unique to the run, starting with its prefix.
func (c *ct) slug(label string) string {
	return fmt.Sprintf("%s-%d-%s", tg.prefix, tg.next(), label)
}

// domain returns an email domain unique to the run.
func (c *ct) domain(label string) string {
	return fmt.Sprintf("%s-%d-%s.example.com", label, tg.next(), tg.run)
}

// wideName returns an organization name that gives no slug (every character is outside a
// slug's), yet starts with the run's prefix in full-width letters, so the sweep finds it.
func (c *ct) wideName() string {
	return fmt.Sprintf("%s%s", tg.wide, wide(fmt.Sprint(tg.next())))
}

// createOrg creates an organization and deletes it when the rule ends. Its name or slug must
// start with the run's prefix: the suite touches no organization but its own.
func (c *ct) createOrg(p client.OrganizationCreateParams, opts ...client.RequestOption) (*client.Organization, error) {
	c.T.Helper()
	return createOrgFor(c.T, p, opts...)
}

// createOrgFor is createOrg for a test that is no rule (one that makes what several rules read),
// with t's cleanup.
func createOrgFor(t testing.TB, p client.OrganizationCreateParams, opts ...client.RequestOption) (*client.Organization, error) {
	t.Helper()
	if !ours(p.Name, p.Slug) {
		return nil, fmt.Errorf("bug in the suite: organization %q (slug %q) does not start with the run's prefix", p.Name, p.Slug)
	}
	o, err := tg.client.Organizations.Create(context.Background(), p, opts...)
	if err == nil {
		deleteLater(t, o.ID)
	}
	return o, err
}

// ours reports whether an organization's name or slug starts with the run's prefix (in either
// form), so that the sweep can find it.
func ours(name, slug string) bool {
	return strings.HasPrefix(name, tg.prefix) || strings.HasPrefix(name, tg.wide) ||
		strings.HasPrefix(strings.ToLower(slug), tg.prefix)
}

// deleteLater deletes an organization of the run when t ends, if it still exists.
func deleteLater(t testing.TB, id string) {
	t.Cleanup(func() {
		err := tg.client.Organizations.Delete(context.Background(), id)
		if err != nil && !errors.Is(err, client.ErrNotFound) {
			// The sweep at the end of the run tries again.
			t.Logf("deleting organization %s: %v", id, err)
		}
	})
}

// org creates an organization, with a name and slug of the run unless p sets them, and fails
// the rule if that fails.
func (c *ct) org(p client.OrganizationCreateParams) *client.Organization {
	c.T.Helper()
	if p.Name == "" {
		p.Name = c.name("Acme")
	}
	if p.Slug == "" {
		p.Slug = c.slug("acme")
	}
	o, err := c.createOrg(p)
	c.must(err, "creating an organization")
	return o
}

// member creates a member of an organization and fails the rule if that fails.
func (c *ct) member(orgID string, p client.MemberCreateParams) *client.Member {
	c.T.Helper()
	m, err := c.c.Members.Create(c.ctx, orgID, p)
	c.must(err, "creating member "+p.EmailAddress)
	return m
}

// seed adds a fixture organization to the in-process mock, named and slugged for the run, and
// returns it as the API shows it. It is deleted when the rule ends.
func (c *ct) seed(srv *mockserver.Server, o mockserver.FixtureOrganization) *client.Organization {
	c.T.Helper()
	if o.Name == "" {
		o.Name = c.name("Seeded")
	}
	if o.Slug == "" {
		o.Slug = c.slug("seeded")
	}
	c.must(srv.Seed(mockserver.Fixture{ProjectID: tg.projectID, Organizations: []mockserver.FixtureOrganization{o}}), "seeding the mock")
	got, err := c.c.Organizations.Get(c.ctx, o.Slug)
	c.must(err, "getting the seeded organization")
	deleteLater(c.T, got.ID)
	return got
}

// session gives a member a session token the in-process mock accepts.
func (c *ct) session(srv *mockserver.Server, memberID string) string {
	c.T.Helper()
	token := "session-token-" + randomHex(16)
	c.must(srv.AddSession(tg.projectID, memberID, token, ""), "adding a session")
	return token
}
