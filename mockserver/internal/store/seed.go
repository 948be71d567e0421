package store

import (
	"slices"
	"sort"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Seed applies a fixture: fn makes its changes through the Seeder, with the project's write lock
// held from the first change to the last. Readers see the project as it was before Seed or as
// fn left it, never part of the way. When fn returns an error, Seed undoes every change fn made,
// still under the lock, and returns the error: a failed fixture is never seen, even for a moment.
//
// fn runs with the lock held: it should do its slow work (decoding, schema checks) before Seed,
// and must not call the project's own methods, which would wait for the lock forever.
func (p *Project) Seed(fn func(*Seeder) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &Seeder{p: p}
	err := fn(s)
	if err != nil {
		for i := len(s.undo) - 1; i >= 0; i-- {
			s.undo[i]()
		}
	}
	return err
}

// Seeder makes a fixture's changes inside Project.Seed. Its methods are the project's writes of
// the same names, each remembered so that Seed can undo it.
type Seeder struct {
	p    *Project
	undo []func() // in the order of the changes
}

// SetPolicy replaces the project's RBAC policy, as Project.SetPolicy does.
func (s *Seeder) SetPolicy(pol api.Policy) {
	p, prev := s.p, s.p.policy
	p.setPolicy(pol)
	s.undo = append(s.undo, func() {
		p.policy = prev
		p.write()
	})
}

// AddConnectedApp registers or replaces a Connected App of the project. The mock cannot create
// Connected Apps (Stytch's dashboard does), so fixtures are their only source.
func (s *Seeder) AddConnectedApp(app ConnectedApp) error {
	p := s.p
	prev, existed := p.apps[app.ID]
	if err := p.addConnectedApp(app); err != nil {
		return err
	}
	s.undo = append(s.undo, func() {
		if !existed {
			p.removeConnectedApp(app.ID)
			return
		}
		p.apps[app.ID] = prev
		p.write()
	})
	return nil
}

// CreateOrganization creates an organization, as Project.CreateOrganization does.
func (s *Seeder) CreateOrganization(req api.OrganizationCreateRequest, seed *OrgSeed) (api.Organization, error) {
	p := s.p
	o, err := p.createOrganization(req, seed)
	if err != nil {
		return api.Organization{}, err
	}
	rec := p.orgByID[o.OrganizationID]
	s.undo = append(s.undo, func() { p.removeOrg(rec) })
	return o, nil
}

// CreateMember creates a member, as Project.CreateMember does without a member session.
func (s *Seeder) CreateMember(orgIdent string, req api.MemberCreateRequest, seed *MemberSeed) (MemberResult, error) {
	p := s.p
	r, err := p.createMember(orgIdent, req, nil, seed)
	if err != nil {
		return MemberResult{}, err
	}
	rec := p.memberByID[r.Member.MemberID]
	s.undo = append(s.undo, func() { p.forgetMember(rec) })
	return r, nil
}

// AddSession registers a member session, as Project.AddSession does.
func (s *Seeder) AddSession(sess Session) error {
	p := s.p
	if err := p.addSession(sess); err != nil {
		return err
	}
	s.undo = append(s.undo, func() {
		for _, k := range sess.keys() {
			delete(p.sessions, k)
		}
	})
	return nil
}

// forgetMember removes a member as if it had never been created, with its sessions. Unlike a
// delete it leaves nothing behind, which only undoing a seed may do.
func (p *Project) forgetMember(m *memberRec) {
	p.unindexMember(m)
	delete(p.memberByID, m.m.MemberID)
	org := m.org
	i := sort.Search(len(org.members), func(i int) bool { return org.members[i].seq >= m.seq })
	org.members = slices.Delete(org.members, i, i+1)
	p.dropSessions(map[string]bool{m.m.MemberID: true})
	p.write()
}
