package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func orgOperand(t *testing.T, name string, value any) api.OrganizationSearchOperand {
	t.Helper()
	var op api.OrganizationSearchOperand
	b, _ := json.Marshal(map[string]any{"filter_name": name, "filter_value": value})
	if err := op.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	return op
}

func memberOperand(t *testing.T, name string, value any) api.MemberSearchOperand {
	t.Helper()
	var op api.MemberSearchOperand
	b, _ := json.Marshal(map[string]any{"filter_name": name, "filter_value": value})
	if err := op.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	return op
}

// searchOrgs returns the slugs of every organization a query matches, following cursors, and
// checks that every page reports the same total as the number of results.
func (e *env) searchOrgs(op api.SearchOperator, limit int32, operands ...api.OrganizationSearchOperand) []string {
	e.t.Helper()
	req := api.OrganizationSearchRequest{Limit: &limit, Query: &api.OrganizationSearchQuery{Operator: op}}
	if operands != nil {
		req.Query.Operands = &operands
	}
	var slugs []string
	total := -1
	for page := 0; ; page++ {
		resp, err := e.c.SearchOrganizationsWithResponse(e.ctx, req)
		e.expectOK(resp.StatusCode(), resp.Body, err)
		r := resp.JSON200
		if len(r.Organizations) > int(limit) {
			e.t.Fatalf("page of %d results with limit %d", len(r.Organizations), limit)
		}
		if total >= 0 && int(r.ResultsMetadata.Total) != total {
			e.t.Fatalf("total changed between pages: %d then %d", total, r.ResultsMetadata.Total)
		}
		total = int(r.ResultsMetadata.Total)
		for _, o := range r.Organizations {
			slugs = append(slugs, o.OrganizationSlug)
		}
		if r.ResultsMetadata.NextCursor == nil {
			break
		}
		if page > 100 {
			e.t.Fatal("cursor does not end")
		}
		req.Cursor = r.ResultsMetadata.NextCursor
	}
	if total != len(slugs) {
		e.t.Errorf("total %d, but paging returned %d results", total, len(slugs))
	}
	return slugs
}

func TestSearchOrganizationFilters(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme Corporation", Slug: "acme-corp",
			EmailAllowedDomains: []string{"acme.com"}, ClaimedEmailDomains: []string{"acme.io"}},
			OrganizationID:       "organization-test-00000000-0000-4000-8000-000000000001",
			SSOActiveConnections: []client.SSOActiveConnection{{ConnectionID: "saml-connection-test-1", DisplayName: "Okta", IdentityProvider: "okta"}},
			Members:              []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}}}},
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme Widgets", Slug: "widgets",
			EmailAllowedDomains: []string{"widgets.dev"}},
			Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "grace@widgets.dev"}}}},
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Initech", Slug: "initech"}},
	}})
	all := []string{"acme-corp", "widgets", "initech"}
	cases := []struct {
		name string
		op   api.SearchOperator
		ops  []api.OrganizationSearchOperand
		want []string
	}{
		{"no operands", api.AND, nil, all},
		{"ids", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_ids", []string{"organization-test-00000000-0000-4000-8000-000000000001", "nope"})}, []string{"acme-corp"}},
		{"slugs, any case", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_slugs", []string{"WIDGETS", "initech"})}, []string{"widgets", "initech"}},
		{"slug fuzzy", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_slug_fuzzy", "CORP")}, []string{"acme-corp"}},
		{"name fuzzy", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_name_fuzzy", "acme")}, []string{"acme-corp", "widgets"}},
		{"member emails", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "member_emails", []string{"GRACE@widgets.dev"})}, []string{"widgets"}},
		{"member email fuzzy", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "member_email_fuzzy", "ada@")}, []string{"acme-corp"}},
		{"allowed domains", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "allowed_domains", []string{"acme.com"})}, []string{"acme-corp"}},
		{"allowed domain fuzzy", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "allowed_domain_fuzzy", ".dev")}, []string{"widgets"}},
		{"claimed domains", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "claimed_email_domains", []string{"acme.io"})}, []string{"acme-corp"}},
		{"has SSO", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "has_active_sso_connection", true)}, []string{"acme-corp"}},
		{"has no SSO", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "has_active_sso_connection", false)}, []string{"widgets", "initech"}},
		{"SSO connection", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "sso_connection_id", "saml-connection-test-1")}, []string{"acme-corp"}},
		{"AND", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_name_fuzzy", "acme"), orgOperand(t, "allowed_domains", []string{"widgets.dev"})}, []string{"widgets"}},
		{"OR", api.OR, []api.OrganizationSearchOperand{orgOperand(t, "organization_slugs", []string{"initech"}), orgOperand(t, "member_emails", []string{"ada@acme.com"})}, []string{"acme-corp", "initech"}},
		{"OR with a scan", api.OR, []api.OrganizationSearchOperand{orgOperand(t, "organization_slugs", []string{"initech"}), orgOperand(t, "organization_name_fuzzy", "widget")}, []string{"widgets", "initech"}},
		{"AND that matches nothing", api.AND, []api.OrganizationSearchOperand{orgOperand(t, "organization_slugs", []string{"initech"}), orgOperand(t, "organization_name_fuzzy", "acme")}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			got := e.searchOrgs(tc.op, 2, tc.ops...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v (creation order)", got, tc.want)
			}
		})
	}
}

func TestSearchOrganizationErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	other, _ := json.Marshal(map[string]any{"query": map[string]any{"operator": "AND", "operands": []any{}}, "limit": 1})
	e.org("Beta", "beta")
	first, err := e.c.SearchOrganizationsWithBodyWithResponse(e.ctx, "application/json", bytesReader(other))
	e.expectOK(first.StatusCode(), first.Body, err)
	cursor := *first.JSON200.ResultsMetadata.NextCursor

	cases := []struct {
		name, body, wantType string
	}{
		{"unknown filter", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_colour","filter_value":"red"}]}}`, "organization_search_filter_name_not_recognized"},
		{"no filter name", `{"query":{"operator":"AND","operands":[{"filter_value":"acme"}]}}`, "organization_search_missing_filter_name"},
		{"filter name not a string", `{"query":{"operator":"AND","operands":[{"filter_name":7,"filter_value":"acme"}]}}`, "organization_search_filter_name_must_be_string"},
		{"no filter value", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_name_fuzzy"}]}}`, "organization_search_missing_filter_value"},
		{"string for a list", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_ids","filter_value":"acme"}]}}`, "organization_search_expected_array_of_strings"},
		{"number in a list", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_slugs","filter_value":[1]}]}}`, "organization_search_expected_array_of_strings"},
		{"empty list", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_slugs","filter_value":[]}]}}`, "organization_search_missing_organization_slugs"},
		{"list for a string", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_name_fuzzy","filter_value":["acme"]}]}}`, "organization_search_expected_string"},
		{"string for a boolean", `{"query":{"operator":"AND","operands":[{"filter_name":"has_active_sso_connection","filter_value":"yes"}]}}`, "organization_search_expected_boolean"},
		{"fuzzy too short", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_name_fuzzy","filter_value":"ac"}]}}`, "organization_search_organization_name_fuzzy_too_short"},
		{"fuzzy slug too short", `{"query":{"operator":"AND","operands":[{"filter_name":"organization_slug_fuzzy","filter_value":"a"}]}}`, "organization_search_organization_slug_fuzzy_too_short"},
		{"unknown operator", `{"query":{"operator":"XOR","operands":[]}}`, "user_search_invalid_operator"},
		{"no operator", `{"query":{"operands":[]}}`, "user_search_invalid_operator"},
		{"limit over 1000", `{"limit":1001}`, "user_search_invalid_limit"},
		{"negative limit", `{"limit":-1}`, "user_search_invalid_limit"},
		{"garbage cursor", `{"cursor":"not-a-cursor"}`, "user_search_invalid_cursor"},
		{"null cursor", `{"cursor":null}`, "user_search_invalid_cursor"},
		{"cursor of another query", fmt.Sprintf(`{"cursor":%q,"query":{"operator":"OR","operands":[]}}`, cursor), "user_search_invalid_cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/search", tc.body)
			e.expectError(status, body, nil, 400, tc.wantType)
		})
	}
	// An empty cursor is the first page; the cursor of the same query works.
	for _, body := range []string{`{"cursor":""}`, string(other)[:len(other)-1] + fmt.Sprintf(`,"cursor":%q}`, cursor)} {
		status, resp := e.raw(http.MethodPost, "/v1/b2b/organizations/search", body)
		e.expectOK(status, resp, nil)
	}
}

func TestSearchLimitsAndPaging(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var want []string
	for i := range 250 {
		slug := fmt.Sprintf("org-%03d", i)
		e.org(fmt.Sprintf("Org %d", i), slug)
		want = append(want, slug)
	}
	resp, err := e.c.SearchOrganizationsWithResponse(e.ctx, api.OrganizationSearchRequest{})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if n := len(resp.JSON200.Organizations); n != 100 || resp.JSON200.ResultsMetadata.Total != 250 {
		t.Errorf("default page: %d results of %d, want 100 of 250", n, resp.JSON200.ResultsMetadata.Total)
	}
	if got := e.searchOrgs(api.AND, 100); !slices.Equal(got, want) {
		t.Errorf("paging by 100 returned %d results, not the 250 in creation order", len(got))
	}
	if got := e.searchOrgs(api.AND, 1000); !slices.Equal(got, want) {
		t.Errorf("one page of 1000 returned %d results", len(got))
	}
	if got := e.searchOrgs(api.AND, 7, orgOperand(t, "organization_name_fuzzy", "org 1")); len(got) != 111 {
		t.Errorf("fuzzy 'org 1' over 250 orgs: %d results, want 111 (1, 10-19, 100-199)", len(got))
	}
}

// Paging while other requests write never repeats or skips an organization that existed, and
// was not deleted, when paging started.
func TestSearchPagingIsStableUnderWrites(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for i := range 60 {
		e.org(fmt.Sprintf("Org %d", i), fmt.Sprintf("org-%02d", i))
	}
	seen := map[string]int{}
	deleted := map[string]bool{}
	limit := int32(10)
	req := api.OrganizationSearchRequest{Limit: &limit}
	for page := 0; ; page++ {
		resp, err := e.c.SearchOrganizationsWithResponse(e.ctx, req)
		e.expectOK(resp.StatusCode(), resp.Body, err)
		for _, o := range resp.JSON200.Organizations {
			seen[o.OrganizationSlug]++
		}
		// Between pages: create one, delete one not yet seen and one already seen.
		e.org(fmt.Sprintf("New %d", page), fmt.Sprintf("new-%02d", page))
		for _, slug := range []string{fmt.Sprintf("org-%02d", 59-page), fmt.Sprintf("org-%02d", page)} {
			if !deleted[slug] {
				d, err := e.c.DeleteOrganizationWithResponse(e.ctx, slug, nil)
				e.expectOK(d.StatusCode(), d.Body, err)
				deleted[slug] = true
			}
		}
		if resp.JSON200.ResultsMetadata.NextCursor == nil {
			break
		}
		req.Cursor = resp.JSON200.ResultsMetadata.NextCursor
	}
	for i := range 60 {
		slug := fmt.Sprintf("org-%02d", i)
		switch n := seen[slug]; {
		case n > 1:
			t.Errorf("%s returned %d times", slug, n)
		case n == 0 && !deleted[slug]:
			t.Errorf("%s existed throughout and was skipped", slug)
		}
	}
	var created []string
	for slug := range seen {
		if len(slug) > 3 && slug[:3] == "new" {
			created = append(created, slug)
		}
	}
	sort.Strings(created)
	if len(created) == 0 {
		t.Errorf("organizations created during paging, after the cursor, must appear on later pages")
	}
}

func TestSearchMembers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", Roles: []string{"stytch_admin"}, MFAPhoneNumber: "+12025550123", ExternalID: "emp-1"},
					MemberID: "member-test-00000000-0000-4000-8000-000000000001", MemberPasswordID: "member-password-test-1"},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "grace@acme.com", IsBreakglass: true},
					MemberID: "member-test-00000000-0000-4000-8000-000000000002"},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "gone@acme.com"}, Status: "deleted"},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "pending@acme.com", CreateAsPending: true}},
			}},
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Initech", Slug: "initech"},
			Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "peter@initech.com"}}}},
	}})
	search := func(e *env, orgs []string, op api.SearchOperator, operands ...api.MemberSearchOperand) ([]string, api.MemberSearchResponse) {
		t := e.t
		t.Helper()
		limit := int32(2)
		req := api.MemberSearchRequest{OrganizationIds: orgs, Limit: &limit, Query: &api.MemberSearchQuery{Operator: op}}
		if operands != nil {
			req.Query.Operands = &operands
		}
		var emails []string
		var last api.MemberSearchResponse
		for {
			resp, err := e.c.SearchMembersWithResponse(e.ctx, nil, req)
			e.expectOK(resp.StatusCode(), resp.Body, err)
			last = *resp.JSON200
			for _, m := range last.Members {
				emails = append(emails, m.EmailAddress)
				if _, ok := last.Organizations[m.OrganizationID]; !ok {
					t.Errorf("organizations map lacks %s of member %s", m.OrganizationID, m.EmailAddress)
				}
			}
			if int(last.ResultsMetadata.Total) < len(emails) {
				t.Errorf("total %d below the %d results", last.ResultsMetadata.Total, len(emails))
			}
			if last.ResultsMetadata.NextCursor == nil {
				return emails, last
			}
			req.Cursor = last.ResultsMetadata.NextCursor
		}
	}
	both := []string{"acme", "initech"}
	cases := []struct {
		name     string
		orgs     []string
		op       api.SearchOperator
		operands []api.MemberSearchOperand
		want     []string
	}{
		{"no query hides deleted", both, api.AND, nil, []string{"ada@acme.com", "grace@acme.com", "pending@acme.com", "peter@initech.com"}},
		{"one organization", []string{"initech"}, api.AND, nil, []string{"peter@initech.com"}},
		{"statuses with deleted", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "statuses", []string{"deleted", "pending"})}, []string{"gone@acme.com", "pending@acme.com"}},
		{"member ids", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_ids", []string{"member-test-00000000-0000-4000-8000-000000000002"})}, []string{"grace@acme.com"}},
		{"external member ids", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_ids", []string{"emp-1"})}, []string{"ada@acme.com"}},
		{"emails", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_emails", []string{"PETER@initech.com", "gone@acme.com"})}, []string{"peter@initech.com"}},
		{"email fuzzy", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_email_fuzzy", "ACME.COM")}, []string{"ada@acme.com", "grace@acme.com", "pending@acme.com"}},
		{"breakglass", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_is_breakglass", true)}, []string{"grace@acme.com"}},
		{"phone", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_mfa_phone_numbers", []string{"+12025550123"})}, []string{"ada@acme.com"}},
		{"phone, Node spelling", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_phone_numbers", []string{"+12025550123"})}, []string{"ada@acme.com"}},
		{"phone fuzzy", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_mfa_phone_number_fuzzy", "555")}, []string{"ada@acme.com"}},
		{"phone fuzzy, Node spelling", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_phone_number_fuzzy", "0123")}, []string{"ada@acme.com"}},
		{"password exists", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_password_exists", true)}, []string{"ada@acme.com"}},
		{"roles", both, api.AND, []api.MemberSearchOperand{memberOperand(t, "member_roles", []string{"stytch_admin"})}, []string{"ada@acme.com"}},
		{"OR", both, api.OR, []api.MemberSearchOperand{memberOperand(t, "member_is_breakglass", true), memberOperand(t, "member_emails", []string{"peter@initech.com"})}, []string{"grace@acme.com", "peter@initech.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			got, last := search(e, tc.orgs, tc.op, tc.operands...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for id := range last.Organizations {
				found := false
				for _, m := range last.Members {
					found = found || m.OrganizationID == id
				}
				if !found {
					t.Errorf("organizations map holds %s, which no member of the last page belongs to", id)
				}
			}
		})
	}
	errs := []struct {
		name, body string
		status     int
		wantType   string
	}{
		{"no organization ids", `{"organization_ids":[]}`, 400, "member_search_organization_ids_empty"},
		{"organization ids missing", `{}`, 400, "member_search_organization_ids_empty"},
		{"unknown organization", `{"organization_ids":["nope"]}`, 404, "organization_not_found"},
		{"mixed ids", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"member_ids","filter_value":["member-test-00000000-0000-4000-8000-000000000001","emp-1"]}]}}`, 400, "member_search_cannot_mix_internal_and_external_member_ids"},
		{"unknown status", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"statuses","filter_value":["archived"]}]}}`, 400, "search_invalid_status_filter"},
		{"unknown filter", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"organization_slug","filter_value":"acme"}]}}`, 400, "member_search_filter_name_not_recognized"},
		{"fuzzy too short", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"member_email_fuzzy","filter_value":"ad"}]}}`, 400, "member_search_member_email_fuzzy_too_short"},
		{"boolean expected", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"member_password_exists","filter_value":1}]}}`, 400, "member_search_expected_boolean"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/members/search", tc.body)
			e.expectError(status, body, nil, tc.status, tc.wantType)
		})
	}
}
