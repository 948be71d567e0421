package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// The bounds on one search's cost: at most MaxOperands operands, and a scan that lets writes in
// every scanChunk items.

func fuzzyOrgOps(tb testing.TB, n int, term func(i int) string) []api.OrganizationSearchOperand {
	ops := make([]api.OrganizationSearchOperand, n)
	for i := range ops {
		ops[i] = scaleOrgOp(tb, "organization_name_fuzzy", term(i))
	}
	return ops
}

func orgFuzzySearch(op api.SearchOperator, ops []api.OrganizationSearchOperand) api.OrganizationSearchRequest {
	limit := int32(MaxLimit)
	return api.OrganizationSearchRequest{Limit: &limit, Query: &api.OrganizationSearchQuery{Operator: op, Operands: &ops}}
}

func TestSearchOperandsAreBounded(t *testing.T) {
	p := New(Options{}).Project("project-test-operands")
	org, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Acme"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "ada@acme.com"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	wantType := func(err error, errorType string) {
		t.Helper()
		var e *Error
		if !errors.As(err, &e) || e.Kind != Invalid || e.Type != errorType {
			t.Errorf("got %v, want 400 %s", err, errorType)
		}
	}
	acme := func(int) string { return "acm" }
	for _, op := range []api.SearchOperator{api.AND, api.OR} {
		page, err := p.SearchOrganizations(orgFuzzySearch(op, fuzzyOrgOps(t, MaxOperands, acme)))
		if err != nil || page.Total != 1 {
			t.Errorf("%s of %d operands: %+v, %v; want Acme", op, MaxOperands, page, err)
		}
		_, err = p.SearchOrganizations(orgFuzzySearch(op, fuzzyOrgOps(t, MaxOperands+1, acme)))
		wantType(err, "organization_search_too_many_operands")
	}

	memberOps := func(n int) *[]api.MemberSearchOperand {
		ops := make([]api.MemberSearchOperand, n)
		for i := range ops {
			ops[i] = scaleMemberOp(t, "member_email_fuzzy", "ada")
		}
		return &ops
	}
	req := api.MemberSearchRequest{OrganizationIds: []string{org.OrganizationID}, Query: &api.MemberSearchQuery{Operator: api.AND, Operands: memberOps(MaxOperands)}}
	if page, err := p.SearchMembers(req, nil); err != nil || page.Total != 1 {
		t.Errorf("member search of %d operands: %+v, %v; want Ada", MaxOperands, page, err)
	}
	req.Query.Operands = memberOps(MaxOperands + 1)
	_, err = p.SearchMembers(req, nil)
	wantType(err, "member_search_too_many_operands")
}

// parkScan makes the first pause of a search in p's scan block until the returned function is
// called; parked is closed once the search is there.
func parkScan(p *Project) (parked <-chan struct{}, resume func()) {
	park, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	p.scanPaused = func() {
		once.Do(func() {
			close(park)
			<-release
		})
	}
	return park, sync.OnceFunc(func() { close(release) })
}

// A write is not kept waiting for a search's whole scan: while a search is parked half-way, the
// project's lock is free and a create and a delete complete. The search then finishes with each
// organization as the scan found it: the one deleted ahead of the scan is not there, and the one
// created meanwhile is when the search scans every organization (not when it scans the
// candidates an index gave before the scan began).
func TestSearchLetsWritesInDuringItsScan(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		t.Run(fmt.Sprintf("indexed=%v", indexed), func(t *testing.T) {
			p := New(Options{}).Project("project-test-scan")
			n := 3 * scanChunk
			var ids []string
			for i := range n {
				o, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Org " + strconv.Itoa(i)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, o.OrganizationID)
			}
			req := orgFuzzySearch(api.AND, fuzzyOrgOps(t, 1, func(int) string { return "org" }))
			if indexed {
				req = orgFuzzySearch(api.AND, []api.OrganizationSearchOperand{scaleOrgOp(t, "organization_ids", ids)})
			}
			parked, resume := parkScan(p)
			defer resume()
			type result struct {
				page OrganizationPage
				err  error
			}
			done := make(chan result)
			go func() {
				page, err := p.SearchOrganizations(req)
				done <- result{page, err}
			}()
			<-parked
			if !p.mu.TryLock() {
				t.Fatal("the search holds the project's lock while it waits between chunks")
			}
			p.mu.Unlock()
			late, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Org late"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DeleteOrganization(ids[n-1], nil); err != nil {
				t.Fatal(err)
			}
			resume()
			r := <-done
			if r.err != nil {
				t.Fatal(r.err)
			}
			want := slices.Clone(ids[:n-1])
			if !indexed {
				want = append(want, late.OrganizationID)
			}
			var got []string
			for _, o := range r.page.Organizations {
				got = append(got, o.OrganizationID)
			}
			if !slices.Equal(got, want) || r.page.Total != len(want) {
				t.Errorf("got %d organizations (total %d), want the %d there when the scan reached them", len(got), r.page.Total, len(want))
			}
		})
	}
}

