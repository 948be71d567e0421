package contracttest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// orgWorld is what the organization filter rules search: three organizations of the run.
type orgWorld struct {
	alpha, beta, gamma        *client.Organization
	alphaDomain, alphaClaimed string
	betaDomain                string
	adaEmail, bobEmail        string
	ids                       []string // all three, to scope a search to them
	label                     map[string]string
}

// newOrgWorld creates the organizations the filter rules search, deleted when t ends.
func newOrgWorld(t *testing.T) (*orgWorld, error) {
	n := func() int { return tg.next() }
	w := &orgWorld{
		alphaDomain:  fmt.Sprintf("alpha-%d-%s.example.com", n(), tg.run),
		alphaClaimed: fmt.Sprintf("alpha-claimed-%d-%s.example.com", n(), tg.run),
		betaDomain:   fmt.Sprintf("beta-%d-%s.example.com", n(), tg.run),
	}
	w.adaEmail, w.bobEmail = "ada@"+w.alphaDomain, "bob@"+w.betaDomain
	specs := []struct {
		to     **client.Organization
		p      client.OrganizationCreateParams
		member string
	}{
		{&w.alpha, client.OrganizationCreateParams{Name: fmt.Sprintf("%s-%d Alpha Widgets", tg.prefix, n()), Slug: fmt.Sprintf("%s-%d-alpha", tg.prefix, n()),
			EmailAllowedDomains: []string{w.alphaDomain}, ClaimedEmailDomains: []string{w.alphaClaimed}}, w.adaEmail},
		{&w.beta, client.OrganizationCreateParams{Name: fmt.Sprintf("%s-%d Beta Gadgets", tg.prefix, n()), Slug: fmt.Sprintf("%s-%d-Beta", tg.prefix, n()),
			EmailAllowedDomains: []string{w.betaDomain}}, w.bobEmail},
		{&w.gamma, client.OrganizationCreateParams{Name: fmt.Sprintf("%s-%d Gamma Gizmos", tg.prefix, n()), Slug: fmt.Sprintf("%s-%d-gamma", tg.prefix, n())}, ""},
	}
	for _, s := range specs {
		o, err := createOrgFor(t, s.p)
		if err != nil {
			return nil, err
		}
		*s.to = o
		if s.member != "" {
			if _, err := tg.client.Members.Create(context.Background(), o.ID, client.MemberCreateParams{EmailAddress: s.member}); err != nil {
				return nil, err
			}
		}
	}
	w.ids = []string{w.alpha.ID, w.beta.ID, w.gamma.ID}
	w.label = map[string]string{w.alpha.ID: "alpha", w.beta.ID: "beta", w.gamma.ID: "gamma"}
	return w, nil
}

// orgFilterCase is a rule of one organization search filter: the query it sends, scoped to the
// world unless it names organizations itself, and the world's organizations it must find.
type orgFilterCase struct {
	name, says string
	choice     string
	scoped     bool
	filters    func(w *orgWorld) []client.OrganizationFilter
	want       []string // labels, in creation order
}

