// Package onboarding is a small piece of application code built on the client, and its tests
// show two ways to test code like it (see onboard_test.go):
//
//   - against the mock server (package mockserver), which keeps state, enforces Stytch's rules
//     and can be seeded with fixtures and made to fail on purpose;
//   - as a pure unit test, with canned responses served by github.com/jarcoal/httpmock, each
//     checked against openapi.yaml so that it cannot drift from what Stytch sends.
//
// Copy it into your own project as a starting point: it uses only the public packages client,
// mockserver and stytchorgs.
package onboarding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/b2bkit/stytchorgs/client"
)

// Onboard sets up a new customer: an organization for company, whose members may join with an
// address at domain, and its first administrator, adminEmail. Stytch derives the slug from
// the company's name.
//
// If the administrator cannot be added, Onboard deletes the organization again, so that a
// failed onboarding leaves nothing behind and can simply be tried again.
func Onboard(ctx context.Context, c *client.Client, company, domain, adminEmail string) (*client.Organization, error) {
	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{
		Name:                 company,
		EmailAllowedDomains:  []string{domain},
		EmailJITProvisioning: client.AccessRestricted, // colleagues at the domain may join by themselves
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding %s: creating the organization: %w", company, err)
	}
	_, err = c.Members.Create(ctx, org.ID, client.MemberCreateParams{
		EmailAddress: adminEmail,
		Roles:        []string{"stytch_admin"},
	})
	if err != nil {
		// Undo the organization. The clean-up runs even when ctx is what failed, so it gets a
		// context of its own; if it fails too, the caller sees both errors.
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if derr := c.Organizations.Delete(cleanupCtx, org.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("deleting organization %s again: %w", org.ID, derr))
		}
		return nil, fmt.Errorf("onboarding %s: adding the administrator %s: %w", company, adminEmail, err)
	}
	return org, nil
}
