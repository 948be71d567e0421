package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of this file follow a call through what can happen to it against the mock: Stytch's
// errors, injected faults and retries, checks the client makes before sending, request options
// and timeouts.

func TestErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	orgs := e.c.Organizations

	_, err := orgs.Get(e.ctx, "no-such-organization")
	se := wantAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "organization_not_found")
	if diff := cmp.Diff([2]string{http.MethodGet, basePath + "/v1/b2b/organizations/no-such-organization"}, [2]string{se.Method, se.Path}); diff != "" {
		t.Errorf("the error's method and path (-want +got):\n%s", diff)
	}

	_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Bad", Slug: "!!"})
	wantAPIError(t, err, client.ErrInvalidRequest, http.StatusBadRequest, "invalid_organization_slug")
	if errors.Is(err, client.ErrConflict) {
		t.Error("a bad slug matches ErrConflict")
	}
	_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Acme Again", Slug: "acme-corp"})
	wantAPIError(t, err, client.ErrConflict, http.StatusBadRequest, "organization_slug_already_used")
	if !errors.Is(err, client.ErrInvalidRequest) {
		t.Error("a duplicate slug does not match ErrInvalidRequest")
	}
	_, err = e.c.Members.Create(e.ctx, acmeID, client.MemberCreateParams{EmailAddress: "Bob@acme.com"})
	wantAPIError(t, err, client.ErrConflict, http.StatusBadRequest, "duplicate_member_email")
	if !errors.Is(err, client.ErrInvalidRequest) {
		t.Error("a duplicate email does not match ErrInvalidRequest")
	}

	// The mock learned this client's secret with its first request; another one is refused.
	other := e.newClient(t, e.project, "another-secret")
	_, err = other.Organizations.Get(e.ctx, acmeID)
	wantAPIError(t, err, client.ErrUnauthorized, http.StatusUnauthorized, "unauthorized_credentials")
	_, err = orgs.Get(e.ctx, acmeID)
	mustOK(t, "Get with the first secret", err)

	_, err = orgs.Update(e.ctx, acmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by Bob")}, client.WithMemberSession("session-token-bob"))
	wantAPIError(t, err, client.ErrForbidden, http.StatusForbidden, "unauthorized_action")
	if org, err := orgs.Get(e.ctx, acmeID); err != nil || org.Name != "Acme Corporation" {
		t.Errorf("a forbidden update changed the organization: %v", err)
	}
	org, err := orgs.Update(e.ctx, acmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by Ada")}, client.WithMemberSession("session-token-ada"))
	mustOK(t, "Update as an admin", err)
	if org.Name != "Acme by Ada" {
		t.Errorf("admin's update: name %q", org.Name)
	}
	org, err = orgs.Update(e.ctx, acmeID, client.OrganizationUpdateParams{Name: client.Set("Acme by JWT")},
		client.WithMemberSessionJWT("eyJhbGciOiJSUzI1NiJ9.ada-session.sig"))
	mustOK(t, "Update as an admin by session JWT", err)
	if org.Name != "Acme by JWT" {
		t.Errorf("admin's update by session JWT: name %q", org.Name)
	}
}

func TestRetriesThroughFaults(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	orgs := e.c.Organizations
	const createPath = "/v1/b2b/organizations"

	// A read that meets one 503 succeeds on its retry.
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: acmePath, Status: http.StatusServiceUnavailable, Times: 1})
	org, err := orgs.Get(e.ctx, acmeID)
	mustOK(t, "Get through a 503", err)
	var statuses []int
	for _, r := range e.mock.Requests() {
		if r.Path == acmePath {
			statuses = append(statuses, r.Status)
		}
	}
	if diff := cmp.Diff([]int{http.StatusServiceUnavailable, http.StatusOK}, statuses); diff != "" || org.ID != acmeID {
		t.Errorf("Get returned %s; its attempts were answered (-want +got):\n%s", org.ID, diff)
	}

	// A create that meets a 500 is not retried: Stytch may have created the organization.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, Status: http.StatusInternalServerError})
	if n := e.sent(http.MethodPost, createPath, func() {
		_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech"})
	}); n != 1 {
		t.Errorf("a create that met a 500 was sent %d times, want 1", n)
	}
	wantAPIError(t, err, client.ErrServer, http.StatusInternalServerError, "internal_server_error")

	// A create that meets a 429 is retried: Stytch refused it without acting on it.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, Status: http.StatusTooManyRequests})
	var created *client.Organization
	if n := e.sent(http.MethodPost, createPath, func() {
		created, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech"})
	}); n != 2 {
		t.Errorf("a create that met a 429 was sent %d times, want 2", n)
	}
	mustOK(t, "Create through a 429", err)
	if created.Slug != "initech" {
		t.Errorf("Create returned slug %q", created.Slug)
	}

	// A connection lost after a create was sent is not retried either; a lost read is.
	e.inject(t, mockserver.Fault{Method: http.MethodPost, Path: createPath, DropConnection: true})
	if n := e.sent(http.MethodPost, createPath, func() {
		_, err = orgs.Create(e.ctx, client.OrganizationCreateParams{Name: "Dropped"})
	}); n != 1 || err == nil || errors.As(err, new(*client.Error)) {
		t.Errorf("a create whose connection dropped was sent %d times and returned %v; want 1 and a transport error", n, err)
	}
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: acmePath, DropConnection: true})
	_, err = orgs.Get(e.ctx, acmeID)
	mustOK(t, "Get through a dropped connection", err)

	// When retries run out, the last answer is the error: 1 attempt and 2 retries.
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: acmePath, Status: http.StatusTooManyRequests, Times: 3})
	if n := e.sent(http.MethodGet, acmePath, func() { _, err = orgs.Get(e.ctx, acmeID) }); n != 3 {
		t.Errorf("a rate-limited read was sent %d times, want 3", n)
	}
	if se := wantAPIError(t, err, client.ErrRateLimited, http.StatusTooManyRequests, "too_many_requests"); !se.Temporary() {
		t.Error("a 429 is not Temporary")
	}
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: acmePath, Status: http.StatusBadGateway, RetryAfter: "7"})
	if n := e.sent(http.MethodGet, acmePath, func() {
		_, err = orgs.Get(e.ctx, acmeID, client.WithRequestMaxRetries(0))
	}); n != 1 {
		t.Errorf("with WithRequestMaxRetries(0) a read was sent %d times, want 1", n)
	}
	if se := wantAPIError(t, err, client.ErrServer, http.StatusBadGateway, "internal_server_error"); se.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter %v, want the server's 7s", se.RetryAfter)
	}
	if pending := e.mock.PendingFaults(); len(pending) != 0 {
		t.Errorf("faults left unused: %+v", pending)
	}
}

func TestLocalValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	tooMany, manyKeys := client.Metadata{}, client.MetadataPatch{}
	for i := range client.MetadataMaxKeys + 1 {
		tooMany[fmt.Sprintf("k%02d", i)] = i
		manyKeys.Set(fmt.Sprintf("k%02d", i), i)
	}
	tooLarge := client.Metadata{"blob": strings.Repeat("x", client.MetadataMaxBytes)}
	sent := len(e.mock.Requests())

	wantRefused[*client.Organization](t, "organization create, 21 keys", "trusted_metadata", "metadata_too_many_keys")(
		e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech", TrustedMetadata: tooMany}))
	wantRefused[*client.Organization](t, "organization create, over 4 KB", "trusted_metadata", "metadata_too_large")(
		e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech", TrustedMetadata: tooLarge}))
	wantRefused[*client.Member](t, "member create, over 4 KB", "untrusted_metadata", "metadata_too_large")(
		e.c.Members.Create(e.ctx, globexID, client.MemberCreateParams{EmailAddress: "zed@globex.com", UntrustedMetadata: tooLarge}))
	wantRefused[*client.Organization](t, "organization update, patch of 21 keys", "trusted_metadata", "metadata_too_many_keys")(
		e.c.Organizations.Update(e.ctx, acmeID, client.OrganizationUpdateParams{TrustedMetadata: manyKeys}))
	wantRefused[*client.Member](t, "member update, patch of 21 keys", "untrusted_metadata", "metadata_too_many_keys")(
		e.c.Members.Update(e.ctx, acmeID, adaID, client.MemberUpdateParams{UntrustedMetadata: manyKeys}))
	wantRefused[*client.MemberPage](t, "member search without organizations", "organization_ids", "member_search_organization_ids_empty")(
		e.c.Members.Search(e.ctx, client.MemberSearchParams{Query: client.All(client.MemberEmails("ada@acme.com"))}))
	searchAllErr := errors.New("SearchAll yielded nothing")
	for _, err := range e.c.Members.SearchAll(e.ctx, client.MemberSearchParams{}) {
		searchAllErr = err
	}
	wantRefused[*client.Member](t, "member SearchAll without organizations", "organization_ids", "member_search_organization_ids_empty")(nil, searchAllErr)
	if n := len(e.mock.Requests()); n != sent {
		t.Errorf("%d requests were sent for calls refused locally", n-sent)
	}

	// Metadata exactly at the limits is sent, and accepted.
	atLimit, twenty := client.Metadata{"blob": ""}, client.Metadata{}
	atLimit["blob"] = strings.Repeat("x", client.MetadataMaxBytes-len(jsonOf(t, atLimit)))
	for i := range client.MetadataMaxKeys {
		twenty[fmt.Sprintf("k%02d", i)] = i
	}
	for _, md := range []client.Metadata{atLimit, twenty} {
		org, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "At the limit", TrustedMetadata: md})
		mustOK(t, "Create at the limit", err)
		if jsonOf(t, org.TrustedMetadata) != jsonOf(t, md) {
			t.Errorf("stored %d keys, sent %d", len(org.TrustedMetadata), len(md))
		}
	}

	// A patch that fits alone but not with what is stored can only be refused by the server.
	fits := client.MetadataPatch{}
	for i := range client.MetadataMaxKeys - 1 {
		fits.Set(fmt.Sprintf("k%02d", i), i)
	}
	var err error
	if n := e.sent(http.MethodPut, acmePath, func() {
		_, err = e.c.Organizations.Update(e.ctx, acmeID, client.OrganizationUpdateParams{TrustedMetadata: fits})
	}); n != 1 {
		t.Errorf("the update only the server can refuse was sent %d times, want 1", n)
	}
	wantAPIError(t, err, client.ErrInvalidRequest, http.StatusBadRequest, "metadata_too_many_keys")
}

