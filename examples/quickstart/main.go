// Command quickstart walks through Stytch's B2B Organizations API end to end with the client in
// package client: it creates an organization, changes its sign-in settings, finds it by name,
// keeps billing data in its trusted metadata, adds members and finds them, reads the RBAC
// policy, and deletes the organization again. Each step prints the request body it sent and the
// fields that came back.
//
//	go run ./examples/quickstart
//
// With no credentials it runs offline, against the mock server started in this process. With
// STYTCH_PROJECT_ID and STYTCH_SECRET set it calls Stytch's API instead: the organization then
// gets a unique slug, and it is deleted however the program ends (Ctrl-C included).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/examples/internal/exampleenv"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("quickstart: ")
	// Ctrl-C (or SIGTERM) cancels ctx: the step in progress stops, and the deferred clean-up
	// still runs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		log.Fatalf("FAILED: %v", err)
	}
	fmt.Println("\nquickstart: done")
}

// run tells the story: each step is a function below, in this order, and run reads as their
// list. Every step prints what it sent and what came back.
func run(ctx context.Context) (err error) {
	c, _, done := exampleenv.Connect("quickstart")
	defer done()

	org, err := createOrganization(ctx, c)
	if err != nil {
		return err
	}
	// From here on the organization exists: delete it however run ends, unless the last step
	// already did. The clean-up gets a context of its own, because ctx may be the reason run is
	// ending.
	deleted := false
	defer func() {
		if deleted {
			return
		}
		if cerr := cleanUp(context.WithoutCancel(ctx), c, org); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()

	if org, err = updateSignInSettings(ctx, c, org); err != nil {
		return err
	}
	if err := searchByName(ctx, c, org); err != nil {
		return err
	}
	if org, err = keepBillingData(ctx, c, org); err != nil {
		return err
	}
	if err := addMembers(ctx, c, org); err != nil {
		return err
	}
	if err := searchMembers(ctx, c, org); err != nil {
		return err
	}
	if err := readPolicy(ctx, c); err != nil {
		return err
	}
	if err := deleteOrganization(ctx, c, org); err != nil {
		return err
	}
	deleted = true
	return nil
}

// ── 1. Create an organization ──────────────────────────────────────────────────────────────
// Only the name is required. The slug is the organization's readable id: every method that
// takes an organization id takes the slug too. Against a real project, Unique adds a random
// suffix so the slug is never taken already.
func createOrganization(ctx context.Context, c *client.Client) (*client.Organization, error) {
	step(1, "Create the organization")
	create := client.OrganizationCreateParams{
		Name:                "Acme Corporation",
		Slug:                exampleenv.Unique("acme-corp"),
		EmailAllowedDomains: []string{"acme.com"},
	}
	sent("POST /v1/b2b/organizations", create)
	org, err := c.Organizations.Create(ctx, create)
	if err != nil {
		return nil, fmt.Errorf("creating the organization: %w", err)
	}
	got("organization_id", org.ID)
	got("organization_slug", org.Slug)
	got("email_allowed_domains", org.EmailAllowedDomains)
	// Settings left out take Stytch's defaults. Allowed domains alone are not a sign-in
	// setting, so email invites keep their default for a request without any: ALL_ALLOWED.
	got("email_jit_provisioning", org.EmailJITProvisioning)
	got("email_invites", org.EmailInvites)
	got("mfa_policy", org.MFAPolicy)
	return org, nil
}

// cleanUp deletes the organization when run ends before the last step did.
func cleanUp(ctx context.Context, c *client.Client, org *client.Organization) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.Organizations.Delete(ctx, org.ID); err != nil {
		return fmt.Errorf("clean-up: deleting %s: %w", org.Slug, err)
	}
	fmt.Printf("\nclean-up: deleted %s\n", org.Slug)
	return nil
}

// ── 2. Update its sign-in settings ─────────────────────────────────────────────────────────
// An update changes only the fields it Sets; everything else is left as it is. A list that is
// Set replaces the stored list, so the second domain is sent with the first.
func updateSignInSettings(ctx context.Context, c *client.Client, org *client.Organization) (*client.Organization, error) {
	step(2, "Require MFA, restrict sign-in to SSO and magic links, allow a second domain")
	update := client.OrganizationUpdateParams{
		MFAPolicy:            client.Set(client.MFARequiredForAll),
		AuthMethods:          client.Set(client.AccessRestricted),
		AllowedAuthMethods:   client.Set([]client.AuthMethod{client.AuthSSO, client.AuthMagicLink}),
		EmailJITProvisioning: client.Set(client.AccessRestricted), // people at allowed domains may join
		EmailAllowedDomains:  client.Set([]string{"acme.com", "acme.io"}),
	}
	sent("PUT /v1/b2b/organizations/"+org.Slug, update)
	org, err := c.Organizations.Update(ctx, org.Slug, update)
	if err != nil {
		return nil, fmt.Errorf("updating the settings: %w", err)
	}
	got("mfa_policy", org.MFAPolicy)
	got("auth_methods", org.AuthMethods)
	got("allowed_auth_methods", org.AllowedAuthMethods)
	got("email_jit_provisioning", org.EmailJITProvisioning)
	got("email_allowed_domains", org.EmailAllowedDomains)
	return org, nil
}

