package onboarding_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jarcoal/httpmock"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/client"
	onboarding "github.com/b2bkit/stytchorgs/examples/testing"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// ═══ 1. Against the mock server ═════════════════════════════════════════════════════════════
//
// The mock keeps state and enforces Stytch's rules, so these tests exercise Onboard as it will
// run against Stytch: they read back what it created, start from seeded state, and make
// requests fail on purpose.

// mockProjectID is the project of testdata/fixture.json. The mock keeps each project's state
// apart and accepts any project-test- id.
const mockProjectID = "project-test-onboarding"

// startMock starts a mock server for one test, seeded with testdata/fixture.json (one
// organization, Globex, that has claimed the domain globex.com), and returns a client for it.
// mockserver.Start closes the server when the test ends, and fails the test if the mock ever
// answered something openapi.yaml does not allow.
//
// client.WithRetryWaits(0, 0) keeps the client's retries but not the waits between them: a
// test that injects a fault then spends no real time in backoff (a read answered 503 three
// times fails in about a millisecond, against more than a second with the default waits). opts
// are added to the client's options.
func startMock(t *testing.T, opts ...client.Option) (*client.Client, *mockserver.Server) {
	t.Helper()
	srv := mockserver.Start(t, mockserver.WithFixtureFile("testdata/fixture.json"))
	c, err := client.New(mockProjectID, "secret-test-onboarding",
		append([]client.Option{client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestOnboard(t *testing.T) {
	t.Parallel()
	c, _ := startMock(t)
	ctx := t.Context()

	org, err := onboarding.Onboard(ctx, c, "Initech", "initech.com", "bill@initech.com")
	if err != nil {
		t.Fatal(err)
	}
	if org.Slug != "initech" || !slices.Equal(org.EmailAllowedDomains, []string{"initech.com"}) ||
		org.EmailJITProvisioning != client.AccessRestricted {
		t.Errorf("organization: slug %q, domains %v, email JIT %s", org.Slug, org.EmailAllowedDomains, org.EmailJITProvisioning)
	}
	// The mock has state: read back what Onboard created.
	admin, err := c.Members.GetByEmail(ctx, org.ID, "bill@initech.com")
	if err != nil {
		t.Fatal(err)
	}
	if !admin.IsAdmin || !admin.HasRole("stytch_admin") {
		t.Errorf("bill is not an administrator: roles %+v", admin.Roles)
	}
}

// A fault injected into the mock makes the administrator's creation fail as an outage at
// Stytch would; the organization must not be left behind.
func TestOnboardDeletesTheOrganizationWhenTheAdminFails(t *testing.T) {
	t.Parallel()
	c, srv := startMock(t)
	ctx := t.Context()
	err := srv.InjectFault(mockserver.Fault{Method: "POST", Path: "/v1/b2b/organizations/*/members", Status: 500})
	if err != nil {
		t.Fatal(err)
	}

	_, err = onboarding.Onboard(ctx, c, "Initech", "initech.com", "bill@initech.com")
	if !errors.Is(err, client.ErrServer) {
		t.Fatalf("want the 500 from the member create, got %v", err)
	}
	if _, err := c.Organizations.Get(ctx, "initech"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("the organization is still there: Get answered %v", err)
	}
	// The request log shows how: one member create (a create is not retried after a 500),
	// then the delete.
	var calls []string
	for _, r := range srv.Requests() {
		calls = append(calls, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
	}
	if len(calls) != 4 || !strings.HasPrefix(calls[1], "POST /v1/b2b/organizations/organization-test-") ||
		!strings.HasPrefix(calls[2], "DELETE /v1/b2b/organizations/organization-test-") || !strings.HasSuffix(calls[2], " 200") {
		t.Errorf("requests:\n%s", strings.Join(calls, "\n"))
	}
}

// The clean-up is a delete, which the client retries: here Stytch answers it 503 twice, and
// the third attempt deletes the organization. With the waits of startMock's client the retries
// take no time: the retry log shows each wait, and each is zero.
func TestOnboardCleanUpIsRetriedWithoutWaiting(t *testing.T) {
	t.Parallel()
	var retries bytes.Buffer // the client logs from the test's goroutine only
	c, srv := startMock(t, client.WithLogger(slog.New(slog.NewTextHandler(&retries, nil))))
	ctx := t.Context()
	for _, f := range []mockserver.Fault{
		{Method: "POST", Path: "/v1/b2b/organizations/*/members", Status: 500},
		{Method: "DELETE", Path: "/v1/b2b/organizations/*", Status: 503, Times: 2},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := onboarding.Onboard(ctx, c, "Initech", "initech.com", "bill@initech.com"); !errors.Is(err, client.ErrServer) {
		t.Fatalf("want the 500 from the member create, got %v", err)
	}
	if _, err := c.Organizations.Get(ctx, "initech"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("the organization is still there: Get answered %v", err)
	}
	log := retries.String()
	if n := strings.Count(log, "method=DELETE"); n != 2 {
		t.Fatalf("%d retries of the delete logged, want 2:\n%s", n, log)
	}
	if n := strings.Count(log, " wait=0s "); n != 2 {
		t.Errorf("want every retry to wait 0s:\n%s", log)
	}
}

// The fixture's Globex has claimed globex.com: no other organization may have a member with an
// address there, so Stytch refuses the administrator and Onboard cleans up.
func TestOnboardRefusesAnAddressInAnotherOrganizationsClaimedDomain(t *testing.T) {
	t.Parallel()
	c, _ := startMock(t)
	ctx := t.Context()

	_, err := onboarding.Onboard(ctx, c, "Globex Europe", "globex.eu", "hank@globex.com")
	var se *client.Error
	if !errors.As(err, &se) || se.ErrorType != "action_not_allowed_email_domain_is_claimed" || !errors.Is(err, client.ErrConflict) {
		t.Fatalf("want action_not_allowed_email_domain_is_claimed, got %v", err)
	}
	page, err := c.Organizations.Search(ctx, client.OrganizationSearchParams{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Organizations[0].Slug != "globex" {
		t.Errorf("want only the seeded organization, got %d", page.Total)
	}
}

// ═══ 2. A unit test with canned responses ═══════════════════════════════════════════════════
//
// No server at all: httpmock answers the client's requests with canned JSON. Such tests are as
// fast as tests get and control every byte of each answer, but they only know what the canned
// answers say. So that those cannot drift from what Stytch sends, every canned answer is
// checked against the response schema openapi.yaml gives its operation and status.

// unitBaseURL is where a client for a project-test- id sends its requests.
const unitBaseURL = "https://test.stytch.com"

// newUnitClient returns a client whose requests are answered by a fresh httpmock transport; a
// request the test registered no responder for fails. Retries are off, so each registered
// answer is used exactly as often as the code under test asks.
func newUnitClient(t *testing.T) (*client.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	c, err := client.New("project-test-unit", "secret-test-unit",
		client.WithHTTPClient(&http.Client{Transport: mt}), client.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// The organization id in testdata/organization_created.json.
const cannedOrgID = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931"

func TestOnboardUnit(t *testing.T) {
	t.Parallel()
	c, mt := newUnitClient(t)

	mt.RegisterResponder("POST", unitBaseURL+"/v1/b2b/organizations",
		cannedResponse(t, "POST", "/v1/b2b/organizations", 200, "testdata/organization_created.json"))
	// This responder also records the body Onboard sent, to check it below.
	memberCreated := cannedResponse(t, "POST", "/v1/b2b/organizations/{organization_id}/members", 200, "testdata/member_created.json")
	var sent struct {
		EmailAddress string   `json:"email_address"`
		Roles        []string `json:"roles"`
	}
	membersURL := unitBaseURL + "/v1/b2b/organizations/" + cannedOrgID + "/members"
	mt.RegisterResponder("POST", membersURL, func(req *http.Request) (*http.Response, error) {
		if err := json.NewDecoder(req.Body).Decode(&sent); err != nil {
			return nil, err
		}
		return memberCreated(req)
	})

	org, err := onboarding.Onboard(t.Context(), c, "Acme Corporation", "acme.com", "ada@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	if org.ID != cannedOrgID || org.Slug != "acme-corporation" {
		t.Errorf("organization %s (%s)", org.ID, org.Slug)
	}
	if sent.EmailAddress != "ada@acme.com" || !slices.Equal(sent.Roles, []string{"stytch_admin"}) {
		t.Errorf("the member create sent %+v", sent)
	}
	if n := mt.GetCallCountInfo()["POST "+membersURL]; n != 1 {
		t.Errorf("the member create was called %d times", n)
	}
}

func TestOnboardUnitDeletesTheOrganizationWhenTheAdminFails(t *testing.T) {
	t.Parallel()
	c, mt := newUnitClient(t)
	orgURL := unitBaseURL + "/v1/b2b/organizations/" + cannedOrgID

	mt.RegisterResponder("POST", unitBaseURL+"/v1/b2b/organizations",
		cannedResponse(t, "POST", "/v1/b2b/organizations", 200, "testdata/organization_created.json"))
	mt.RegisterResponder("POST", orgURL+"/members",
		cannedResponse(t, "POST", "/v1/b2b/organizations/{organization_id}/members", 400, "testdata/error_invalid_email.json"))
	mt.RegisterResponder("DELETE", orgURL,
		cannedResponse(t, "DELETE", "/v1/b2b/organizations/{organization_id}", 200, "testdata/organization_deleted.json"))

	_, err := onboarding.Onboard(t.Context(), c, "Acme Corporation", "acme.com", "ada@acme")
	var se *client.Error
	if !errors.As(err, &se) || se.ErrorType != "invalid_email" || !errors.Is(err, client.ErrInvalidRequest) {
		t.Fatalf("want the invalid_email error, got %v", err)
	}
	if n := mt.GetCallCountInfo()["DELETE "+orgURL]; n != 1 {
		t.Errorf("the organization was deleted %d times, want once", n)
	}
}

// The check has teeth: an answer missing a field the spec requires is refused.
func TestCannedResponsesAreCheckedAgainstTheSpec(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/organization_created.json")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	delete(body["organization"].(map[string]any), "organization_slug")
	broken, _ := json.Marshal(body)
	if err := checkAgainstSpec("POST", "/v1/b2b/organizations", 200, broken); err == nil {
		t.Error("an organization without organization_slug passed the check")
	}
}

// cannedResponse returns a responder that answers with status and the JSON in file. It first
// checks that openapi.yaml allows that answer to method and path (a path of the spec, with its
// {parameters}), and fails the test if not.
func cannedResponse(t *testing.T, method, path string, status int, file string) httpmock.Responder {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkAgainstSpec(method, path, status, body); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return httpmock.NewBytesResponder(status, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

// checkAgainstSpec validates body against the schema openapi.yaml gives the status's answer to
// method and path, with kin-openapi.
func checkAgainstSpec(method, path string, status int, body []byte) error {
	doc, err := loadSpec()
	if err != nil {
		return fmt.Errorf("loading openapi.yaml: %w", err)
	}
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		return fmt.Errorf("openapi.yaml has no operation %s %s", method, path)
	}
	resp := item.GetOperation(method).Responses.Status(status)
	if resp == nil || resp.Value.Content.Get("application/json") == nil {
		return fmt.Errorf("openapi.yaml documents no JSON %d answer to %s %s", status, method, path)
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return err
	}
	schema := resp.Value.Content.Get("application/json").Schema.Value
	if err := schema.VisitJSON(value, openapi3.VisitAsResponse(), openapi3.EnableFormatValidation(),
		openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails()); err != nil {
		return fmt.Errorf("not a valid %d answer to %s %s: %w", status, method, path, err)
	}
	return nil
}

// loadSpec parses openapi.yaml, embedded in package stytchorgs, once for all tests.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(loader.Context)
})
