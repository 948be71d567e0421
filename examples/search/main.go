// Command search shows the two searches of the API: organizations, and members across
// organizations. It builds queries from typed filters, combines them with All (AND), asks an
// "either" question as two searches (Stytch deprecated OR), reads one page with Search, and
// every page with SearchAll.
//
//	go run ./examples/search
//
// Offline it runs against the mock server in this process. With STYTCH_PROJECT_ID and
// STYTCH_SECRET set it calls Stytch's API; its slugs are then unique to the run, it prints only
// the organizations it created (and counts the project's others that match), and it deletes
// what it created before it exits.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log"
	"strings"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/examples/internal/exampleenv"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("search: ")
	if err := run(context.Background()); err != nil {
		log.Fatalf("FAILED: %v", err)
	}
}

// run creates five organizations, searches them in each way the API allows, then searches
// members across two of them; each part is a function below.
func run(ctx context.Context) error {
	c, srv, done := exampleenv.Connect("search")
	defer done()

	// ours remembers the ids of the organizations the example creates, so that against a real
	// project it can tell them from the project's other organizations.
	ours := map[string]bool{}
	var slugs []string
	defer func() {
		// Clean up, with a context of its own in case ctx is what ended run.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		for _, slug := range slugs {
			if err := c.Organizations.Delete(ctx, slug); err != nil {
				log.Printf("clean-up: deleting %s: %v", slug, err)
			}
		}
	}()
	slugs, err := createOrganizations(ctx, c, ours)
	if err != nil {
		return err
	}
	if err := searchWithFilters(ctx, c, ours); err != nil {
		return err
	}
	mine := client.All(client.OrganizationSlugs(slugs...)) // exactly the five created
	if err := readOnePage(ctx, c, mine); err != nil {
		return err
	}
	if err := readEveryPage(ctx, c, srv, mine); err != nil {
		return err
	}
	rockets, globex := slugs[0], slugs[2]
	if err := addMembers(ctx, c, rockets, globex); err != nil {
		return err
	}
	return searchMembers(ctx, c, rockets, globex)
}

// createOrganizations creates the five organizations to search, records their ids in ours, and
// returns their slugs: those it created before a failure too, for the clean-up.
func createOrganizations(ctx context.Context, c *client.Client, ours map[string]bool) ([]string, error) {
	var slugs []string
	for _, o := range []struct{ name, slug, domain string }{
		{"Acme Rockets", "acme-rockets", "acme-rockets.com"},
		{"Acme Anvils", "acme-anvils", "acme-anvils.com"},
		{"Globex", "globex", "globex.com"},
		{"Initech", "initech", "initech.com"},
		{"Umbrella", "umbrella", "umbrella.com"},
	} {
		org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{
			Name: o.name, Slug: exampleenv.Unique(o.slug), EmailAllowedDomains: []string{o.domain},
		})
		if err != nil {
			return slugs, fmt.Errorf("creating %s: %w", o.name, err)
		}
		ours[org.ID] = true
		slugs = append(slugs, org.Slug)
	}
	fmt.Printf("created %d organizations: %s\n", len(slugs), strings.Join(slugs, ", "))
	return slugs, nil
}

// ── Filters ────────────────────────────────────────────────────────────────────────────────
// Each filter is a typed constructor; organization and member filters are different types, so
// a member filter in an organization query does not compile. All matches organizations that
// meet every filter. Fuzzy filters match a case-insensitive substring of at least 3 characters.
// Stytch deprecated the OR operator (client.Any): an "either" question is one All search per
// alternative, as the last two queries show, whose results the caller joins.
func searchWithFilters(ctx context.Context, c *client.Client, ours map[string]bool) error {
	queries := []struct {
		title string
		query *client.OrganizationQuery
		want  int
	}{
		{"one filter: the name contains \"acme\"",
			client.All(client.OrganizationNameFuzzy("acme")), 2},
		{"All (AND): the name contains \"acme\" and acme-anvils.com is an allowed domain",
			client.All(client.OrganizationNameFuzzy("acme"), client.OrganizationAllowedDomains("acme-anvils.com")), 1},
		{"either, part 1: the slug is globex",
			client.All(client.OrganizationSlugs(exampleenv.Unique("globex"))), 1},
		{"either, part 2: an allowed domain contains \"initech\"",
			client.All(client.OrganizationAllowedDomainFuzzy("initech")), 1},
	}
	for _, q := range queries {
		fmt.Printf("\n%s\n", q.title)
		printJSON("query", q.query) // a query encodes as the JSON Stytch takes
		n, err := printOrganizations(c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Query: q.query}), ours)
		if err != nil {
			return err
		}
		if n != q.want {
			return fmt.Errorf("want %d of our organizations, got %d", q.want, n)
		}
	}
	return nil
}