// ── 3. Search organizations by name ────────────────────────────────────────────────────────
// A fuzzy filter matches a case-insensitive substring of 3 characters or more. SearchAll
// fetches page after page as the loop asks for more. In a real project other organizations may
// match as well; the loop marks ours.
func searchByName(ctx context.Context, c *client.Client, org *client.Organization) error {
	step(3, `Search organizations whose name contains "acme"`)
	query := client.All(client.OrganizationNameFuzzy("acme"))
	sent("POST /v1/b2b/organizations/search", map[string]any{"query": query})
	found := false
	for o, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Query: query}) {
		if err != nil {
			return fmt.Errorf("searching organizations: %w", err)
		}
		mark := ""
		if o.ID == org.ID {
			found, mark = true, "  ← the one just created"
		}
		got("match", fmt.Sprintf("%s (%s)%s", o.Name, o.Slug, mark))
	}
	if !found {
		return fmt.Errorf("the search did not find %s", org.Slug)
	}
	return nil
}

// ── 4. Trusted metadata ────────────────────────────────────────────────────────────────────
// trusted_metadata is yours to fill: up to 20 top-level keys and 4 KB, that only your backend
// can write. An update merges the keys it sends into the stored ones at the top level: a key
// sent replaces the stored key whole, a key sent as null (Delete) is removed, and keys not sent
// stay as they are.
func keepBillingData(ctx context.Context, c *client.Client, org *client.Organization) (*client.Organization, error) {
	step(4, "Keep billing data in trusted metadata")
	patches := []struct {
		what  string
		patch client.MetadataPatch
	}{
		{"set three keys", client.MetadataPatch{}.
			Set("subscription_tier", "growth").
			Set("billing_id", "cus_9f2K3").
			Set("feature_flags", map[string]any{"audit_log": true, "beta_reports": false})},
		{"merge a change (the other keys stay)", client.MetadataPatch{}.Set("subscription_tier", "enterprise")},
		{"delete a key (sent as null)", client.MetadataPatch{}.Delete("billing_id")},
	}
	for _, p := range patches {
		fmt.Printf("   -- %s\n", p.what)
		params := client.OrganizationUpdateParams{TrustedMetadata: p.patch} // every other field: left alone
		sent("PUT /v1/b2b/organizations/"+org.Slug, params)
		var err error
		if org, err = c.Organizations.Update(ctx, org.Slug, params); err != nil {
			return nil, fmt.Errorf("updating trusted metadata (%s): %w", p.what, err)
		}
		got("trusted_metadata", org.TrustedMetadata)
	}
	// The typed getters read values without type assertions.
	tier, _ := org.TrustedMetadata.String("subscription_tier")
	flags, _ := org.TrustedMetadata.Map("feature_flags")
	auditLog, _ := flags.Bool("audit_log")
	if _, has := org.TrustedMetadata["billing_id"]; tier != "enterprise" || !auditLog || has {
		return nil, fmt.Errorf("unexpected trusted metadata %v", org.TrustedMetadata)
	}
	return org, nil
}

// ── 5. Add members ─────────────────────────────────────────────────────────────────────────
// Every member holds stytch_member implicitly; stytch_admin makes Ada an administrator. Members
// created through the API start active, with an email address not yet verified (it is
// verified the first time the member signs in).
func addMembers(ctx context.Context, c *client.Client, org *client.Organization) error {
	step(5, "Add members")
	newMembers := []client.MemberCreateParams{
		{EmailAddress: "ada@acme.com", Name: "Ada Lovelace", Roles: []string{"stytch_admin"}},
		{EmailAddress: "grace@acme.com", Name: "Grace Hopper"},
		{EmailAddress: "alan@acme.io", Name: "Alan Turing"},
	}
	for _, params := range newMembers {
		sent("POST /v1/b2b/organizations/"+org.Slug+"/members", params)
		m, err := c.Members.Create(ctx, org.Slug, params)
		if err != nil {
			return fmt.Errorf("adding %s: %w", params.EmailAddress, err)
		}
		got("member", describeMember(m))
	}
	return nil
}

