package store

import (
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// The empty values that every organization and member without metadata or OAuth tenants shares,
// and the metadata a request hands over, stay as they are through updates: an update stores new
// objects, so one organization's or member's change never shows in another's.
func TestSharedAndHandedOverValuesAreNeverChanged(t *testing.T) {
	p := New(Options{}).Project("project-test-shared")
	handed := api.Metadata{"tier": "gold"}
	a, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "A", TrustedMetadata: &handed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "B"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpdateOrganization(a.OrganizationID, api.OrganizationUpdateRequest{
		TrustedMetadata:     &api.MetadataPatch{"tier": nil, "seats": "5"},
		AllowedOauthTenants: &api.AllowedOAuthTenants{"slack": []any{"T1"}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpdateOrganization(b.OrganizationID, api.OrganizationUpdateRequest{TrustedMetadata: &api.MetadataPatch{"k": "v"}}, nil); err != nil {
		t.Fatal(err)
	}
	if len(handed) != 1 || handed["tier"] != "gold" {
		t.Errorf("the create request's metadata became %v", handed)
	}

	ada, err := p.CreateMember(b.OrganizationID, api.MemberCreateRequest{EmailAddress: "ada@b.com"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateMember(b.OrganizationID, api.MemberCreateRequest{EmailAddress: "bob@b.com"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpdateMember(b.OrganizationID, ada.Member.MemberID, api.MemberUpdateRequest{
		TrustedMetadata: &api.MetadataPatch{"k": "v"}, UntrustedMetadata: &api.MetadataPatch{"k": "v"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	bob, err := p.GetMember(b.OrganizationID, "", "bob@b.com")
	if err != nil {
		t.Fatal(err)
	}
	for what, n := range map[string]int{
		"the empty metadata":                len(*noMetadata),
		"the empty OAuth tenants":           len(*noTenants),
		"a direct role's details":           len(*directSource.Details),
		"Bob's trusted metadata":            len(*bob.Member.TrustedMetadata),
		"Bob's untrusted metadata":          len(*bob.Member.UntrustedMetadata),
		"B's allowed OAuth tenants":         len(*bob.Organization.AllowedOauthTenants),
		"Bob's stytch_member source detail": len(*bob.Member.Roles[0].Sources[0].Details),
	} {
		if n != 0 {
			t.Errorf("%s holds %d keys, want none", what, n)
		}
	}
}
