package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// fixtureOf renders a project's state as a Fixture. It is the one exporter of the mock's state
// (State, -state) and of a proxy's recording: both describe what they hold as a
// store.ProjectState, and the fixture seeds it back. Members are listed apart from their
// organizations, in the order they were created, which is the order member searches list them
// in across organizations.
func fixtureOf(projectID string, st store.ProjectState) (Fixture, error) {
	f := Fixture{ProjectID: projectID}
	if st.Policy != nil {
		p, err := wire[stytchorgs.Policy](st.Policy)
		if err != nil {
			return Fixture{}, fmt.Errorf("mockserver: export the rbac policy: %w", err)
		}
		f.Policy = &p
	}
	for _, app := range st.Apps {
		f.ConnectedApps = append(f.ConnectedApps, FixtureConnectedApp{ConnectedAppID: app.ID, Name: app.Name,
			Description: app.Description, ClientType: stytchorgs.ConnectedAppClientType(app.ClientType), LogoURL: app.LogoURL})
	}
	for _, o := range st.Orgs {
		org, err := fixtureOrganization(o)
		if err != nil {
			return Fixture{}, fmt.Errorf("mockserver: export organization %s: %w", o.OrganizationID, err)
		}
		f.Organizations = append(f.Organizations, org)
	}
	for _, ms := range st.Members {
		m, err := fixtureMember(ms)
		if err != nil {
			return Fixture{}, fmt.Errorf("mockserver: export member %s: %w", ms.Member.MemberID, err)
		}
		f.Members = append(f.Members, m)
	}
	return f, nil
}

// fixtureOrganization is an organization as a fixture seeds it back. FixtureOrganization takes
// every field of the API's Organization under its name, so the conversion goes through JSON
// (TestFixtureTypesHoldEveryFieldOfTheAPI checks that none is lost).
func fixtureOrganization(o api.Organization) (FixtureOrganization, error) {
	return wire[FixtureOrganization](o)
}

// fixtureMember is a member as a fixture seeds it back, listed apart from its organization: the
// API's Member, but for its roles, which go as the direct and the provisioned ones (the rest
// follows from the organization), and is_admin, which follows from them.
func fixtureMember(ms store.MemberState) (FixtureMember, error) {
	b, err := json.Marshal(ms.Member)
	if err != nil {
		return FixtureMember{}, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return FixtureMember{}, err
	}
	delete(fields, "roles")
	delete(fields, "is_admin")
	m, err := wire[FixtureMember](fields)
	if err != nil {
		return FixtureMember{}, err
	}
	m.Roles = slices.Clone(ms.DirectRoles)
	if m.ProvisionedRoles, err = wire[[]stytchorgs.MemberRole](ms.ExtraRoles); err != nil {
		return FixtureMember{}, err
	}
	if m.ProviderTokens, err = wire[FixtureTokens](ms.Tokens); err != nil {
		return FixtureMember{}, err
	}
	for _, g := range ms.Grants {
		m.ConnectedApps = append(m.ConnectedApps, FixtureGrant{ConnectedAppID: g.ConnectedAppID, Scopes: slices.Clone(g.Scopes)})
	}
	for _, s := range ms.Sessions {
		m.Sessions = append(m.Sessions, FixtureSession{SessionToken: s.Token, SessionJWT: s.JWT})
	}
	m.PendingEmailAddress = ms.PendingEmail
	return m, nil
}

// splitRoles is the inverse of the store's view of a member's roles, for a member known only
// as the API showed it (a recording): the roles assigned directly, and those SSO or SCIM
// granted with their sources. stytch_member, which every member holds, and the roles of the
// organization's implicit role assignments (email_assignment) are left out: they follow from
// the member's organization and address.
func splitRoles(roles []api.MemberRole) (direct []string, provisioned []api.MemberRole) {
	for _, r := range roles {
		var others []api.MemberRoleSource
		for _, src := range r.Sources {
			switch src.Type {
			case "direct_assignment":
				if r.RoleID != store.RoleMember && !slices.Contains(direct, r.RoleID) {
					direct = append(direct, r.RoleID)
				}
			case "email_assignment":
			default:
				others = append(others, src)
			}
		}
		if len(others) > 0 {
			provisioned = append(provisioned, api.MemberRole{RoleID: r.RoleID, Sources: others})
		}
	}
	return direct, provisioned
}

// State returns a project's whole state as a fixture, which Seed (or -fixture, or POST
// /__stytchmock/fixtures) loads into a fresh mock to answer the same requests with the same
// bodies: its organizations and members with their ids, timestamps and every field, its RBAC
// policy when it is not Stytch's default, its Connected Apps, and what fixtures alone can set
// (verified addresses, provider tokens, Connected App authorizations, member sessions, a
// started email update). It holds no credentials of the project: the secret the mock learned
// for it stays out. A project the mock never saw is an empty fixture.
func (m *Mock) State(projectID string) (Fixture, error) {
	return fixtureOf(projectID, m.store.Project(projectID).State())
}

// States returns the state of every project that has any (see State), ordered by project id:
// what WithStateFile saves.
func (m *Mock) States() ([]Fixture, error) {
	out := []Fixture{}
	for _, id := range m.store.ProjectIDs() {
		st := m.store.Project(id).State()
		if st.Empty() {
			continue
		}
		f, err := fixtureOf(id, st)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// marshalFixtures is the JSON of a fixture file: indented, so that a saved state or a recording
// reads and diffs well.
func marshalFixtures(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