// ── 6. Search members ──────────────────────────────────────────────────────────────────────
// Member searches name the organizations to search (one here) and take filters of their own.
// Search returns one page, with the total number of matches.
func searchMembers(ctx context.Context, c *client.Client, org *client.Organization) error {
	step(6, "Search members by email, then by role")
	for _, q := range []*client.MemberQuery{
		client.All(client.MemberEmails("grace@acme.com")),
		client.All(client.MemberRoles("stytch_admin")),
	} {
		params := client.MemberSearchParams{OrganizationIDs: []string{org.ID}, Query: q}
		sent("POST /v1/b2b/organizations/members/search", map[string]any{"organization_ids": params.OrganizationIDs, "query": q})
		page, err := c.Members.Search(ctx, params)
		if err != nil {
			return fmt.Errorf("searching members: %w", err)
		}
		got("total", page.Total)
		for _, m := range page.Members {
			got("member", describeMember(m))
		}
		if page.Total != 1 {
			return fmt.Errorf("want 1 match, got %d", page.Total)
		}
	}
	return nil
}

// ── 7. The RBAC policy ─────────────────────────────────────────────────────────────────────
// The project's policy says what each role may do on each resource. Stytch's built-in roles
// start with stytch_; roles you define in the dashboard appear here too.
func readPolicy(ctx context.Context, c *client.Client) error {
	step(7, "Read the RBAC policy")
	sent("GET /v1/b2b/rbac/policy", nil)
	policy, err := c.RBAC.Policy(ctx)
	if err != nil {
		return fmt.Errorf("reading the RBAC policy: %w", err)
	}
	for _, r := range policy.Roles {
		got("role", r.RoleID+": "+r.Description)
		for _, p := range r.Permissions {
			got("", fmt.Sprintf("  may %s on %s", strings.Join(p.Actions, ", "), p.ResourceID))
		}
	}
	for _, r := range policy.Resources {
		// A resource lists every action a permission can grant on it ("*" grants them all).
		sample := strings.Join(r.Actions[:min(3, len(r.Actions))], ", ")
		got("resource", fmt.Sprintf("%s: %d actions (%s, …)", r.ResourceID, len(r.Actions), sample))
	}
	if !slices.ContainsFunc(policy.Roles, func(r client.Role) bool { return r.RoleID == "stytch_admin" }) {
		return fmt.Errorf("the policy has no stytch_admin role")
	}
	return nil
}

// ── 8. Clean up ────────────────────────────────────────────────────────────────────────────
// Deleting an organization deletes its members too. Afterwards it is not found: every 404
// matches client.ErrNotFound with errors.Is.
func deleteOrganization(ctx context.Context, c *client.Client, org *client.Organization) error {
	step(8, "Delete the organization and check that it is gone")
	sent("DELETE /v1/b2b/organizations/"+org.Slug, nil)
	if err := c.Organizations.Delete(ctx, org.Slug); err != nil {
		return fmt.Errorf("deleting the organization: %w", err)
	}
	got("deleted", org.Slug+", with its members")
	sent("GET /v1/b2b/organizations/"+org.Slug, nil)
	_, err := c.Organizations.Get(ctx, org.Slug)
	if !errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("after the delete, want ErrNotFound, got %v", err)
	}
	var se *client.Error
	errors.As(err, &se) // every answer but a success is a *client.Error
	got("error", fmt.Sprintf("%d %s (errors.Is(err, client.ErrNotFound) is true)", se.StatusCode, se.ErrorType))
	return nil
}

// step prints the heading of a step.
func step(n int, title string) { fmt.Printf("\n%d. %s\n", n, title) }

// sent prints a request, as curl -v does: "> " and the method and path, then the JSON body when
// there is one. The client's params types encode exactly as the body the client sends, so
// json.Marshal shows what goes on the wire.
func sent(request string, body any) {
	fmt.Printf("   > %s\n", request)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			b = []byte(err.Error())
		}
		fmt.Printf("   > %s\n", b)
	}
}

// got prints one field of the response, after "< "; lists and maps are printed as JSON.
func got(field string, value any) {
	switch value.(type) {
	case []string, []client.AuthMethod, client.Metadata:
		b, _ := json.Marshal(value)
		value = string(b)
	}
	fmt.Printf("   < %-23s %v\n", field, value)
}

func describeMember(m *client.Member) string {
	roles := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		roles[i] = r.RoleID
	}
	return fmt.Sprintf("%s %s, %s, verified %t, admin %t, roles %v", m.Name, m.EmailAddress, m.Status, m.EmailAddressVerified, m.IsAdmin, roles)
}
