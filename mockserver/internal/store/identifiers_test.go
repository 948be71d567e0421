package store

import (
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Slugs and external ids are kept even when they look like an organization id or equal another
// organization's identifier: Stytch's character sets allow them and it documents each as unique
// only among its own kind. An identifier is then resolved as an id, then a slug, then an
// external id (the spec's choices), so the value names the first organization in that order.
func TestIdentifierCollisionsResolveInOrder(t *testing.T) {
	p := New(Options{}).Project("project-test-collisions")
	create := func(name string, slug, ext *string) api.Organization {
		t.Helper()
		o, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: name, OrganizationSlug: slug, OrganizationExternalID: ext}, nil)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	resolves := func(ident, wantID, why string) {
		t.Helper()
		o, err := p.GetOrganization(ident)
		if err != nil || o.OrganizationID != wantID {
			t.Errorf("%q (%s) resolved to %s, %v; want %s", ident, why, o.OrganizationID, err, wantID)
		}
	}
	a := create("A", nil, nil)
	// B's slug is A's id, and B's external id is shaped like an id no organization has.
	idShaped := "organization-test-00000000-0000-4000-8000-000000000000"
	b := create("B", &a.OrganizationID, &idShaped)
	// C's slug and D's external id are both "shared".
	c := create("C", ptr("shared"), nil)
	d := create("D", nil, ptr("shared"))

	resolves(a.OrganizationID, a.OrganizationID, "A's id before B's slug")
	resolves(idShaped, b.OrganizationID, "an id-shaped external id no organization has as id")
	resolves("shared", c.OrganizationID, "C's slug before D's external id")
	resolves(b.OrganizationID, b.OrganizationID, "B by its id")
	resolves(d.OrganizationID, d.OrganizationID, "D by its id")

	// A delete by the colliding value deletes the organization it resolves to; then the value
	// names the next one in order.
	if id, err := p.DeleteOrganization(a.OrganizationID, nil); err != nil || id != a.OrganizationID {
		t.Fatalf("delete by A's id deleted %s, %v", id, err)
	}
	resolves(a.OrganizationID, b.OrganizationID, "B's slug, once no organization has it as id")
	if id, err := p.DeleteOrganization("shared", nil); err != nil || id != c.OrganizationID {
		t.Fatalf("delete by \"shared\" deleted %s, %v; want C", id, err)
	}
	resolves("shared", d.OrganizationID, "D's external id, once no organization has it as slug")
}
