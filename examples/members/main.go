// Command members shows the life of an organization's members with the client: creating them
// with roles, changing their roles, deleting (deactivating) and reactivating them, and searching
// them across organizations.
//
//	go run ./examples/members
//
// It always runs against the mock server in this process, even with STYTCH_PROJECT_ID and
// STYTCH_SECRET set: reactivating a member needs one whose email address is verified, which
// only a sign-in does, so the example seeds such a member with a mockserver fixture.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/examples/internal/exampleenv"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// seed is the state seeded into the mock: two organizations, each with an administrator who
// has signed in before. A fixture organization or member takes what its create call takes (the
// params types of package stytchorgs, which the client sends too), plus state only sign-in
// flows produce: EmailAddressVerified is such
// state; Stytch sets it when a member first proves they own the address (a magic link, SSO,
// ...). The same fixture can be JSON (mockserver.ParseFixture, or a file with
// mockserver.WithFixtureFile), the format the stytchmock process takes.
func seed(projectID string) mockserver.Fixture {
	admin := func(email, name string) mockserver.FixtureMember {
		return mockserver.FixtureMember{
			MemberCreateParams:   stytchorgs.MemberCreateParams{EmailAddress: email, Name: name, Roles: []string{"stytch_admin"}},
			EmailAddressVerified: true,
		}
	}
	return mockserver.Fixture{
		ProjectID: projectID, // state belongs to a project: the one the client uses
		Organizations: []mockserver.FixtureOrganization{
			{
				OrganizationCreateParams: stytchorgs.OrganizationCreateParams{
					Name: "Acme Corporation", Slug: "acme-corp", EmailAllowedDomains: []string{"acme.com"},
				},
				Members: []mockserver.FixtureMember{admin("ada@acme.com", "Ada Lovelace")},
			},
			{
				OrganizationCreateParams: stytchorgs.OrganizationCreateParams{Name: "Globex", Slug: "globex"},
				Members:                  []mockserver.FixtureMember{admin("hank@globex.com", "Hank Scorpio")},
			},
		},
	}
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("members: ")
	if err := run(context.Background()); err != nil {
		log.Fatalf("FAILED: %v", err)
	}
}

