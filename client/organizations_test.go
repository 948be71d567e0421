package client_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
)

// The tests of this file run the organization methods against the mock, from the seeded
// fixture (testdata/contract_fixture.json) or a fresh project.

func TestOrganizations(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	orgs := e.c.Organizations

	created, err := orgs.Create(e.ctx, client.OrganizationCreateParams{
		Name: "Initech", Slug: "initech", ExternalID: "crm|00777",
		EmailAllowedDomains: []string{"initech.com"},
		TrustedMetadata:     client.Metadata{"plan": "starter", "seats": 5},
	})
	mustOK(t, "Create", err)
	if diff := diffFields(created, map[string]any{
		"Name": "Initech", "Slug": "initech", "ExternalID": "crm|00777", "EmailAllowedDomains": []string{"initech.com"},
		"TrustedMetadata": client.Metadata{"plan": "starter", "seats": 5.0},
	}); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(created.ID, "organization-test-") || created.CreatedAt.IsZero() {
		t.Errorf("Create returned id %q, created at %v", created.ID, created.CreatedAt)
	}
	for _, ident := range []string{created.ID, "initech", "crm|00777"} {
		got, err := orgs.Get(e.ctx, ident)
		mustOK(t, "Get "+ident, err)
		if diff := diffFields(got, map[string]any{"ID": created.ID, "Name": "Initech"}); diff != "" {
			t.Errorf("Get(%q) (-want +got):\n%s", ident, diff)
		}
	}

	updated, err := orgs.Update(e.ctx, created.ID, client.OrganizationUpdateParams{Name: client.Set("Initech Global")})
	mustOK(t, "Update", err)
	if diff := diffFields(updated, map[string]any{"Name": "Initech Global", "Slug": "initech"}); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}

	metrics, err := orgs.Metrics(e.ctx, acmeID)
	mustOK(t, "Metrics", err)
	if diff := cmp.Diff(&client.OrganizationMetrics{MemberCount: 4}, metrics); diff != "" {
		t.Errorf("Metrics (-want +got):\n%s", diff)
	}

	noExt, err := orgs.DeleteExternalID(e.ctx, acmeID)
	mustOK(t, "DeleteExternalID", err)
	if diff := diffFields(noExt, map[string]any{"ID": acmeID, "ExternalID": ""}); diff != "" {
		t.Errorf("DeleteExternalID (-want +got):\n%s", diff)
	}
	if _, err := orgs.Get(e.ctx, "crm|00421"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("Get by the deleted external id: %v, want ErrNotFound", err)
	}

	apps, err := orgs.ListConnectedApps(e.ctx, acmeID)
	mustOK(t, "ListConnectedApps", err)
	kinds := map[string]client.ConnectedAppClientType{}
	for _, a := range apps {
		kinds[a.Name] = a.ClientType
	}
	wantKinds := map[string]client.ConnectedAppClientType{"Acme Analytics": client.ConnectedAppThirdParty, "Acme CLI": client.ConnectedAppFirstPartyPublic}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("ListConnectedApps: client types by name (-want +got):\n%s", diff)
	}

	app, err := orgs.GetConnectedApp(e.ctx, acmeID, appID)
	mustOK(t, "GetConnectedApp", err)
	scopes := map[string][]string{}
	for _, m := range app.ActiveMembers {
		scopes[m.MemberID] = m.GrantedScopes
	}
	if diff := diffFields(app, map[string]any{"ConnectedAppID": appID, "Name": "Acme Analytics", "LogoURL": "https://analytics.example.com/logo.png"}); diff != "" {
		t.Errorf("GetConnectedApp (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{adaID: {"openid", "email"}, bobID: {"openid"}}, scopes); diff != "" {
		t.Errorf("GetConnectedApp: scopes by member (-want +got):\n%s", diff)
	}

	page, err := orgs.Search(e.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationSlugs("acme-corp", "globex"))})
	mustOK(t, "Search", err)
	if diff := cmp.Diff([]string{acmeID, globexID}, organizationIDs(page.Organizations)); diff != "" || page.Total != 2 || page.NextCursor != "" {
		t.Errorf("Search: total %d, next cursor %q, organizations (-want +got):\n%s", page.Total, page.NextCursor, diff)
	}
	var all []*client.Organization
	for org, err := range orgs.SearchAll(e.ctx, client.OrganizationSearchParams{}) {
		mustOK(t, "SearchAll", err)
		all = append(all, org)
	}
	if diff := cmp.Diff([]string{acmeID, globexID, created.ID}, organizationIDs(all)); diff != "" {
		t.Errorf("SearchAll (-want +got):\n%s", diff)
	}

	mustOK(t, "Delete", orgs.Delete(e.ctx, created.ID))
	_, err = orgs.Get(e.ctx, created.ID)
	wantAPIError(t, err, client.ErrNotFound, http.StatusNotFound, "organization_not_found")
}

