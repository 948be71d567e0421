package contracttest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

// pagedOrgs creates n organizations whose names share a term no other organization has, and
// returns the term and their ids in creation order.
func (c *ct) pagedOrgs(n int) (string, []string) {
	c.T.Helper()
	term := "pg" + randomHex(4)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = c.org(client.OrganizationCreateParams{Name: c.name("Paging " + term)}).ID
	}
	return term, ids
}

func TestOrganizationSearchPages(t *testing.T) {
	check(t, rule{name: "organization search pages", area: areaPages, says: "organization search pages through results oldest first with next_cursor, each page's total counting the whole query, the last page without a cursor"}, func(c *ct) {
		term, ids := c.pagedOrgs(5)
		query := client.All(client.OrganizationNameFuzzy(term))
		var got []string
		var totals []int
		c.eventually("paging", func() error {
			got, totals = nil, nil
			cursor := ""
			for range 4 {
				page, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: query, Limit: 2, Cursor: cursor})
				if err != nil {
					return err
				}
				for _, o := range page.Organizations {
					got = append(got, o.ID)
				}
				totals = append(totals, page.Total)
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if !slices.Equal(got, ids) {
				return fmt.Errorf("pages of 2 gave %d organizations %v, want the %d created, in creation order %v", len(got), got, len(ids), ids)
			}
			return nil
		})
		if !slices.Equal(totals, []int{5, 5, 5}) {
			c.Errorf("the pages' totals are %v, want [5 5 5]: three pages, each counting the whole query", totals)
		}
		var all []string
		for o, err := range c.c.Organizations.SearchAll(c.ctx, client.OrganizationSearchParams{Query: query, Limit: 2}) {
			c.must(err, "SearchAll")
			all = append(all, o.ID)
		}
		if !slices.Equal(all, ids) {
			c.Errorf("SearchAll gave %v, want %v", all, ids)
		}
	})
}

func TestMemberSearchPages(t *testing.T) {
	check(t, rule{name: "member search pages", area: areaPages, says: "member search pages through results oldest first with next_cursor, each page's total counting the whole query"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		domain := c.domain("paging")
		var ids []string
		for i := range 5 {
			ids = append(ids, c.member(o.ID, client.MemberCreateParams{EmailAddress: fmt.Sprintf("m%d@%s", i, domain)}).ID)
		}
		c.eventually("paging", func() error {
			var got []string
			var totals []int
			cursor := ""
			for range 4 {
				page, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{o.ID}, Limit: 2, Cursor: cursor})
				if err != nil {
					return err
				}
				for _, m := range page.Members {
					got = append(got, m.ID)
					if m.Organization == nil || m.Organization.ID != o.ID {
						return fmt.Errorf("member %s came without its organization", m.ID)
					}
				}
				totals = append(totals, page.Total)
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if !slices.Equal(got, ids) || !slices.Equal(totals, []int{5, 5, 5}) {
				return fmt.Errorf("pages of 2 gave %v with totals %v, want %v with totals [5 5 5]", got, totals, ids)
			}
			return nil
		})
	})
}

func TestPagingWhileWriting(t *testing.T) {
	check(t, rule{name: "paging while writing", area: areaPages, says: "paging while others write never repeats nor skips a result that existed when paging started"}, func(c *ct) {
		term, ids := c.pagedOrgs(4)
		query := client.All(client.OrganizationNameFuzzy(term))
		var first *client.OrganizationPage
		c.eventually("searching", func() error {
			var err error
			if first, err = c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: query, Limit: 2}); err != nil {
				return err
			}
			if first.Total != 4 {
				return fmt.Errorf("total %d, want 4", first.Total)
			}
			return nil
		})
		// Delete a result already seen, and create one more.
		c.must(c.c.Organizations.Delete(c.ctx, ids[0]), "deleting")
		added := c.org(client.OrganizationCreateParams{Name: c.name("Paging " + term)})
		got := []string{}
		for _, o := range first.Organizations {
			got = append(got, o.ID)
		}
		for cursor := first.NextCursor; cursor != ""; {
			page, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: query, Limit: 2, Cursor: cursor})
			c.must(err, "searching on")
			for _, o := range page.Organizations {
				got = append(got, o.ID)
			}
			cursor = page.NextCursor
		}
		for _, id := range ids {
			if n := count(got, id); n != 1 {
				c.Errorf("organization %s came %d times, want once", id, n)
			}
		}
		if n := count(got, added.ID); n > 1 {
			c.Errorf("the organization added while paging came %d times", n)
		}
	})
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

