package conctest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs/client"
)

// The model's reasoning about time. All of it runs after the workload, under no lock.

func (o *orgRecord) mayExist(s, e int64) bool {
	return o.created.s < e && (o.del.e == 0 || o.del.e > s)
}

func (o *orgRecord) surelyExists(s, e int64) bool {
	return o.created.e < s && (o.delIssued == 0 || o.delIssued > e)
}

// The member conditions leave the organization out: callers check it when it matters.
func (mb *memberRecord) mayExist(s, e int64) bool {
	return mb.created.s < e && (mb.del.e == 0 || mb.del.e > s)
}

func (mb *memberRecord) surelyExists(s, e int64) bool {
	return mb.created.e < s && (mb.delIssued == 0 || mb.delIssued > e)
}

// mayHold reports whether a field with these successful writes may have held a value matching
// eq at some instant of [s, e].
func mayHold(writes []write, eq func(string) bool, s, e int64) bool {
	for _, w := range writes {
		if !eq(w.v) || w.s >= e {
			continue
		}
		superseded := false
		for _, w2 := range writes {
			if w2.s > w.e && w2.e < s { // started after w ended, and ended before the window
				superseded = true
				break
			}
		}
		if !superseded {
			return true
		}
	}
	return false
}

// finalValues lists the values a field may hold once every write has ended.
func finalValues(writes []write) []string {
	var out []string
	for _, w := range writes {
		if mayHold(writes, func(v string) bool { return v == w.v }, math.MaxInt64, math.MaxInt64) && !slices.Contains(out, w.v) {
			out = append(out, w.v)
		}
	}
	return out
}

func equalTo(v string) func(string) bool { return func(x string) bool { return x == v } }

func equalFold(v string) func(string) bool {
	return func(x string) bool { return strings.EqualFold(x, v) }
}

// verifyHistory checks every answer recorded during the run against the complete model.
func (m *model) verifyHistory() {
	m.t.Helper()
	for _, ev := range m.events {
		switch ev.kind {
		case orgNotFound:
			if ev.org.del.s == 0 || ev.org.del.s > ev.e {
				m.errorf("g%02d %s: organization_not_found for %s, which no successful delete had been sent for (answer at %d, delete sent at %d)",
					ev.g, ev.op, ev.org.id, ev.e, ev.org.del.s)
			}
		case memberNotFound:
			if ev.member.del.s == 0 || ev.member.del.s > ev.e {
				m.errorf("g%02d %s: member_not_found for %s, which no successful delete had been sent for (answer at %d, delete sent at %d)",
					ev.g, ev.op, ev.member.id, ev.e, ev.member.del.s)
			}
		case slugConflict:
			if !slices.ContainsFunc(m.orgs, func(o *orgRecord) bool {
				return o != ev.org && o.mayExist(ev.s, ev.e) && mayHold(o.slug, equalFold(ev.value), ev.s, ev.e)
			}) {
				m.errorf("g%02d %s: organization_slug_already_used for %q, which no other organization could hold then", ev.g, ev.op, ev.value)
			}
		case emailConflict, retiredConflict:
			if !slices.ContainsFunc(ev.org.members, func(o *memberRecord) bool {
				if o == ev.member || !o.mayExist(ev.s, ev.e) {
					return false
				}
				if ev.kind == emailConflict {
					return mayHold(o.email, equalTo(ev.value), ev.s, ev.e)
				}
				return slices.ContainsFunc(o.email, func(w write) bool { return w.v == ev.value && w.s < ev.e })
			}) {
				m.errorf("g%02d %s: conflict on %q in %s, which no other member could hold then (retired: %v)",
					ev.g, ev.op, ev.value, ev.org.id, ev.kind == retiredConflict)
			}
		case metricsEvent:
			lo, hi := 0, 0
			for _, mb := range ev.org.members {
				if mb.surelyExists(ev.s, ev.e) {
					lo++
				}
				if mb.mayExist(ev.s, ev.e) {
					hi++
				}
			}
			if ev.n < lo || ev.n > hi {
				m.errorf("g%02d metrics: member_count of %s was %d, want between %d and %d", ev.g, ev.org.id, ev.n, lo, hi)
			}
		case getEvent:
			if !mayHold(ev.org.slug, equalTo(ev.value), ev.s, ev.e) || !mayHold(ev.org.name, equalTo(ev.value2), ev.s, ev.e) {
				m.errorf("g%02d get: %s answered slug %q and name %q, which it could not hold then", ev.g, ev.org.id, ev.value, ev.value2)
			}
		}
	}
	for _, p := range m.passes {
		m.verifyPass(p)
	}
}