// ── One page with Search ───────────────────────────────────────────────────────────────────
// Search returns one page: at most Limit results (100 when 0), the total number of matches of
// the whole query, and NextCursor, "" on the last page. Results come oldest first. To read the
// next page, send the same query again with Cursor set to NextCursor.
func readOnePage(ctx context.Context, c *client.Client, mine *client.OrganizationQuery) error {
	fmt.Printf("\none page with Search (Limit 2) of the five organizations\n")
	page, err := c.Organizations.Search(ctx, client.OrganizationSearchParams{Query: mine, Limit: 2})
	if err != nil {
		return fmt.Errorf("searching: %w", err)
	}
	for _, o := range page.Organizations {
		fmt.Printf("  %s\n", o.Name)
	}
	fmt.Printf("  Total %d, NextCursor %q\n", page.Total, abbreviate(page.NextCursor))
	if page.Total != 5 || len(page.Organizations) != 2 || page.NextCursor == "" {
		return fmt.Errorf("unexpected page: %d results, total %d, cursor %q", len(page.Organizations), page.Total, page.NextCursor)
	}
	return nil
}

// ── Every page with SearchAll ──────────────────────────────────────────────────────────────
// SearchAll is a range-over-func iterator: it fetches a page, yields its results one by one,
// and fetches the next page only when the loop asks for more. A small Limit only makes more
// requests, never fewer results.
func readEveryPage(ctx context.Context, c *client.Client, srv *mockserver.Server, mine *client.OrganizationQuery) error {
	fmt.Printf("\nevery page with SearchAll (Limit 2)\n")
	before := searchRequests(srv)
	n := 0
	for o, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Query: mine, Limit: 2}) {
		if err != nil { // an error ends the iteration; it comes with a nil organization
			return fmt.Errorf("searching: %w", err)
		}
		n++
		fmt.Printf("  %d. %s\n", n, o.Name)
	}
	if srv != nil { // the mock's request log shows the pages fetched
		fmt.Printf("  %d results in %d requests\n", n, searchRequests(srv)-before)
	}
	if n != 5 {
		return fmt.Errorf("SearchAll: want 5 organizations, got %d", n)
	}
	return nil
}

// addMembers gives two of the organizations two members each, then deletes one: Homer leaves
// Globex, and his member's status becomes "deleted".
func addMembers(ctx context.Context, c *client.Client, rockets, globex string) error {
	for _, m := range []struct{ org, email string }{
		{rockets, "wile@acme-rockets.com"},
		{rockets, "road.runner@acme-rockets.com"},
		{globex, "hank@globex.com"},
		{globex, "homer@globex.com"},
	} {
		if _, err := c.Members.Create(ctx, m.org, client.MemberCreateParams{EmailAddress: m.email}); err != nil {
			return fmt.Errorf("adding %s: %w", m.email, err)
		}
	}
	homer, err := c.Members.GetByEmail(ctx, globex, "homer@globex.com")
	if err != nil {
		return fmt.Errorf("finding homer: %w", err)
	}
	if err := c.Members.Delete(ctx, globex, homer.ID); err != nil {
		return fmt.Errorf("deleting homer: %w", err)
	}
	return nil
}

// ── Members across organizations ───────────────────────────────────────────────────────────
// A member search names the organizations it searches (ids, slugs or external ids) and returns
// each member with its organization. Deleted members are left out unless the query asks for
// them with MemberStatuses.
func searchMembers(ctx context.Context, c *client.Client, rockets, globex string) error {
	for _, q := range []struct {
		title string
		query *client.MemberQuery
		want  int
	}{
		{"members of both organizations (no query: every member not deleted)", nil, 3},
		{"members of both organizations, deleted ones included",
			client.All(client.MemberStatuses(client.MemberActive, client.MemberInvited, client.MemberPending, client.MemberDeleted)), 4},
		{"deleted members whose email contains \"globex\"",
			client.All(client.MemberStatuses(client.MemberDeleted), client.MemberEmailFuzzy("globex")), 1},
	} {
		fmt.Printf("\n%s\n", q.title)
		if q.query != nil {
			printJSON("query", q.query)
		}
		// Limit 2 makes SearchAll fetch two pages here; the loop does not notice.
		params := client.MemberSearchParams{OrganizationIDs: []string{rockets, globex}, Query: q.query, Limit: 2}
		n := 0
		for m, err := range c.Members.SearchAll(ctx, params) {
			if err != nil {
				return fmt.Errorf("searching members: %w", err)
			}
			n++
			fmt.Printf("  %-30s %-8s in %s\n", m.EmailAddress, m.Status, m.Organization.Name)
		}
		if n != q.want {
			return fmt.Errorf("want %d members, got %d", q.want, n)
		}
	}
	return nil
}

// printOrganizations prints the organizations of a search that the example created and counts
// the others (only a real project has others). It returns how many of ours it saw.
func printOrganizations(results iter.Seq2[*client.Organization, error], ours map[string]bool) (int, error) {
	n, others := 0, 0
	for o, err := range results {
		if err != nil {
			return 0, fmt.Errorf("searching: %w", err)
		}
		if !ours[o.ID] {
			others++
			continue
		}
		n++
		fmt.Printf("  %-13s slug %-20s domains %v\n", o.Name, o.Slug, o.EmailAllowedDomains)
	}
	if others > 0 {
		fmt.Printf("  (plus %d of the project's other organizations)\n", others)
	}
	return n, nil
}

// searchRequests counts the organization searches the mock has received; 0 against Stytch.
func searchRequests(srv *mockserver.Server) int {
	if srv == nil {
		return 0
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == "/v1/b2b/organizations/search" {
			n++
		}
	}
	return n
}

func printJSON(label string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(err.Error())
	}
	fmt.Printf("  %s %s\n", label, b)
}

// abbreviate shortens an opaque cursor for printing.
func abbreviate(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}
