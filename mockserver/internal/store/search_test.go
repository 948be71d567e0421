package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// TestSearchMembersMatchesBruteForce compares member searches with a brute-force evaluation of
// the same query: every member of the project in creation order, kept when it matches. The
// project mixes organizations, shared addresses, deleted, reactivated and re-addressed members,
// so that the email index, the merge of many organizations' members and the paging (with the
// total recounted when a write happened between pages) are all exercised.
func TestSearchMembersMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	p := New(Options{}).Project("project-test-brute")
	var orgs []string
	for i := range 8 {
		o, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: fmt.Sprintf("Org %d", i)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o.OrganizationID)
	}
	pool := []string{"ada", "grace", "alan", "linus", "barbara", "ken"}
	var members []string // creation order
	for range 120 {
		org := orgs[r.IntN(len(orgs))]
		email := pool[r.IntN(len(pool))] + "@example.com"
		res, err := p.CreateMember(org, api.MemberCreateRequest{EmailAddress: email}, nil, &MemberSeed{EmailAddressVerified: true})
		if err != nil {
			continue // the address is taken in that organization
		}
		members = append(members, res.Member.MemberID)
		switch r.IntN(5) {
		case 0:
			if _, err := p.DeleteMember(org, res.Member.MemberID, nil); err != nil {
				t.Fatal(err)
			}
		case 1:
			other := pool[r.IntN(len(pool))] + "@example.org"
			p.UpdateMember(org, res.Member.MemberID, api.MemberUpdateRequest{EmailAddress: &other}, nil) // may be taken
		}
	}
	for _, id := range members[:30] { // reactivate some deleted members whose address is still free
		if m, _ := p.DangerouslyGetMember(id, true); m.Member.Status == statusDeleted {
			p.ReactivateMember(m.Member.OrganizationID, id, nil)
		}
	}

	all := func() []api.Member {
		out := make([]api.Member, len(members))
		for i, id := range members {
			m, err := p.DangerouslyGetMember(id, true)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = m.Member
		}
		return out
	}()

	for iter := range 300 {
		// Organizations, with repeats, by id or slug.
		var in []string
		inSet := map[string]bool{}
		for range 1 + r.IntN(6) {
			i := r.IntN(len(orgs))
			ident := orgs[i]
			if r.IntN(2) == 0 {
				ident = fmt.Sprintf("org-%d", i)
			}
			in = append(in, ident)
			inSet[orgs[i]] = true
		}
		var ops []api.MemberSearchOperand
		var preds []func(api.Member) bool
		withDeleted := false
		if r.IntN(4) != 0 {
			var emails []string
			want := map[string]bool{}
			for range 1 + r.IntN(3) {
				e := pool[r.IntN(len(pool))] + []string{"@example.com", "@example.org"}[r.IntN(2)]
				want[e] = true
				if r.IntN(2) == 0 {
					e = strings.ToUpper(e)
				}
				emails = append(emails, e)
			}
			ops = append(ops, scaleMemberOp(t, "member_emails", emails))
			preds = append(preds, func(m api.Member) bool { return want[m.EmailAddress] })
		}
		if r.IntN(3) == 0 {
			statuses := [][]string{{"deleted"}, {"active"}, {"active", "deleted"}}[r.IntN(3)]
			withDeleted = slices.Contains(statuses, "deleted")
			ops = append(ops, scaleMemberOp(t, "statuses", statuses))
			preds = append(preds, func(m api.Member) bool { return slices.Contains(statuses, string(m.Status)) })
		}
		if r.IntN(4) == 0 {
			var ids []string
			for range 1 + r.IntN(4) {
				ids = append(ids, members[r.IntN(len(members))])
			}
			ops = append(ops, scaleMemberOp(t, "member_ids", ids))
			preds = append(preds, func(m api.Member) bool { return slices.Contains(ids, m.MemberID) })
		}
		and := r.IntN(3) != 0
		var want []string
		for _, m := range all {
			if !inSet[m.OrganizationID] || (!withDeleted && m.Status == statusDeleted) {
				continue
			}
			ok := and
			for _, pred := range preds {
				if and {
					ok = ok && pred(m)
				} else {
					ok = ok || pred(m)
				}
			}
			if ok || len(preds) == 0 {
				want = append(want, m.MemberID)
			}
		}

		req := memberSearch(in, int32(1+r.IntN(4)), ops...)
		if len(ops) > 0 && !and {
			req.Query.Operator = api.OR
		}
		var got []string
		for page := 0; ; page++ {
			res, err := p.SearchMembers(req, nil)
			if err != nil {
				t.Fatalf("query %d: %v", iter, err)
			}
			if res.Total != len(want) {
				t.Fatalf("query %d page %d: total %d, want %d", iter, page, res.Total, len(want))
			}
			for _, m := range res.Members {
				got = append(got, m.MemberID)
			}
			if res.NextCursor == "" {
				break
			}
			req.Cursor = &res.NextCursor
			if r.IntN(3) == 0 { // a write that changes no result: the next page recounts
				p.SetPolicy(api.Policy{})
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("query %d (%d operands, and=%v, deleted=%v): got %v, want %v", iter, len(ops), and, withDeleted, got, want)
		}
	}
}

// TestSearchOrganizationsRecountsInOnePass pages a fuzzy query with a write between pages, so
// that every page after the first counts the total again while collecting its results.
func TestSearchOrganizationsRecountsInOnePass(t *testing.T) {
	p := New(Options{}).Project("project-test-recount")
	var want []string
	for i := range 50 {
		name := fmt.Sprintf("Other %d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("Acme %d", i)
			want = append(want, deriveSlug(name))
		}
		if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: name}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, write := range []bool{false, true} {
		req := orgSearch(4, scaleOrgOp(t, "organization_name_fuzzy", "ACME"))
		var got []string
		for {
			res, err := p.SearchOrganizations(req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(want) {
				t.Fatalf("total %d, want %d", res.Total, len(want))
			}
			for _, o := range res.Organizations {
				got = append(got, o.OrganizationSlug)
			}
			if res.NextCursor == "" {
				break
			}
			req.Cursor = &res.NextCursor
			if write {
				p.SetPolicy(api.Policy{})
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("write between pages %v: got %v, want %v", write, got, want)
		}
	}
}