func TestSearchLimitDefault(t *testing.T) {
	check(t, rule{name: "limit 0 and empty cursor", area: areaPages, choice: "Search limit", says: "a search limit of 0 (or none) means the default page of 100, and an empty cursor the first page"}, func(c *ct) {
		term, _ := c.pagedOrgs(3)
		body := func(extra map[string]any) map[string]any {
			b := map[string]any{"query": map[string]any{"operator": "AND", "operands": []any{operand("organization_name_fuzzy", term)}}}
			for k, v := range extra {
				b[k] = v
			}
			return b
		}
		for _, tc := range []struct {
			label string
			extra map[string]any
		}{
			{"limit 0", map[string]any{"limit": 0}},
			{"no limit", nil},
			{"cursor \"\"", map[string]any{"cursor": ""}},
		} {
			var got string
			c.eventually("searching", func() error {
				a := c.raw("POST", "/v1/b2b/organizations/search", body(tc.extra))
				var orgs []json.RawMessage
				if err := a.field("organizations", &orgs); err != nil {
					got = a.String()
					return nil // recorded below
				}
				got = fmt.Sprintf("%d of 3 found", len(orgs))
				if len(orgs) != 3 {
					return fmt.Errorf("%s: %s", tc.label, got)
				}
				return nil
			})
			c.saw(tc.label+": 3 of 3 found", tc.label+": "+got)
		}
	})
}

func TestSearchLimitAbove1000(t *testing.T) {
	check(t, rule{name: "limit above 1000", area: areaPages, choice: "Search limit", says: "a search limit above 1000 is refused, not cut to 1000; 1000 is accepted"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		scope := client.All(client.OrganizationIDs(o.ID))
		_, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: scope, Limit: 1001})
		c.saw("limit 1001: 400 user_search_invalid_limit", "limit 1001: "+answerOf(err))
		_, err = c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: scope, Limit: 1000})
		c.saw("limit 1000: 200", "limit 1000: "+answerOf(err))
	})
}

func TestCursorsAreBoundToTheirQuery(t *testing.T) {
	check(t, rule{name: "cursors bound to their query", area: areaPages, choice: "Search cost", says: "a cursor the target did not make, or made for another query, is refused"}, func(c *ct) {
		term, _ := c.pagedOrgs(3)
		var cursor string
		c.eventually("searching", func() error {
			page, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy(term)), Limit: 1})
			if err != nil {
				return err
			}
			if cursor = page.NextCursor; cursor == "" {
				return fmt.Errorf("no next_cursor on a page of 1 of 3")
			}
			return nil
		})
		_, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy(term + "x")), Limit: 1, Cursor: cursor})
		c.saw("another query's cursor: 400 user_search_invalid_cursor", "another query's cursor: "+answerOf(err))
		_, err = c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy(term)), Limit: 1, Cursor: "bm90LWEtY3Vyc29y"})
		c.saw("a made-up cursor: 400 user_search_invalid_cursor", "a made-up cursor: "+answerOf(err))
	})
}

func TestSearchOperandCap(t *testing.T) {
	check(t, rule{name: "at most 50 operands", area: areaPages, choice: "Search cost", says: "a query holds at most 50 operands: 50 are searched, 51 refused"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		filters := make([]client.OrganizationFilter, 51)
		for i := range filters {
			filters[i] = client.OrganizationIDs(o.ID)
		}
		_, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(filters[:50]...)})
		c.saw("50 operands: 200", "50 operands: "+answerOf(err))
		_, err = c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(filters...)})
		c.saw("51 operands: 400 organization_search_too_many_operands", "51 operands: "+answerOf(err))
	})
}

func TestMemberSearchResolvesEveryOrganization(t *testing.T) {
	check(t, rule{name: "member search organization_ids", area: areaPages, choice: "Member search", says: "member search resolves every entry of organization_ids (id, slug or external id); an unknown one is organization_not_found"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{ExternalID: c.slug("ext")})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		for _, ident := range []string{o.Slug, o.ExternalID} {
			c.eventually("searching the organization by "+ident, func() error {
				page, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{ident}})
				if err != nil {
					return err
				}
				if len(page.Members) != 1 || page.Members[0].ID != m.ID {
					return fmt.Errorf("found %d members, want %s", len(page.Members), m.ID)
				}
				return nil
			})
		}
		_, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{o.ID, c.slug("absent")}})
		c.saw("404 organization_not_found", answerOf(err))
	})
}