var orgFilterCases = []orgFilterCase{
	{name: "organization_ids", says: "organization_ids finds the organizations with those ids",
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationIDs(w.alpha.ID, w.gamma.ID)}
		}, want: []string{"alpha", "gamma"}},
	{name: "organization_slugs", says: "organization_slugs finds the organizations with those slugs, without regard to case", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationSlugs(strings.ToLower(w.beta.Slug))}
		}, want: []string{"beta"}},
	{name: "organization_slug_fuzzy", says: "organization_slug_fuzzy finds slugs that contain the text", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationSlugFuzzy("beta")}
		}, want: []string{"beta"}},
	{name: "organization_name_fuzzy", says: "organization_name_fuzzy finds names that contain the text, without regard to case", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationNameFuzzy("GADGETS")}
		}, want: []string{"beta"}},
	{name: "member_emails", says: "member_emails finds the organizations with a member of that email", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationMemberEmails(w.adaEmail)}
		}, want: []string{"alpha"}},
	{name: "member_email_fuzzy", says: "member_email_fuzzy finds the organizations with a member whose email contains the text", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationMemberEmailFuzzy("bob@")}
		}, want: []string{"beta"}},
	{name: "allowed_domains", says: "allowed_domains finds the organizations that allow that domain", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationAllowedDomains(w.betaDomain)}
		}, want: []string{"beta"}},
	{name: "allowed_domain_fuzzy", says: "allowed_domain_fuzzy finds the organizations with an allowed domain that contains the text", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationAllowedDomainFuzzy("alpha-")}
		}, want: []string{"alpha"}},
	{name: "claimed_email_domains", says: "claimed_email_domains finds the organization that claimed the domain", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationClaimedEmailDomains(w.alphaClaimed)}
		}, want: []string{"alpha"}},
	{name: "has_active_sso_connection false", says: "has_active_sso_connection false finds organizations without SSO connections", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationHasActiveSSOConnection(false)}
		}, want: []string{"alpha", "beta", "gamma"}},
	{name: "has_active_sso_connection true", says: "has_active_sso_connection true finds none of the organizations without SSO connections", scoped: true,
		filters: func(*orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationHasActiveSSOConnection(true)}
		}, want: nil},
	{name: "AND", says: "the AND operator needs every operand to match", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationNameFuzzy("widgets"), client.OrganizationAllowedDomains(w.alphaDomain)}
		}, want: []string{"alpha"}},
	{name: "AND, matching nothing", says: "the AND operator finds nothing when one operand matches nothing the others match", scoped: true,
		filters: func(w *orgWorld) []client.OrganizationFilter {
			return []client.OrganizationFilter{client.OrganizationNameFuzzy("widgets"), client.OrganizationAllowedDomains(w.betaDomain)}
		}, want: nil},
}

func TestOrganizationSearchFilters(t *testing.T) {
	w, setupErr := newOrgWorld(t)
	for _, fc := range orgFilterCases {
		t.Run(fc.name, func(t *testing.T) {
			check(t, rule{name: "organizations: " + fc.name, area: areaFilters, says: "organization search: " + fc.says, choice: fc.choice}, func(c *ct) {
				if setupErr != nil {
					c.Fatalf("creating the organizations to search: %v", setupErr)
				}
				filters := fc.filters(w)
				if fc.scoped {
					filters = append(filters, client.OrganizationIDs(w.ids...))
				}
				c.eventually("searching", func() error {
					page, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(filters...)})
					if err != nil {
						return err
					}
					got := make([]string, 0, len(page.Organizations))
					for _, o := range page.Organizations {
						got = append(got, labelOf(w.label, o.ID))
					}
					if !slices.Equal(got, fc.want) || page.Total != len(fc.want) {
						return fmt.Errorf("found %v (total %d), want %v", got, page.Total, fc.want)
					}
					return nil
				})
			})
		})
	}
	t.Run("OR", func(t *testing.T) {
		check(t, rule{name: "organizations: OR (deprecated)", area: areaFilters, says: "organization search: the OR operator, deprecated, still finds what any operand matches"}, func(c *ct) {
			if setupErr != nil {
				c.Fatalf("creating the organizations to search: %v", setupErr)
			}
			c.eventually("searching", func() error {
				a := c.raw("POST", "/v1/b2b/organizations/search", map[string]any{"query": map[string]any{"operator": "OR", "operands": []any{
					map[string]any{"filter_name": "organization_ids", "filter_value": []string{w.alpha.ID}},
					map[string]any{"filter_name": "organization_ids", "filter_value": []string{w.beta.ID}},
				}}})
				var orgs []client.Organization
				if err := a.field("organizations", &orgs); err != nil {
					return fmt.Errorf("%s: %v", a, err)
				}
				var got []string
				for _, o := range orgs {
					got = append(got, labelOf(w.label, o.ID))
				}
				if !slices.Equal(got, []string{"alpha", "beta"}) {
					return fmt.Errorf("found %v, want [alpha beta]", got)
				}
				return nil
			})
		})
	})
	t.Run("sso_connection", func(t *testing.T) {
		check(t, rule{name: "organizations: SSO connection filters", area: areaFilters, says: "organization search: has_active_sso_connection true and sso_connection_id find an organization with an SSO connection"}, func(c *ct) {
			srv := c.needsMock("an SSO connection")
			conn := "saml-connection-test-" + randomHex(8)
			o := c.seed(srv, mockserver.FixtureOrganization{SSOActiveConnections: []client.SSOActiveConnection{{ConnectionID: conn, DisplayName: "Okta", IdentityProvider: "okta"}}})
			ids := append(slices.Clone(w.ids), o.ID)
			for _, f := range []client.OrganizationFilter{client.OrganizationHasActiveSSOConnection(true), client.OrganizationSSOConnectionID(conn)} {
				page, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(f, client.OrganizationIDs(ids...))})
				c.must(err, "searching")
				if len(page.Organizations) != 1 || page.Organizations[0].ID != o.ID {
					c.Errorf("found %d organizations, want only the one with the connection", len(page.Organizations))
				}
			}
		})
	})
}

