package mockserver

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// WithRecordFile makes a proxy (WithUpstream) keep what passes through, and write it to path
// as fixtures, one per project, that WithFixtureFile (stytchmock -fixture) loads: the
// organizations and members as the upstream last showed them (a delete removes them), and the
// project's RBAC policy if GET /v1/b2b/rbac/policy passed through. FlushRecording writes the
// file (stytchmock does at shutdown, and at POST /__stytchmock/record/flush).
//
// Only the objects of answers that conform to openapi.yaml are kept, decoded into the spec's
// Organization and Member: a recording holds no secrets, session tokens, JWTs or provider
// tokens (the answers that carry tokens are never read), and no credentials, which travel in
// headers it never reads. Fields the spec does not describe are left out.
func WithRecordFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return errors.New("mockserver: WithRecordFile needs a path")
		}
		c.recordFile = path
		return nil
	}
}

// recording is what passed through a proxy, by project.
type recording struct {
	mu       sync.Mutex
	seen     uint64 // a counter: the order objects were first seen in
	projects map[string]*recordedProject
}

type recordedProject struct {
	policy *api.Policy
	orgs   map[string]*recordedOrg // by organization id
}

type recordedOrg struct {
	org     api.Organization
	seen    uint64
	members map[string]*recordedMember // by member id
}

type recordedMember struct {
	m    api.Member
	seen uint64
}

func newRecording() *recording { return &recording{projects: map[string]*recordedProject{}} }

// recordedObjects are the objects the answers of an operation hold, which a recording keeps.
type recordedObjects struct {
	Organization   *api.Organization `json:"organization"`
	Member         *api.Member       `json:"member"`
	Members        []api.Member      `json:"members"`
	Policy         *api.Policy       `json:"policy"`
	OrganizationID string            `json:"organization_id"`
	MemberID       string            `json:"member_id"`
	// organizations is a list in an organization search and a map by id in a member search.
	Organizations json.RawMessage `json:"organizations"`
}

// recordedOperations are the operations whose answers a recording reads: those that answer an
// organization, a member or the policy, and the deletes.
var recordedOperations = map[string]bool{
	"createOrganization": true, "getOrganization": true, "updateOrganization": true, "deleteOrganization": true,
	"deleteOrganizationExternalID": true, "searchOrganizations": true,
	"createMember": true, "getMember": true, "updateMember": true, "deleteMember": true, "searchMembers": true,
	"reactivateMember": true, "dangerouslyGetMember": true, "deleteMemberPassword": true,
	"deleteMemberMFAPhoneNumber": true, "deleteMemberTOTP": true, "unlinkMemberRetiredEmail": true,
	"startMemberEmailUpdate": true, "deleteMemberExternalID": true,
	"getRBACPolicy": true,
}

