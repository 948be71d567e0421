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
// Connected Apps, its organizations and their members. It shares slices and maps with the
// store, like every value the store returns: read it, do not change it.
type ProjectState struct {
	// Policy is nil while the project has Stytch's default policy.
	Policy *api.Policy
	Apps   []ConnectedApp     // by id
	Orgs   []api.Organization // in creation order: the order searches list them in
	// Members are the members of every organization, deleted ones included, in creation order:
	// the order member searches list them in, across organizations.
	Members []MemberState
}

// Empty reports whether the state is a new project's.
func (s ProjectState) Empty() bool {
	return s.Policy == nil && len(s.Apps) == 0 && len(s.Orgs) == 0 && len(s.Members) == 0
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

	var members []*memberRec
	out.Orgs = make([]api.Organization, 0, len(p.orgs))
	for _, o := range p.orgs {
		out.Orgs = append(out.Orgs, o.org)
		members = append(members, o.members...)
	}
	slices.SortFunc(members, func(a, b *memberRec) int { return cmp.Compare(a.seq, b.seq) })
	out.Members = make([]MemberState, 0, len(members))
	for _, m := range members {
		out.Members = append(out.Members, MemberState{
			Member:       p.view(m),
			DirectRoles:  m.directRoles,
			ExtraRoles:   m.extraRoles,
			Tokens:       m.tokens,
			Grants:       m.grants,
			Sessions:     sessions[m.m.MemberID],
			PendingEmail: m.newEmail,
		})
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