func labelOf(labels map[string]string, id string) string {
	if l, ok := labels[id]; ok {
		return l
	}
	return "another organization (" + id + ")"
}

// memberWorld is what the member filter rules search: one organization whose members are ada
// (active, breakglass, an MFA phone, stytch_admin, an external id), bob (pending) and cyd
// (deleted).
type memberWorld struct {
	org           *client.Organization
	ada, bob, cyd *client.Member
	phone         string
	label         map[string]string
}

func newMemberWorld(t *testing.T) (*memberWorld, error) {
	ctx := context.Background()
	n := tg.next()
	domain := fmt.Sprintf("members-%d-%s.example.com", n, tg.run)
	o, err := createOrgFor(t, client.OrganizationCreateParams{Name: fmt.Sprintf("%s-%d Members", tg.prefix, n), Slug: fmt.Sprintf("%s-%d-members", tg.prefix, n)})
	if err != nil {
		return nil, err
	}
	w := &memberWorld{org: o, phone: fictionalPhone(n)}
	members := c3(client.MemberCreateParams{EmailAddress: "ada@" + domain, IsBreakglass: true, MFAPhoneNumber: w.phone, Roles: []string{"stytch_admin"}, ExternalID: "ada-ext"},
		client.MemberCreateParams{EmailAddress: "bob@" + domain, CreateAsPending: true},
		client.MemberCreateParams{EmailAddress: "cyd@" + domain})
	for i, to := range []**client.Member{&w.ada, &w.bob, &w.cyd} {
		if *to, err = tg.client.Members.Create(ctx, o.ID, members[i]); err != nil {
			return nil, err
		}
	}
	if err := tg.client.Members.Delete(ctx, o.ID, w.cyd.ID); err != nil {
		return nil, err
	}
	w.label = map[string]string{w.ada.ID: "ada", w.bob.ID: "bob", w.cyd.ID: "cyd"}
	return w, nil
}

func c3[T any](a, b, c T) []T { return []T{a, b, c} }

// memberFilterCase is a rule of one member search filter: operands, sent as JSON so that filter
// names the client has no constructor for are sent too, and the members they must find.
type memberFilterCase struct {
	name, says string
	choice     string
	operands   func(w *memberWorld) []any
	want       []string
}

func operand(name string, value any) any {
	return map[string]any{"filter_name": name, "filter_value": value}
}