// organizationIDs are the ids of organizations, in order.
func organizationIDs(orgs []*client.Organization) []string {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return ids
}

func TestUpdateLeavesUnsetFieldsAlone(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)
	orgs := e.c.Organizations

	before, err := orgs.Create(e.ctx, client.OrganizationCreateParams{
		Name: "Initech", Slug: "initech", LogoURL: "https://initech.com/logo.png",
		EmailAllowedDomains: []string{"initech.com", "initech.io"},
		MFAPolicy:           client.MFARequiredForAll,
		TrustedMetadata:     client.Metadata{"plan": "starter"},
	})
	mustOK(t, "Create", err)

	same, err := orgs.Update(e.ctx, before.ID, client.OrganizationUpdateParams{})
	mustOK(t, "empty Update", err)
	if body := e.lastRequest().Body; body != "{}" {
		t.Errorf("an empty update sent %s", body)
	}
	want := *before
	want.UpdatedAt = same.UpdatedAt
	if diff := cmp.Diff(&want, same); diff != "" {
		t.Errorf("an empty update changed the organization (-before +after):\n%s", diff)
	}

	cleared, err := orgs.Update(e.ctx, before.ID, client.OrganizationUpdateParams{LogoURL: client.Set(""), EmailAllowedDomains: client.Set([]string{})})
	mustOK(t, "clearing Update", err)
	if diff := diffFields(cleared, map[string]any{
		"LogoURL": "", "EmailAllowedDomains": []string{}, // cleared
		"Name": "Initech", "Slug": "initech", "MFAPolicy": client.MFARequiredForAll, "TrustedMetadata": client.Metadata{"plan": "starter"}, // left alone
	}); diff != "" {
		t.Errorf("Set(\"\") and Set([]string{}) (-want +got):\n%s", diff)
	}
	acme, err := orgs.Update(e.ctx, acmeID, client.OrganizationUpdateParams{SSODefaultConnectionID: client.Clear[string]()})
	mustOK(t, "Clear SSODefaultConnectionID", err)
	if acme.SSODefaultConnectionID != "" || len(acme.SSOActiveConnections) != 1 {
		t.Errorf("Clear left default connection %q, connections %v", acme.SSODefaultConnectionID, acme.SSOActiveConnections)
	}

	members := e.c.Members
	zed, err := members.Create(e.ctx, globexID, client.MemberCreateParams{
		EmailAddress: "zed@globex.com", Name: "Zed", Roles: []string{"report-reader"}, IsBreakglass: true, MFAEnrolled: true,
	})
	mustOK(t, "member Create", err)
	if !zed.IsBreakglass || !zed.MFAEnrolled || !zed.HasRole("report-reader") {
		t.Fatalf("member Create returned %+v", zed)
	}
	m, err := members.Update(e.ctx, globexID, zed.ID, client.MemberUpdateParams{IsBreakglass: client.Set(false)})
	mustOK(t, "member Update", err)
	if diff := cmp.Diff(memberView{Name: "Zed", MFAEnrolled: true, Roles: []string{"report-reader"}}, viewMember(m)); diff != "" {
		t.Errorf("Set(false) on IsBreakglass (-want +got):\n%s", diff)
	}
	m, err = members.Update(e.ctx, globexID, zed.ID, client.MemberUpdateParams{
		MFAEnrolled: client.Set(false), Name: client.Set(""), Roles: client.Set([]string{}),
	})
	mustOK(t, "member Update clearing", err)
	if diff := cmp.Diff(memberView{}, viewMember(m)); diff != "" || m.EmailAddress != "zed@globex.com" {
		t.Errorf("clearing the member (email %q) (-want +got):\n%s", m.EmailAddress, diff)
	}
}

