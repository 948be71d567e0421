package store

import (
	"errors"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// A failed seed leaves nothing behind, also what it added to an organization that existed
// before: its members (not even as deleted members), their sessions, the Connected Apps and the
// policy it replaced.
func TestSeedFailureUndoesEverything(t *testing.T) {
	p := New(Options{}).Project("project-test-seed-undo")
	org, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Acme"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ada, err := p.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "ada@acme.com"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := p.Policy()
	var graceID string
	failure := errors.New("the fixture's last step fails")
	err = p.Seed(func(s *Seeder) error {
		s.SetPolicy(api.Policy{Roles: []api.PolicyRole{{RoleID: "seeded-role", Permissions: []api.PolicyPermission{}}}})
		if err := s.AddConnectedApp(ConnectedApp{ID: "connected-app-test-seeded", Name: "Seeded"}); err != nil {
			return err
		}
		r, err := s.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "grace@acme.com"}, &MemberSeed{
			EmailAddressVerified: true, Grants: []Grant{{ConnectedAppID: "connected-app-test-seeded", Scopes: []string{"openid"}}}})
		if err != nil {
			return err
		}
		graceID = r.Member.MemberID
		if err := s.AddSession(Session{MemberID: graceID, Token: "session-token-grace"}); err != nil {
			return err
		}
		if _, err := s.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Beta", OrganizationSlug: ptr("beta")}, nil); err != nil {
			return err
		}
		return failure
	})
	if !errors.Is(err, failure) {
		t.Fatalf("Seed returned %v, want fn's error", err)
	}

	if _, err := p.DangerouslyGetMember(graceID, true); err == nil {
		t.Error("the seeded member is still there")
	}
	page, err := p.SearchMembers(api.MemberSearchRequest{OrganizationIds: []string{org.OrganizationID},
		Query: &api.MemberSearchQuery{Operator: api.AND, Operands: &[]api.MemberSearchOperand{scaleMemberOp(t, "statuses", []string{"active", "deleted"})}}}, nil)
	if err != nil || page.Total != 1 || page.Members[0].MemberID != ada.Member.MemberID {
		t.Errorf("members of Acme after the failed seed: %+v, %v; want Ada alone", page.Members, err)
	}
	if _, err := p.Authenticate("session-token-grace", ""); err == nil {
		t.Error("the seeded session still authenticates")
	}
	if _, err := p.GetOrganization("beta"); err == nil {
		t.Error("the seeded organization is still there")
	}
	if apps, err := p.OrganizationConnectedApps(org.OrganizationID, nil); err != nil || len(apps) != 0 {
		t.Errorf("connected apps of Acme: %+v, %v; want none", apps, err)
	}
	if got := p.Policy(); len(got.Roles) != len(before.Roles) {
		t.Errorf("policy roles after the failed seed: %+v, want %+v", got.Roles, before.Roles)
	}
	// What the seed used is free again.
	if _, err := p.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "grace@acme.com"}, nil, nil); err != nil {
		t.Errorf("grace@acme.com after the failed seed: %v", err)
	}
	if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Beta", OrganizationSlug: ptr("beta")}, nil); err != nil {
		t.Errorf("the slug beta after the failed seed: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