var memberFilterCases = []memberFilterCase{
	{name: "member_ids", says: "member_ids finds members by Stytch id",
		operands: func(w *memberWorld) []any { return []any{operand("member_ids", []string{w.ada.ID})} }, want: []string{"ada"}},
	{name: "member_ids by external id", says: "member_ids finds members by external id",
		operands: func(*memberWorld) []any { return []any{operand("member_ids", []string{"ada-ext"})} }, want: []string{"ada"}},
	{name: "member_emails", says: "member_emails finds members by email",
		operands: func(w *memberWorld) []any { return []any{operand("member_emails", []string{w.bob.EmailAddress})} }, want: []string{"bob"}},
	{name: "member_email_fuzzy", says: "member_email_fuzzy finds members whose email contains the text",
		operands: func(*memberWorld) []any { return []any{operand("member_email_fuzzy", "ada@")} }, want: []string{"ada"}},
	{name: "member_is_breakglass false", says: "member_is_breakglass finds members by that flag, deleted ones left out",
		operands: func(*memberWorld) []any { return []any{operand("member_is_breakglass", false)} }, want: []string{"bob"}},
	{name: "statuses", says: "statuses finds members in those statuses",
		operands: func(*memberWorld) []any { return []any{operand("statuses", []string{"pending"})} }, want: []string{"bob"}},
	{name: "statuses deleted", choice: "Deleted members", says: "statuses with deleted is the only filter that finds deleted members",
		operands: func(*memberWorld) []any { return []any{operand("statuses", []string{"deleted"})} }, want: []string{"cyd"}},
	{name: "member_roles", choice: "Search operands", says: "member_roles (a frontend SDK's filter) finds members holding a role",
		operands: func(*memberWorld) []any { return []any{operand("member_roles", []string{"stytch_admin"})} }, want: []string{"ada"}},
	{name: "member_mfa_phone_numbers", choice: "Search operands", says: "member_mfa_phone_numbers (a frontend SDK's filter) finds members by MFA phone",
		operands: func(w *memberWorld) []any { return []any{operand("member_mfa_phone_numbers", []string{w.phone})} }, want: []string{"ada"}},
	{name: "member_mfa_phone_number_fuzzy", choice: "Search operands", says: "member_mfa_phone_number_fuzzy (a frontend SDK's filter) finds members whose MFA phone contains the digits",
		operands: func(w *memberWorld) []any {
			return []any{operand("member_mfa_phone_number_fuzzy", w.phone[len(w.phone)-7:])}
		}, want: []string{"ada"}},
	{name: "member_phone_numbers", choice: "Search operands", says: "member_phone_numbers (the Node SDK's filter) finds members by MFA phone",
		operands: func(w *memberWorld) []any { return []any{operand("member_phone_numbers", []string{w.phone})} }, want: []string{"ada"}},
	{name: "member_phone_number_fuzzy", choice: "Search operands", says: "member_phone_number_fuzzy (the Node SDK's filter) finds members whose MFA phone contains the digits",
		operands: func(w *memberWorld) []any {
			return []any{operand("member_phone_number_fuzzy", w.phone[len(w.phone)-7:])}
		}, want: []string{"ada"}},
	{name: "member_password_exists false", choice: "Search operands", says: "member_password_exists false (a frontend SDK's filter) finds members without a password",
		operands: func(*memberWorld) []any { return []any{operand("member_password_exists", false)} }, want: []string{"ada", "bob"}},
	{name: "no operands", choice: "Empty fields the official Go SDK leaves out", says: "a query without operands, as the Go SDK sends it, finds every member not deleted",
		operands: nil, want: []string{"ada", "bob"}},
}

func TestMemberSearchFilters(t *testing.T) {
	w, setupErr := newMemberWorld(t)
	for _, fc := range memberFilterCases {
		t.Run(fc.name, func(t *testing.T) {
			check(t, rule{name: "members: " + fc.name, area: areaFilters, says: "member search: " + fc.says, choice: fc.choice}, func(c *ct) {
				if setupErr != nil {
					c.Fatalf("creating the members to search: %v", setupErr)
				}
				query := map[string]any{"operator": "AND"}
				if fc.operands != nil {
					query["operands"] = fc.operands(w)
				}
				var answer string
				c.eventually("searching", func() error {
					a := c.raw("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{w.org.ID}, "query": query})
					answer = a.String()
					var members []client.Member
					if err := a.field("members", &members); err != nil {
						return fmt.Errorf("%s: %v", a, err)
					}
					var got []string
					for _, m := range members {
						got = append(got, labelOf(w.label, m.ID))
					}
					if !slices.Equal(got, fc.want) {
						return fmt.Errorf("found %v, want %v", got, fc.want)
					}
					return nil
				})
				if fc.choice != "" {
					c.saw("200", answer)
				}
			})
		})
	}
	t.Run("member_password_exists_true", func(t *testing.T) {
		check(t, rule{name: "members: member_password_exists true", area: areaFilters, says: "member search: member_password_exists true finds members with a password"}, func(c *ct) {
			srv := c.needsMock("a password")
			o := c.seed(srv, mockserver.FixtureOrganization{Members: []mockserver.FixtureMember{
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "pat@" + c.domain("pw")}, MemberPasswordID: "member-password-test-" + randomHex(8)},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "nop@" + c.domain("pw")}},
			}})
			page, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{o.ID}, Query: client.All(client.MemberPasswordExists(true))})
			c.must(err, "searching")
			if len(page.Members) != 1 || !strings.HasPrefix(page.Members[0].EmailAddress, "pat@") {
				c.Errorf("found %d members, want only the one with a password", len(page.Members))
			}
		})
	})
}