// verifyPass checks one SearchAll loop: each page against the model at its time, and the loop
// as a whole for repeats and skips.
func (m *model) verifyPass(p *pass) {
	m.t.Helper()
	what := "organization search"
	if p.members {
		what = "member search"
	}
	var pageIDs []string
	for i, pg := range p.pages {
		where := fmt.Sprintf("g%02d %s (limit %d) page %d", p.g, what, p.limit, i+1)
		if pg.status != http.StatusOK {
			if pg.errType == "organization_not_found" && p.members && slices.ContainsFunc(p.orgs, func(o *orgRecord) bool {
				return o.del.s != 0 && o.del.s < pg.e
			}) {
				continue // an organization searched was being deleted
			}
			m.errorf("%s: answered %d %s", where, pg.status, pg.errType)
			continue
		}
		if pg.errType != "" {
			m.errorf("%s: %s", where, pg.errType)
			continue
		}
		pageIDs = append(pageIDs, pg.ids...)
		switch n := len(pg.ids); {
		case n > p.limit:
			m.errorf("%s: %d results, more than the limit", where, n)
		case n > pg.total:
			m.errorf("%s: %d results but a total of %d", where, n, pg.total)
		case !pg.cursor && pg.next == "" && n != pg.total:
			m.errorf("%s: a single page of %d results reported a total of %d", where, n, pg.total)
		}
		// One page is one snapshot: no repeats, no two organizations with one slug, no two
		// members of an organization with one email.
		seenID, seenKey := map[string]bool{}, map[string]bool{}
		for j, id := range pg.ids {
			key := strings.ToLower(pg.keys[j])
			if p.members {
				key = pg.orgIDs[j] + " " + key
			}
			if seenID[id] {
				m.errorf("%s: %s twice in one page", where, id)
			}
			if seenKey[key] {
				m.errorf("%s: %q twice in one page", where, key)
			}
			seenID[id], seenKey[key] = true, true
		}
		lo, hi := 0, 0
		if p.members {
			for j, id := range pg.ids {
				mb := m.members[id]
				switch {
				case mb == nil:
					m.errorf("%s: member %s was never created", where, id)
				case !slices.Contains(p.orgs, mb.org) || pg.orgIDs[j] != mb.org.id:
					m.errorf("%s: member %s of %s is not in the organizations searched", where, id, pg.orgIDs[j])
				case pg.statuses[j] != string(client.MemberActive):
					m.errorf("%s: member %s is %s; a search without a statuses filter finds active members only here", where, id, pg.statuses[j])
				case !mb.mayExist(pg.s, pg.e):
					m.errorf("%s: member %s could not exist then", where, id)
				case !mayHold(mb.email, equalTo(pg.keys[j]), pg.s, pg.e):
					m.errorf("%s: member %s had the email %q, which it could not hold then", where, id, pg.keys[j])
				}
			}
			// The page succeeded, so every organization searched existed when it was made.
			for _, o := range p.orgs {
				for _, mb := range o.members {
					if mb.surelyExists(pg.s, pg.e) {
						lo++
					}
					if mb.mayExist(pg.s, pg.e) {
						hi++
					}
				}
			}
		} else {
			for j, id := range pg.ids {
				o := m.byID[id]
				switch {
				case o == nil:
					m.errorf("%s: organization %s was never created", where, id)
				case !o.mayExist(pg.s, pg.e):
					m.errorf("%s: organization %s could not exist then", where, id)
				case !mayHold(o.slug, equalTo(pg.keys[j]), pg.s, pg.e):
					m.errorf("%s: organization %s had the slug %q, which it could not hold then", where, id, pg.keys[j])
				}
			}
			for _, o := range m.orgs {
				if o.surelyExists(pg.s, pg.e) {
					lo++
				}
				if o.mayExist(pg.s, pg.e) {
					hi++
				}
			}
		}
		if pg.total < lo || pg.total > hi {
			m.errorf("%s: total %d, but between %d and %d matched then", where, pg.total, lo, hi)
		}
	}
	if !slices.Equal(pageIDs, p.yielded) && p.err == nil {
		m.errorf("g%02d %s: SearchAll yielded %d results, its pages held %d", p.g, what, len(p.yielded), len(pageIDs))
	}
	seen := map[string]bool{}
	for _, id := range p.yielded {
		if seen[id] {
			m.errorf("g%02d %s (limit %d): SearchAll yielded %s twice", p.g, what, p.limit, id)
		}
		seen[id] = true
	}
	if p.err != nil || len(p.pages) == 0 {
		return
	}
	// Nothing that existed throughout the loop may be skipped.
	s, e := p.pages[0].s, p.pages[len(p.pages)-1].e
	if p.members {
		for _, o := range p.orgs {
			for _, mb := range o.members {
				if mb.surelyExists(s, e) && !seen[mb.id] {
					m.errorf("g%02d %s (limit %d): skipped member %s, which existed throughout", p.g, what, p.limit, mb.id)
				}
			}
		}
		return
	}
	for _, o := range m.orgs {
		if o.surelyExists(s, e) && !seen[o.id] {
			m.errorf("g%02d %s (limit %d): skipped organization %s, which existed throughout", p.g, what, p.limit, o.id)
		}
	}
}

