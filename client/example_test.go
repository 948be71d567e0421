package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func Example() {
	// A mock server with fixed ids and clock, so that the output is the same on every run;
	// against Stytch, leave out WithBaseURL.
	srv, err := mockserver.New(mockserver.WithDeterministicIDs("example"),
		mockserver.WithFixedClock(time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{
		Name:                "Acme Corporation",
		Slug:                "acme-corp",
		EmailAllowedDomains: []string{"acme.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.ID)
	fmt.Println(org.Slug, org.EmailAllowedDomains, org.EmailInvites, org.CreatedAt.Format(time.RFC3339))

	// A slug or an external id works wherever an organization id does.
	same, err := c.Organizations.Get(ctx, "acme-corp")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(same.ID == org.ID)
	// Output:
	// organization-test-50d858e0-985e-4c7f-8000-000000000002
	// acme-corp [acme.com] ALL_ALLOWED 2026-11-02T09:15:00Z
	// true
}

func ExampleOrganizationsService_Update() {
	srv, err := mockserver.New() // against Stytch, leave out the mock and WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme", Slug: "acme",
		EmailAllowedDomains: []string{"acme.com"}, MFAPolicy: client.MFARequiredForAll}); err != nil {
		log.Fatal(err)
	}
	// Fields left zero are not touched; Set sends a value even when it is empty.
	org, err := c.Organizations.Update(ctx, "acme", client.OrganizationUpdateParams{
		Name:                client.Set("Acme Corporation"),
		EmailAllowedDomains: client.Set([]string{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name, org.EmailAllowedDomains, org.MFAPolicy)
	// Output:
	// Acme Corporation [] REQUIRED_FOR_ALL
}

func ExampleMetadataPatch() {
	srv, err := mockserver.New() // against Stytch, leave out the mock and WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme", TrustedMetadata: client.Metadata{
		"tier": "growth", "billing_id": "cus_1", "flags": map[string]any{"audit": true},
	}})
	if err != nil {
		log.Fatal(err)
	}
	// Keys set replace the stored key whole; deleted keys are removed; others stay.
	patch := client.MetadataPatch{}.Set("tier", "enterprise").Delete("billing_id")
	updated, err := c.Organizations.Update(ctx, org.ID, client.OrganizationUpdateParams{TrustedMetadata: patch})
	if err != nil {
		log.Fatal(err)
	}
	tier, _ := updated.TrustedMetadata.String("tier")
	_, hasBilling := updated.TrustedMetadata["billing_id"]
	fmt.Println(tier, hasBilling, len(updated.TrustedMetadata))
	// Apply predicts what Stytch stores.
	fmt.Println(fmt.Sprint(org.TrustedMetadata.Apply(patch)) == fmt.Sprint(updated.TrustedMetadata))
	// Output:
	// enterprise false 2
	// true
}

func ExampleOrganizationsService_SearchAll() {
	srv, err := mockserver.New() // against Stytch, leave out the mock and WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"Acme Rockets", "Globex", "Acme Anvils", "Initech"} {
		if _, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: name}); err != nil {
			log.Fatal(err)
		}
	}
	params := client.OrganizationSearchParams{Query: client.All(client.OrganizationNameFuzzy("acme")), Limit: 1}
	for org, err := range c.Organizations.SearchAll(ctx, params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(org.Name)
	}
	// Output:
	// Acme Rockets
	// Acme Anvils
}

func ExampleError() {
	srv, err := mockserver.New() // against Stytch, leave out the mock and WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	params := client.OrganizationCreateParams{Name: "Acme", Slug: "acme"}
	if _, err := c.Organizations.Create(ctx, params); err != nil {
		log.Fatal(err)
	}
	_, err = c.Organizations.Create(ctx, params)
	fmt.Println(errors.Is(err, client.ErrConflict), errors.Is(err, client.ErrInvalidRequest))
	var se *client.Error
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.ErrorType)
	}
	_, err = c.Organizations.Get(ctx, "nope")
	fmt.Println(errors.Is(err, client.ErrNotFound))
	// Output:
	// true true
	// 400 organization_slug_already_used
	// true
}

func ExampleMembersService_Create() {
	srv, err := mockserver.New() // against Stytch, leave out the mock and WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := client.New("project-test-example", "secret-example", client.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme", Slug: "acme"}); err != nil {
		log.Fatal(err)
	}
	m, err := c.Members.Create(ctx, "acme", client.MemberCreateParams{
		EmailAddress: "Ada@Acme.com",
		Name:         "Ada Lovelace",
		Roles:        []string{"stytch_admin"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.EmailAddress, m.Status, m.IsAdmin, m.HasRole("stytch_member"), m.Organization.Slug)
	// Output:
	// ada@acme.com active true true acme
}