// memberView is what TestUpdateLeavesUnsetFieldsAlone reads of a member: the fields it sets
// and clears, and the roles assigned directly (stytch_member is implied for every member).
type memberView struct {
	Name                      string
	IsBreakglass, MFAEnrolled bool
	Roles                     []string
}

func viewMember(m *client.Member) memberView {
	v := memberView{Name: m.Name, IsBreakglass: m.IsBreakglass, MFAEnrolled: m.MFAEnrolled}
	for _, r := range m.Roles {
		if r.RoleID != "stytch_member" {
			v.Roles = append(v.Roles, r.RoleID)
		}
	}
	return v
}

func TestMetadataPatches(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(t)

	org, err := e.c.Organizations.Get(e.ctx, acmeID)
	mustOK(t, "Get", err)
	stored := org.TrustedMetadata
	for i, patch := range []client.MetadataPatch{
		client.MetadataPatch{}.Set("tier", "gold").Delete("seats").Set("limits", map[string]any{"api": 100, "ui": 3}),
		client.MetadataPatch{}.Set("limits", map[string]any{"ui": 5}).Delete("never-there"), // nested values are replaced whole
		client.MetadataPatch{}.Set("flags", []any{"beta", true}).Set("plan", nil),
		{}, // the zero patch changes nothing
	} {
		predicted := stored.Apply(patch)
		got, err := e.c.Organizations.Update(e.ctx, acmeID, client.OrganizationUpdateParams{TrustedMetadata: patch})
		mustOK(t, "Update", err)
		if diff := cmp.Diff(predicted, got.TrustedMetadata); diff != "" {
			t.Errorf("patch %d: the server stored what Apply did not predict (-predicted +stored):\n%s", i, diff)
		}
		stored = got.TrustedMetadata
	}
	want := client.Metadata{"flags": []any{"beta", true}, "limits": map[string]any{"ui": 5.0}, "tier": "gold"}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("after every patch (-want +got):\n%s", diff)
	}

	ada, err := e.c.Members.Update(e.ctx, acmeID, adaID, client.MemberUpdateParams{
		UntrustedMetadata: client.MetadataPatch{}.Set("lang", "fr").Delete("theme"),
	})
	mustOK(t, "member Update", err)
	if diff := diffFields(ada, map[string]any{"UntrustedMetadata": client.Metadata{"lang": "fr"}, "TrustedMetadata": client.Metadata{"clearance": "top"}}); diff != "" {
		t.Errorf("member metadata (-want +got):\n%s", diff)
	}
}

// Integers beyond 2^53 in metadata make the round trip through the mock digit for digit: the
// client sends them exactly, the mock keeps them, and the client reads them back as json.Number.
func TestMetadataKeepsLargeIntegersThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const big = "9007199254740993" // 2^53 + 1, which a float64 rounds to 2^53
	created, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: "Initech",
		TrustedMetadata: client.Metadata{"crm_id": json.Number(big), "seats": 5}})
	mustOK(t, "Create", err)
	got, err := e.c.Organizations.Get(e.ctx, created.ID)
	mustOK(t, "Get", err)
	if diff := cmp.Diff(client.Metadata{"crm_id": json.Number(big), "seats": 5.0}, got.TrustedMetadata); diff != "" {
		t.Errorf("trusted_metadata after a round trip (-sent +read):\n%s", diff)
	}
	if id, ok := got.TrustedMetadata.Int("crm_id"); !ok || fmt.Sprint(id) != big {
		t.Errorf("Int(crm_id) = %d, %v; want %s", id, ok, big)
	}
	updated, err := e.c.Organizations.Update(e.ctx, created.ID, client.OrganizationUpdateParams{
		TrustedMetadata: client.MetadataPatch{}.Set("next_id", json.Number("18446744073709551615"))})
	mustOK(t, "Update", err)
	if v := updated.TrustedMetadata["next_id"]; v != json.Number("18446744073709551615") {
		t.Errorf("next_id after an update: %#v", v)
	}
}