// verifyFinal compares the server's state, once the workload is over, with the model.
func (m *model) verifyFinal(c *client.Client) {
	m.t.Helper()
	ctx := context.Background()
	var want []string
	for _, o := range m.orgs {
		if o.del.e == 0 {
			want = append(want, o.id)
		}
	}
	var got []string
	slugs := map[string]string{}
	for org, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Limit: 7}) {
		if err != nil {
			m.errorf("final organization search: %v", err)
			return
		}
		got = append(got, org.ID)
		if other, dup := slugs[strings.ToLower(org.Slug)]; dup {
			m.errorf("organizations %s and %s share the slug %q", other, org.ID, org.Slug)
		}
		slugs[strings.ToLower(org.Slug)] = org.ID
	}
	if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
		m.errorf("final organizations: the server has %d, the model %d\nserver: %v\nmodel:  %v", len(got), len(want), got, want)
	}
	if page, err := c.Organizations.Search(ctx, client.OrganizationSearchParams{Limit: 1}); err != nil {
		m.errorf("final organization search: %v", err)
	} else if page.Total != len(want) {
		m.errorf("final organization search total %d, want %d", page.Total, len(want))
	}

	for _, o := range m.orgs {
		if o.del.e != 0 {
			if _, err := c.Organizations.Get(ctx, o.id); !errors.Is(err, client.ErrNotFound) {
				m.errorf("deleted organization %s: Get answered %v, want ErrNotFound", o.id, err)
			}
			continue
		}
		m.verifyFinalOrg(ctx, c, o)
	}
}