// recordingTransport keeps the headers of every request it sends on.
type recordingTransport struct {
	mu      sync.Mutex
	headers []http.Header
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.headers = append(rt.headers, r.Header.Clone())
	rt.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestRequestOptions(t *testing.T) {
	t.Parallel()
	rt := &recordingTransport{}
	e := setup(t, client.WithUserAgent("contract-suite/1.0"), client.WithHTTPClient(&http.Client{Transport: rt}))
	e.seed(t)

	_, err := e.c.Organizations.Get(e.ctx, acmeID, client.WithHeader("X-Request-Tag", "contract-42"))
	mustOK(t, "Get", err)
	last := e.lastRequest()
	if diff := cmp.Diff([3]string{acmePath, e.project, "contract-42"}, [3]string{last.Path, last.ProjectID, last.Header.Get("X-Request-Tag")}); diff != "" {
		t.Errorf("the server got (-want +got) path, project and X-Request-Tag:\n%s", diff)
	}
	if ua := last.Header.Get("User-Agent"); !strings.HasPrefix(ua, "stytchorgs-go/"+client.Version+" ") || !strings.HasSuffix(ua, " contract-suite/1.0") {
		t.Errorf("User-Agent %q", ua)
	}

	// The mock drops Authorization from its log, so read it where it was sent.
	rt.mu.Lock()
	auth := rt.headers[len(rt.headers)-1].Get("Authorization")
	rt.mu.Unlock()
	r := &http.Request{Header: http.Header{"Authorization": {auth}}}
	if user, pass, ok := r.BasicAuth(); !ok || !strings.HasPrefix(auth, "Basic ") || user != e.project || pass != secret {
		t.Errorf("Authorization %q is not Basic with the project id and secret", auth)
	}
}

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	e.inject(t, mockserver.Fault{Method: http.MethodGet, Path: acmePath, Latency: 2 * time.Second})
	start := time.Now()
	_, err := e.c.Organizations.Get(e.ctx, acmeID, client.WithRequestTimeout(50*time.Millisecond))
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the call took %v; its timeout was 50ms", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, new(*client.Error)) {
		t.Errorf("a call past its timeout returned %v, want context.DeadlineExceeded as it is", err)
	}
	// The timeout bounds the call, retries included: the slow request was not sent again.
	if n := e.requests(http.MethodGet, acmePath); n > 1 {
		t.Errorf("the timed-out call was sent %d times", n)
	}
}