// observe keeps what a successful answer of an operation shows.
func (r *recording) observe(projectID, operation string, body []byte) {
	if !recordedOperations[operation] {
		return
	}
	var v recordedObjects
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // metadata numbers stay exact
	if dec.Decode(&v) != nil {
		return
	}
	var orgs []api.Organization
	if len(v.Organizations) > 0 {
		if operation == "searchMembers" {
			var byID map[string]api.Organization
			_ = decodeNumbers(v.Organizations, &byID)
			for _, id := range slices.Sorted(maps.Keys(byID)) {
				orgs = append(orgs, byID[id])
			}
		} else {
			_ = decodeNumbers(v.Organizations, &orgs)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.projects[projectID]
	if p == nil {
		p = &recordedProject{orgs: map[string]*recordedOrg{}}
		r.projects[projectID] = p
	}
	switch operation {
	case "deleteOrganization":
		delete(p.orgs, v.OrganizationID)
		return
	case "deleteMember":
		for _, o := range p.orgs {
			delete(o.members, v.MemberID)
		}
		return
	case "getRBACPolicy":
		p.policy = v.Policy
		return
	}
	if v.Organization != nil {
		orgs = append(orgs, *v.Organization)
	}
	for _, o := range orgs {
		r.putOrg(p, o)
	}
	members := v.Members
	if v.Member != nil {
		members = append(members, *v.Member)
	}
	for _, m := range members {
		r.putMember(p, m)
	}
}

func (r *recording) putOrg(p *recordedProject, o api.Organization) {
	if rec := p.orgs[o.OrganizationID]; rec != nil {
		rec.org = o
		return
	}
	r.seen++
	p.orgs[o.OrganizationID] = &recordedOrg{org: o, seen: r.seen, members: map[string]*recordedMember{}}
}

// putMember keeps a member with its organization; every answer that shows a member shows its
// organization too.
func (r *recording) putMember(p *recordedProject, m api.Member) {
	org := p.orgs[m.OrganizationID]
	if org == nil {
		return
	}
	if rec := org.members[m.MemberID]; rec != nil {
		rec.m = m
		return
	}
	r.seen++
	org.members[m.MemberID] = &recordedMember{m: m, seen: r.seen}
}

func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// fixtures returns the recording as fixtures, one per project, ordered by project id.
func (r *recording) fixtures() ([]Fixture, error) {
	r.mu.Lock()
	states := map[string]store.ProjectState{}
	for id, p := range r.projects {
		states[id] = p.state()
	}
	r.mu.Unlock()
	out := []Fixture{}
	for _, id := range slices.Sorted(maps.Keys(states)) {
		if states[id].Empty() {
			continue
		}
		f, err := fixtureOf(id, states[id])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// state is the project as recorded, in the form the mock's own state takes, for the one
// exporter both share. Organizations, and members, are ordered by created_at, then by when the
// recording first saw them: the order of their creation as far as the upstream shows it.
func (p *recordedProject) state() store.ProjectState {
	st := store.ProjectState{Policy: p.policy}
	orgs := slices.Collect(maps.Values(p.orgs))
	slices.SortFunc(orgs, func(a, b *recordedOrg) int {
		return cmp.Or(compareTimes(a.org.CreatedAt, b.org.CreatedAt), cmp.Compare(a.seen, b.seen))
	})
	var members []*recordedMember
	held := map[string]bool{} // the roles members and implicit assignments name
	for _, o := range orgs {
		st.Orgs = append(st.Orgs, o.org)
		for _, a := range o.org.RBACEmailImplicitRoleAssignments {
			held[a.RoleID] = true
		}
		for _, m := range o.members {
			members = append(members, m)
		}
	}
	slices.SortFunc(members, func(a, b *recordedMember) int {
		return cmp.Or(compareTimes(a.m.CreatedAt, b.m.CreatedAt), cmp.Compare(a.seen, b.seen))
	})
	for _, m := range members {
		direct, provisioned := splitRoles(m.m.Roles)
		for _, r := range m.m.Roles {
			held[r.RoleID] = true
		}
		st.Members = append(st.Members, store.MemberState{Member: m.m, DirectRoles: direct, ExtraRoles: provisioned})
	}
	st.Policy = withHeldRoles(st.Policy, held, st.Orgs)
	return st
}

// withHeldRoles adds to a recorded policy the roles members hold that it does not define, nor
// Stytch's defaults, nor their organization's custom roles: a recording that never saw the
// project's policy (GET /v1/b2b/rbac/policy) still seeds, its members keeping their roles.
// Such a role has no permissions, and says why in its description.
func withHeldRoles(policy *api.Policy, held map[string]bool, orgs []api.Organization) *api.Policy {
	defined := map[string]bool{store.RoleMember: true, store.RoleAdmin: true}
	if policy != nil {
		for _, r := range policy.Roles {
			defined[r.RoleID] = true
		}
	}
	for _, o := range orgs {
		for _, r := range o.CustomRoles {
			defined[r.RoleID] = true
		}
	}
	var missing []api.PolicyRole
	for _, id := range slices.Sorted(maps.Keys(held)) {
		if !defined[id] {
			missing = append(missing, api.PolicyRole{RoleID: id, Permissions: []api.PolicyPermission{},
				Description: "Recorded by the stytchmock proxy: members hold this role, but the project's policy (GET /v1/b2b/rbac/policy) did not pass through, so its permissions are unknown."})
		}
	}
	if len(missing) == 0 {
		return policy
	}
	out := api.Policy{Resources: []api.PolicyResource{}, Scopes: []api.PolicyScope{}}
	if policy != nil {
		out = *policy
	}
	out.Roles = append(slices.Clone(out.Roles), missing...)
	return &out
}

// compareTimes orders timestamps, an absent one first.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

// Recording returns what passed through a proxy given WithRecordFile, as the fixtures
// FlushRecording writes; nil when the Mock records nothing.
func (m *Mock) Recording() ([]Fixture, error) {
	if m.proxy == nil || m.proxy.rec == nil {
		return nil, nil
	}
	return m.proxy.rec.fixtures()
}

// FlushRecording writes what passed through a proxy to the file given with WithRecordFile (see
// WriteFixtures), replacing what an earlier flush wrote: a recording grows for as long as the
// proxy runs.
func (m *Mock) FlushRecording() error {
	if m.proxy == nil || m.proxy.rec == nil {
		return errors.New("mockserver: FlushRecording: this Mock records nothing (WithUpstream and WithRecordFile)")
	}
	fs, err := m.proxy.rec.fixtures()
	if err != nil {
		return err
	}
	if err := WriteFixtures(m.proxy.recordFile, fs); err != nil {
		return fmt.Errorf("mockserver: recording: %w", err)
	}
	return nil
}

// serveRecordFlush answers POST /__stytchmock/record/flush.
func serveRecordFlush(c *adminCall) {
	var in struct{}
	if !c.decode(&in, true) {
		return
	}
	if c.m.proxy == nil || c.m.proxy.rec == nil {
		c.fail(http.StatusNotFound, "not_recording",
			"This stytchmock records nothing: recording is for proxy mode, started with -upstream URL -record FILE (WithUpstream and WithRecordFile).")
		return
	}
	fs, err := c.m.proxy.rec.fixtures()
	if err == nil {
		err = WriteFixtures(c.m.proxy.recordFile, fs)
	}
	if err != nil {
		c.fail(http.StatusInternalServerError, "record_flush_failed", "The recording could not be written: %v", err)
		return
	}
	c.json(map[string]any{"status": "ok", "file": c.m.proxy.recordFile, "projects": len(fs)})
}