func (m *model) verifyFinalOrg(ctx context.Context, c *client.Client, o *orgRecord) {
	m.t.Helper()
	org, err := c.Organizations.Get(ctx, o.id)
	if err != nil {
		m.errorf("final Get %s: %v", o.id, err)
		return
	}
	field := func(name, got string, writes []write) {
		if want := finalValues(writes); !slices.Contains(want, got) {
			m.errorf("organization %s: %s is %q, want one of %q (writes %v)", o.id, name, got, want, writes)
		}
	}
	field("name", org.Name, o.name)
	field("slug", org.Slug, o.slug)
	field("mfa_policy", string(org.MFAPolicy), o.mfa)
	field("email_invites", string(org.EmailInvites), o.invites)
	if !reflect.DeepEqual(map[string]any(org.TrustedMetadata), o.meta) {
		m.errorf("organization %s: trusted_metadata is %v, the model %v", o.id, org.TrustedMetadata, o.meta)
	}

	var live []*memberRecord
	for _, mb := range o.members {
		if mb.del.e == 0 {
			live = append(live, mb)
		}
	}
	if got, err := c.Organizations.Metrics(ctx, o.id); err != nil {
		m.errorf("final Metrics %s: %v", o.id, err)
	} else if int(got.MemberCount) != len(live) {
		m.errorf("organization %s: member_count %d, the model %d", o.id, got.MemberCount, len(live))
	}

	params := client.MemberSearchParams{OrganizationIDs: []string{o.id}, Limit: 4}
	var gotIDs []string
	emails := map[string]string{}
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			m.errorf("final member search of %s: %v", o.id, err)
			return
		}
		gotIDs = append(gotIDs, mb.ID)
		if other, dup := emails[mb.EmailAddress]; dup {
			m.errorf("organization %s: members %s and %s share the email %s", o.id, other, mb.ID, mb.EmailAddress)
		}
		emails[mb.EmailAddress] = mb.ID
		rec := m.members[mb.ID]
		if rec == nil {
			m.errorf("organization %s: member %s was never created", o.id, mb.ID)
			continue
		}
		if want := finalValues(rec.email); !slices.Contains(want, mb.EmailAddress) {
			m.errorf("member %s: email %q, want one of %q", mb.ID, mb.EmailAddress, want)
		}
		if want := finalValues(rec.name); !slices.Contains(want, mb.Name) {
			m.errorf("member %s: name %q, want one of %q", mb.ID, mb.Name, want)
		}
		if !reflect.DeepEqual(map[string]any(mb.UntrustedMetadata), rec.meta) {
			m.errorf("member %s: untrusted_metadata is %v, the model %v", mb.ID, mb.UntrustedMetadata, rec.meta)
		}
	}
	var wantIDs []string
	for _, mb := range live {
		wantIDs = append(wantIDs, mb.id)
	}
	if !slices.Equal(sortedCopy(gotIDs), sortedCopy(wantIDs)) {
		m.errorf("organization %s: members %v, the model %v", o.id, gotIDs, wantIDs)
	}
	if page, err := c.Members.Search(ctx, client.MemberSearchParams{OrganizationIDs: []string{o.id}, Limit: 1}); err != nil {
		m.errorf("final member search of %s: %v", o.id, err)
	} else if page.Total != len(live) {
		m.errorf("organization %s: member search total %d, the model %d", o.id, page.Total, len(live))
	}

	// With deleted members: every member ever created, deleted exactly when the model says.
	params.Query = client.All(client.MemberStatuses(client.MemberActive, client.MemberPending, client.MemberInvited, client.MemberDeleted))
	n := 0
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			m.errorf("final member search of %s with deleted members: %v", o.id, err)
			return
		}
		n++
		rec := m.members[mb.ID]
		if rec == nil {
			m.errorf("organization %s: member %s was never created", o.id, mb.ID)
			continue
		}
		if deleted := mb.Status == client.MemberDeleted; deleted != (rec.del.e != 0) {
			m.errorf("member %s: status %s, but the model says deleted=%v", mb.ID, mb.Status, rec.del.e != 0)
		}
	}
	if n != len(o.members) {
		m.errorf("organization %s: %d members counting deleted ones, the model %d", o.id, n, len(o.members))
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// checkServer fails the test for any response of the mock that broke the spec or any 5xx
