package mockserver_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// fuzzyOperands is a query of n fuzzy operands, as JSON.
func fuzzyOperands(filter string, n int) string {
	ops := make([]string, n)
	for i := range ops {
		ops[i] = fmt.Sprintf(`{"filter_name":%q,"filter_value":"%05d"}`, filter, i)
	}
	return `{"operator":"OR","operands":[` + strings.Join(ops, ",") + `]}`
}

// A search of more than 50 operands is a 400 that says so, for both searches; 50 are served.
// The reliability issue's request (15,000 fuzzy operands in about 1 MB) is among those refused.
func TestSearchTooManyOperands(t *testing.T) {
	t.Parallel()
	e := setup(t)
	org := e.org("Acme", "acme")
	for _, n := range []int{51, 15_000} {
		status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/search", `{"query":`+fuzzyOperands("organization_name_fuzzy", n)+`}`)
		e.expectError(status, body, nil, 400, "organization_search_too_many_operands")
		status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/members/search",
			fmt.Sprintf(`{"organization_ids":[%q],"query":%s}`, org.OrganizationID, fuzzyOperands("member_email_fuzzy", n)))
		e.expectError(status, body, nil, 400, "member_search_too_many_operands")
	}
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/search", `{"query":`+fuzzyOperands("organization_name_fuzzy", 50)+`}`)
	e.expectOK(status, body, nil)
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/members/search",
		fmt.Sprintf(`{"organization_ids":[%q],"query":%s}`, org.OrganizationID, fuzzyOperands("member_email_fuzzy", 50)))
	e.expectOK(status, body, nil)
}

// A cursor written by hand, in the format the mock once accepted without checking, is refused:
// it used to set the total of the answer, which came back negative past int32.
func TestSearchForgedCursorIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, slug := range []string{"one", "two", "three"} {
		e.org(slug, slug)
	}
	h := fnv.New64a()
	h.Write([]byte("organizations\x00"))
	forged := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1.1.3.3000000000.%x", h.Sum64()))
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/search", fmt.Sprintf(`{"cursor":%q,"limit":1}`, forged))
	e.expectError(status, body, nil, 400, "user_search_invalid_cursor")
}

// Two mocks with the same WithDeterministicIDs seed and clock answer the same searches with the
// same cursors; another seed gives other cursors.
func TestSearchCursorsRepeatWithDeterministicIDs(t *testing.T) {
	t.Parallel()
	cursor := func(seed string) string {
		e := setup(t, mockserver.WithDeterministicIDs(seed))
		for _, slug := range []string{"one", "two"} {
			e.org(slug, slug)
		}
		status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/search", `{"limit":1}`)
		e.expectOK(status, body, nil)
		var r api.OrganizationSearchResponse
		if err := json.Unmarshal(body, &r); err != nil || r.ResultsMetadata.NextCursor == nil {
			t.Fatalf("first page: %s", body)
		}
		return *r.ResultsMetadata.NextCursor
	}
	if a, b := cursor("seed-1"), cursor("seed-1"); a != b {
		t.Errorf("the same seed gave the cursors %q and %q", a, b)
	}
	if a, b := cursor("seed-1"), cursor("seed-2"); a == b {
		t.Errorf("two seeds gave the same cursor %q", a)
	}
}