func TestOrganizationPagination(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const searchPath = "/v1/b2b/organizations/search"
	var widgets []string // every fourth organization, in creation order
	for i := range 250 {
		name := fmt.Sprintf("Pager Org %03d", i)
		if i%4 == 0 {
			name = fmt.Sprintf("Acme WIDGETS %03d", i)
		}
		org, err := e.c.Organizations.Create(e.ctx, client.OrganizationCreateParams{Name: name})
		mustOK(t, "Create "+name, err)
		if i%4 == 0 {
			widgets = append(widgets, org.ID)
		}
	}

	params := client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy("widgets")), Limit: 7, Cursor: "ignored"}
	paramsBefore, queryBefore := params, jsonOf(t, params.Query)

	first, err := e.c.Organizations.Search(e.ctx, client.OrganizationSearchParams{Query: params.Query, Limit: 7})
	mustOK(t, "Search", err)
	if first.Total != len(widgets) || len(first.Organizations) != 7 || first.NextCursor == "" {
		t.Fatalf("first page: %d organizations of %d, next cursor %q; want 7 of %d", len(first.Organizations), first.Total, first.NextCursor, len(widgets))
	}

	var got []string
	seen := map[string]bool{}
	if n := e.sent(http.MethodPost, searchPath, func() {
		for org, err := range e.c.Organizations.SearchAll(e.ctx, params) {
			mustOK(t, "SearchAll", err)
			if seen[org.ID] {
				t.Errorf("SearchAll yielded %s twice", org.ID)
			}
			seen[org.ID] = true
			got = append(got, org.ID)
		}
	}); n != 9 {
		t.Errorf("SearchAll fetched %d pages, want 9 (63 results, 7 a page)", n)
	}
	if diff := cmp.Diff(widgets, got); diff != "" || len(got) != first.Total {
		t.Errorf("SearchAll yielded %d organizations, want the %d widgets in creation order (-want +got):\n%s", len(got), first.Total, diff)
	}

	if n := e.sent(http.MethodPost, searchPath, func() {
		count := 0
		for _, err := range e.c.Organizations.SearchAll(e.ctx, params) {
			mustOK(t, "SearchAll", err)
			if count++; count == 10 {
				break
			}
		}
	}); n != 2 {
		t.Errorf("breaking out after 10 results fetched %d pages, want 2", n)
	}

	if params.Limit != paramsBefore.Limit || params.Cursor != paramsBefore.Cursor || params.Query != paramsBefore.Query ||
		jsonOf(t, params.Query) != queryBefore {
		t.Errorf("SearchAll changed its params: %+v", params)
	}
}

func TestSearchAllStopsOnARepeatedCursor(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var mu sync.Mutex
	var cursors []string
	e.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Cursor string `json:"cursor"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		cursors = append(cursors, body.Cursor)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status_code":200,"request_id":"request-id-test-loop",
			"organizations":[{"organization_id":"organization-test-loop","organization_name":"Loop"}],
			"results_metadata":{"total":1000,"next_cursor":"same-cursor"}}`)
	}))

	results := 0
	var last error
	for org, err := range e.c.Organizations.SearchAll(t.Context(), client.OrganizationSearchParams{}) {
		switch {
		case err == nil:
			results++
		case org != nil:
			t.Errorf("the error came with organization %+v", org)
		default:
			last = err
		}
	}
	if !errors.Is(last, client.ErrCursorLoop) {
		t.Errorf("SearchAll ended with %v, want ErrCursorLoop", last)
	}
	mu.Lock()
	defer mu.Unlock()
	if results != 2 || !slices.Equal(cursors, []string{"", "same-cursor"}) {
		t.Errorf("%d results from requests with cursors %q; want 2 from [\"\" \"same-cursor\"]", results, cursors)
	}
}
