package store

// The store's share of the mock's busiest requests: what a get or a create costs inside the
// store, without HTTP, validation or encoding (mockserver's BenchmarkGetOrganization and
// BenchmarkCreateOrganization measure the whole handler).
//
//	go test ./mockserver/internal/store -run '^$' -bench 'Get|Create' -benchmem

import (
	"fmt"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// benchStore is a store made the way the mock makes its own: ids from random UUIDs that cost
// no allocation of their own (UUIDv4), so the numbers here are the mock's share.
func benchStore() *Store { return New(Options{}) }

// benchProject returns a project with one organization, acme-corp, that grants stytch_admin to
// acme.com addresses, and one member of it, ada@acme.com, who is also assigned a custom role.
func benchProject(b *testing.B) (*Project, api.Organization, api.Member) {
	b.Helper()
	p := benchStore().Project("project-test-bench")
	seed := &OrgSeed{CustomRoles: []api.PolicyRole{{RoleID: "auditor", Permissions: []api.PolicyPermission{}}}}
	org, err := p.CreateOrganization(api.OrganizationCreateRequest{
		OrganizationName:    "Acme Corporation",
		OrganizationSlug:    ptr("acme-corp"),
		EmailAllowedDomains: &[]string{"acme.com"},
		TrustedMetadata:     &api.Metadata{"tier": "enterprise"},
		RBACEmailImplicitRoleAssignments: &[]api.EmailImplicitRoleAssignment{
			{Domain: "acme.com", RoleID: RoleAdmin},
		},
	}, seed)
	if err != nil {
		b.Fatal(err)
	}
	r, err := p.CreateMember(org.OrganizationID, api.MemberCreateRequest{
		EmailAddress:    "ada@acme.com",
		Name:            ptr("Ada Lovelace"),
		Roles:           &[]string{"auditor"},
		TrustedMetadata: &api.Metadata{"employee_id": "1815"},
	}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	return p, org, r.Member
}

// BenchmarkStoreGetOrganization is a get by slug.
func BenchmarkStoreGetOrganization(b *testing.B) {
	p, org, _ := benchProject(b)
	b.ReportAllocs()
	for b.Loop() {
		o, err := p.GetOrganization("acme-corp")
		if err != nil || o.OrganizationID != org.OrganizationID {
			b.Fatal(o.OrganizationID, err)
		}
	}
}

// BenchmarkStoreGetMember is a get by member id of a member who holds three roles from two
// sources (stytch_member, a direct role and an email-implied one).
func BenchmarkStoreGetMember(b *testing.B) {
	p, org, m := benchProject(b)
	b.ReportAllocs()
	for b.Loop() {
		r, err := p.GetMember(org.OrganizationID, m.MemberID, "")
		if err != nil || len(r.Member.Roles) != 3 || !r.Member.IsAdmin {
			b.Fatal(r.Member.Roles, err)
		}
	}
}

// BenchmarkStoreCreateOrganization is the create of mockserver's BenchmarkCreateOrganization. The
// requests are made before the timer starts: their strings are not the store's work.
func BenchmarkStoreCreateOrganization(b *testing.B) {
	p := benchStore().Project("project-test-bench")
	reqs := make([]api.OrganizationCreateRequest, b.N)
	for i := range reqs {
		reqs[i] = api.OrganizationCreateRequest{
			OrganizationName:    fmt.Sprintf("Acme %d", i),
			OrganizationSlug:    ptr(fmt.Sprintf("acme-%d", i)),
			EmailAllowedDomains: &[]string{"acme.com"},
			TrustedMetadata:     &api.Metadata{"tier": "enterprise"},
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := p.CreateOrganization(reqs[i], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreCreateMember creates members of one organization, each with a name, a role and
// metadata.
func BenchmarkStoreCreateMember(b *testing.B) {
	p, org, _ := benchProject(b)
	reqs := make([]api.MemberCreateRequest, b.N)
	for i := range reqs {
		reqs[i] = api.MemberCreateRequest{
			EmailAddress:    fmt.Sprintf("user%d@acme.com", i),
			Name:            ptr("A User"),
			Roles:           &[]string{"auditor"},
			TrustedMetadata: &api.Metadata{"employee_id": "1815"},
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := p.CreateMember(org.OrganizationID, reqs[i], nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