// run follows members from their creation to a search across organizations; each part is a
// function below.
func run(ctx context.Context) error {
	c, srv, done := exampleenv.ConnectMock("members", "a fixture: a member with a verified email")
	defer done()

	if err := srv.Seed(seed(c.ProjectID())); err != nil {
		return err
	}
	fmt.Println("seeded: Acme Corporation (acme-corp) with ada@acme.com, Globex (globex) with hank@globex.com")

	for _, part := range []func(context.Context, *client.Client) error{
		customRole,
		createAndUpdateRoles,
		reactivate,
		searchAcrossOrganizations,
	} {
		if err := part(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// ── Roles ──────────────────────────────────────────────────────────────────────────────────
// A role must exist in the project's RBAC policy (stytch_admin does) or among the
// organization's custom roles. Acme gets a custom role for its support staff; it may grant only
// actions the project's policy defines.
func customRole(ctx context.Context, c *client.Client) error {
	section("A custom role for Acme")
	_, err := c.RBAC.SetOrganizationPolicy(ctx, "acme-corp", client.OrganizationPolicy{Roles: []client.Role{{
		RoleID:      "support",
		Description: "Support staff: read members.",
		Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get", "search"}}},
	}}})
	if err != nil {
		return fmt.Errorf("setting Acme's custom roles: %w", err)
	}
	fmt.Println("  support: may get, search on stytch.member")
	return nil
}

// Every member holds stytch_member without asking; Roles lists the others. Members created
// through the API are active at once, with an email address not yet verified. An update's
// Roles replaces every role assigned directly; Set([]string{}) removes them all. The external
// id works wherever a member id does (except Reactivate).
func createAndUpdateRoles(ctx context.Context, c *client.Client) error {
	section("Create members")
	grace, err := c.Members.Create(ctx, "acme-corp", client.MemberCreateParams{
		EmailAddress: "grace@acme.com", Name: "Grace Hopper", Roles: []string{"stytch_admin"},
	})
	if err != nil {
		return fmt.Errorf("creating grace: %w", err)
	}
	printMember(grace)
	alan, err := c.Members.Create(ctx, "acme-corp", client.MemberCreateParams{
		EmailAddress: "alan@acme.com", Name: "Alan Turing", ExternalID: "emp-0042", // your own id for the member
	})
	if err != nil {
		return fmt.Errorf("creating alan: %w", err)
	}
	printMember(alan)

	section("Update roles")
	alan, err = c.Members.Update(ctx, "acme-corp", "emp-0042", client.MemberUpdateParams{Roles: client.Set([]string{"support"})})
	if err != nil {
		return fmt.Errorf("giving alan the support role: %w", err)
	}
	printMember(alan)
	grace, err = c.Members.Update(ctx, "acme-corp", grace.ID, client.MemberUpdateParams{Roles: client.Set([]string{})})
	if err != nil {
		return fmt.Errorf("removing grace's roles: %w", err)
	}
	printMember(grace)
	if !alan.HasRole("support") || grace.IsAdmin {
		return errors.New("the roles did not change as asked")
	}
	return nil
}

// ── Delete and reactivate ──────────────────────────────────────────────────────────────────
// Deleting a member deactivates it: its status becomes "deleted", every member operation stops
// finding it, and its address is free for a new member. Reactivate brings it back, but Stytch
// reactivates only members who proved they own their address before they were deleted.
func reactivate(ctx context.Context, c *client.Client) error {
	section("Delete Grace")
	grace, err := c.Members.GetByEmail(ctx, "acme-corp", "grace@acme.com")
	if err != nil {
		return fmt.Errorf("finding grace: %w", err)
	}
	if err := c.Members.Delete(ctx, "acme-corp", grace.ID); err != nil {
		return fmt.Errorf("deleting grace: %w", err)
	}
	_, err = c.Members.Get(ctx, "acme-corp", grace.ID)
	fmt.Printf("  Get: errors.Is(err, client.ErrNotFound) %t\n", errors.Is(err, client.ErrNotFound))
	deleted, err := c.Members.DangerouslyGet(ctx, grace.ID, client.DangerouslyGetParams{IncludeDeleted: true})
	if err != nil {
		return fmt.Errorf("getting deleted grace: %w", err)
	}
	fmt.Printf("  DangerouslyGet with IncludeDeleted: status %s\n", deleted.Status)

	// Grace was created through the API and never signed in, so she cannot come back.
	section("Reactivate Grace (created through the API, email never verified)")
	_, err = c.Members.Reactivate(ctx, "acme-corp", grace.ID)
	var se *client.Error
	if !errors.As(err, &se) || se.ErrorType != "email_unverified_for_reactivation" {
		return fmt.Errorf("want email_unverified_for_reactivation, got %v", err)
	}
	fmt.Printf("  refused: %d %s\n  %s\n", se.StatusCode, se.ErrorType, se.ErrorMessage)

	// Ada was seeded as having verified her address, so she can come back, with her roles.
	section("Delete and reactivate Ada (seeded with a verified email)")
	ada, err := c.Members.GetByEmail(ctx, "acme-corp", "ada@acme.com")
	if err != nil {
		return fmt.Errorf("finding ada: %w", err)
	}
	if err := c.Members.Delete(ctx, "acme-corp", ada.ID); err != nil {
		return fmt.Errorf("deleting ada: %w", err)
	}
	fmt.Println("  deleted")
	ada, err = c.Members.Reactivate(ctx, "acme-corp", ada.ID) // the Stytch member id only
	if err != nil {
		return fmt.Errorf("reactivating ada: %w", err)
	}
	printMember(ada)
	return nil
}

// ── Search across organizations ────────────────────────────────────────────────────────────
// One search covers several organizations; each member comes with its organization.
func searchAcrossOrganizations(ctx context.Context, c *client.Client) error {
	section("Administrators of Acme and Globex")
	admins := client.MemberSearchParams{
		OrganizationIDs: []string{"acme-corp", "globex"},
		Query:           client.All(client.MemberRoles("stytch_admin")),
	}
	if err := printSearch(ctx, c, admins, 2); err != nil {
		return err
	}
	section("Everyone at Acme, deleted members included")
	everyone := client.MemberSearchParams{
		OrganizationIDs: []string{"acme-corp"},
		Query:           client.All(client.MemberStatuses(client.MemberActive, client.MemberInvited, client.MemberPending, client.MemberDeleted)),
	}
	return printSearch(ctx, c, everyone, 3)
}

func printSearch(ctx context.Context, c *client.Client, params client.MemberSearchParams, want int) error {
	n := 0
	for m, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			return fmt.Errorf("searching members: %w", err)
		}
		n++
		fmt.Printf("  %-16s %-8s in %s\n", m.EmailAddress, m.Status, m.Organization.Name)
	}
	if n != want {
		return fmt.Errorf("want %d members, got %d", want, n)
	}
	return nil
}

func printMember(m *client.Member) {
	roles := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		roles[i] = r.RoleID
	}
	fmt.Printf("  %-16s %-8s verified %-5t admin %-5t roles %s\n",
		m.EmailAddress, m.Status, m.EmailAddressVerified, m.IsAdmin, strings.Join(roles, ", "))
}

func section(title string) { fmt.Printf("\n%s\n", title) }