// The same for a member search: the members of the organizations searched come in creation
// order, with those created while the search waited and without those deleted. When an
// organization searched is deleted meanwhile, the search answers as it would after the delete.
func TestSearchMembersLetsWritesInDuringItsScan(t *testing.T) {
	for _, deleteOrg := range []bool{false, true} {
		t.Run(fmt.Sprintf("deleteOrg=%v", deleteOrg), func(t *testing.T) {
			p := New(Options{}).Project("project-test-member-scan")
			var orgs, ids []string
			for i := range 2 {
				o, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: fmt.Sprintf("Org %d", i)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				orgs = append(orgs, o.OrganizationID)
			}
			for i := range 2 * scanChunk {
				r, err := p.CreateMember(orgs[i%2], api.MemberCreateRequest{EmailAddress: fmt.Sprintf("m%d@example.com", i)}, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r.Member.MemberID)
			}
			parked, resume := parkScan(p)
			defer resume()
			type result struct {
				page MemberPage
				err  error
			}
			done := make(chan result)
			go func() {
				limit := int32(MaxLimit)
				page, err := p.SearchMembers(api.MemberSearchRequest{OrganizationIds: orgs, Limit: &limit}, nil)
				done <- result{page, err}
			}()
			<-parked
			if !p.mu.TryLock() {
				t.Fatal("the search holds the project's lock while it waits between chunks")
			}
			p.mu.Unlock()
			late, err := p.CreateMember(orgs[0], api.MemberCreateRequest{EmailAddress: "late@example.com"}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if deleteOrg {
				_, err = p.DeleteOrganization(orgs[1], nil)
			} else {
				_, err = p.DeleteMember(orgs[1], ids[len(ids)-1], nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			resume()
			r := <-done
			if deleteOrg {
				var e *Error
				if !errors.As(r.err, &e) || e.Type != "organization_not_found" {
					t.Errorf("got %d members, %v; want 404 organization_not_found", len(r.page.Members), r.err)
				}
				return
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			want := append(slices.Clone(ids[:len(ids)-1]), late.Member.MemberID)
			var got []string
			for _, m := range r.page.Members {
				got = append(got, m.MemberID)
			}
			if !slices.Equal(got, want) || r.page.Total != len(want) {
				t.Errorf("got %d members (total %d), want %d", len(got), r.page.Total, len(want))
			}
		})
	}
}

// BenchmarkSearchWorstCase times the costliest searches one request can make of a project of
// 10,000 organizations: MaxOperands fuzzy operands that each look at every organization (OR of
// terms that match nothing; AND of terms that match everything), and the request of the
// reliability issue, 15,000 fuzzy operands in about 1 MB, which is now refused before any scan.
//
//	go test ./mockserver/internal/store -run '^$' -bench SearchWorstCase
func BenchmarkSearchWorstCase(b *testing.B) {
	p := New(Options{}).Project("project-test-worst")
	for i := range 10_000 {
		if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: fmt.Sprintf("Organization number %d", i)}, nil); err != nil {
			b.Fatal(err)
		}
	}
	nothing := func(i int) string { return fmt.Sprintf("zz%04d", i) }
	cases := []struct {
		name string
		req  api.OrganizationSearchRequest
		want int
		err  bool
	}{
		{"OR of 50 fuzzy operands matching nothing", orgFuzzySearch(api.OR, fuzzyOrgOps(b, MaxOperands, nothing)), 0, false},
		{"AND of 50 fuzzy operands matching everything", orgFuzzySearch(api.AND, fuzzyOrgOps(b, MaxOperands, func(int) string { return "number" })), 10_000, false},
		{"OR of 15,000 fuzzy operands (refused)", orgFuzzySearch(api.OR, fuzzyOrgOps(b, 15_000, func(i int) string { return fmt.Sprintf("term-%050d", i) })), 0, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				page, err := p.SearchOrganizations(c.req)
				if (err != nil) != c.err || page.Total != c.want {
					b.Fatalf("total %d, err %v; want %d, error %v", page.Total, err, c.want, c.err)
				}
			}
		})
	}
}
