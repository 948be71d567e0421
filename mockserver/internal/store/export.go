package store

// Export: a project's whole state, read at once, for saving it and seeding it back.

import (
	"cmp"
	"reflect"
	"slices"
	"sort"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// ProjectState is everything a project holds that a fixture can seed back: its policy, its
// Connected Apps, and its organizations with their members. It shares slices and maps with the
// store, like every value the store returns: read it, do not change it.
type ProjectState struct {
	// Policy is nil while the project has Stytch's default policy.
	Policy *api.Policy
	Apps   []ConnectedApp // by id
	Orgs   []OrgState     // in creation order: the order searches list them in
}

// Empty reports whether the state is a new project's.
func (s *ProjectState) Empty() bool { return s.Policy == nil && len(s.Apps) == 0 && len(s.Orgs) == 0 }

// OrgState is an organization with its members.
type OrgState struct {
	Org     api.Organization
	Members []MemberState // in creation order, deleted members included
}

// MemberState is a member as the API shows it, with what the store keeps beside it.
type MemberState struct {
	Member api.Member // roles with their sources, and is_admin, as the API shows them
	// DirectRoles are the roles assigned directly (stytch_member, which every member holds, not
	// among them), and ExtraRoles those SSO or SCIM granted: Member.Roles is made of them and
	// of the organization's implicit role assignments.
	DirectRoles  []string
	ExtraRoles   []api.MemberRole
	Tokens       ProviderTokens
	Grants       []Grant
	Sessions     []Session // ordered by token, then JWT
	PendingEmail string    // a started email update's new address
}

// State returns the project's whole state, read under one lock: a write is in it entirely or
// not at all.
func (p *Project) State() ProjectState {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out ProjectState
	if !reflect.DeepEqual(p.policy, defaultPolicy()) {
		out.Policy = &api.Policy{Roles: p.policy.roles, Resources: p.policy.resources, Scopes: p.policy.scopes}
	}
	for _, app := range p.apps {
		out.Apps = append(out.Apps, app)
	}
	slices.SortFunc(out.Apps, func(a, b ConnectedApp) int { return cmp.Compare(a.ID, b.ID) })

	sessions := map[string][]Session{}
	seen := map[*Session]bool{} // a session with a token and a JWT is kept under both
	for _, s := range p.sessions {
		if !seen[s] {
			seen[s] = true
			sessions[s.MemberID] = append(sessions[s.MemberID], *s)
		}
	}
	for _, list := range sessions {
		sort.Slice(list, func(i, j int) bool {
			return cmp.Or(cmp.Compare(list[i].Token, list[j].Token), cmp.Compare(list[i].JWT, list[j].JWT)) < 0
		})
	}

	out.Orgs = make([]OrgState, 0, len(p.orgs))
	for _, o := range p.orgs {
		org := OrgState{Org: o.org, Members: make([]MemberState, 0, len(o.members))}
		for _, m := range o.members {
			org.Members = append(org.Members, MemberState{
				Member:       p.view(m),
				DirectRoles:  m.directRoles,
				ExtraRoles:   m.extraRoles,
				Tokens:       m.tokens,
				Grants:       m.grants,
				Sessions:     sessions[m.m.MemberID],
				PendingEmail: m.newEmail,
			})
		}
		out.Orgs = append(out.Orgs, org)
	}
	return out
}

// ProjectIDs returns the ids of the projects the store holds, sorted.
func (s *Store) ProjectIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.projects))
	for id := range s.projects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
