package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// Fixture is state to seed a project with: organizations with their members, Connected Apps
// and, optionally, the project's RBAC policy. Organizations and members take every field their
// create request takes, plus the state only sign-in flows would produce (verified emails,
// passwords, TOTP, provider tokens, sessions), which the mock cannot produce itself.
//
// In JSON:
//
//	{
//	  "project_id": "project-test-…",
//	  "connected_apps": [{"connected_app_id": "…", "name": "…", "client_type": "third_party"}],
//	  "organizations": [{
//	    "organization_id": "organization-test-…",   (optional: a fixed id)
//	    "organization_name": "Acme", "organization_slug": "acme", …create fields…,
//	    "members": [{
//	      "member_id": "member-test-…",              (optional)
//	      "email_address": "ada@acme.com", "roles": ["stytch_admin"], …create fields…,
//	      "email_address_verified": true,
//	      "sessions": [{"session_token": "…", "session_jwt": "…"}],
//	      "connected_apps": [{"connected_app_id": "…", "scopes": ["openid"]}]
//	    }]
//	  }],
//	  "members": [{"organization_id": "organization-test-…", "email_address": "…", …}]
//	}
//
// Members are listed with their organization, or apart, in "members", each naming its
// organization with organization_id (its id, slug or external id; an organization of the
// fixture or one the project has). Organizations are created in order, each with the members
// listed in it, then the members listed apart, in order: a search lists organizations, and
// members, in the order they were created, so members listed apart keep an order across
// organizations. That is how State, a saved state (WithStateFile) and a recording
// (WithRecordFile) list them.
//
// A fixture that fails to apply leaves nothing behind.
type Fixture struct {
	ProjectID     string                `json:"project_id"`
	Policy        *stytchorgs.Policy    `json:"rbac_policy,omitempty"`
	ConnectedApps []FixtureConnectedApp `json:"connected_apps,omitempty"`
	Organizations []FixtureOrganization `json:"organizations,omitempty"`
	Members       []FixtureMember       `json:"members,omitempty"`
}

// FixtureConnectedApp is a Connected App of the project.
type FixtureConnectedApp struct {
	ConnectedAppID string                            `json:"connected_app_id"`
	Name           string                            `json:"name"`
	Description    string                            `json:"description,omitempty"`
	ClientType     stytchorgs.ConnectedAppClientType `json:"client_type,omitempty"`
	LogoURL        string                            `json:"logo_url,omitempty"`
}

// FixtureOrganization is an organization to seed: what Organizations.Create takes, plus state
// only Stytch's dashboard or sign-in flows create.
//
// It holds every field of an organization as the API returns it, so that an organization
// Stytch answered is a FixtureOrganization as it is (a recording, a saved state).
type FixtureOrganization struct {
	stytchorgs.OrganizationCreateParams
	OrganizationID         string                           `json:"organization_id,omitempty"`
	CreatedAt              time.Time                        `json:"created_at,omitzero"`
	UpdatedAt              time.Time                        `json:"updated_at,omitzero"` // zero: created_at
	SSOActiveConnections   []stytchorgs.SSOActiveConnection `json:"sso_active_connections,omitempty"`
	SCIMActiveConnection   *stytchorgs.SCIMActiveConnection `json:"scim_active_connection,omitempty"`
	SSODefaultConnectionID string                           `json:"sso_default_connection_id,omitempty"`
	// SSOJITProvisioningAllowedConnections is what Organizations.Update sets; creates cannot.
	SSOJITProvisioningAllowedConnections []string          `json:"sso_jit_provisioning_allowed_connections,omitempty"`
	CustomRoles                          []stytchorgs.Role `json:"custom_roles,omitempty"`
	Members                              []FixtureMember   `json:"members,omitempty"`
}

// FixtureMember is a member to seed: what Members.Create takes, plus state only sign-in flows
// create.
//
// It holds every field of a member as the API returns it but two: roles, which it takes as the
// ids of the roles assigned directly ("roles") and the roles SSO or SCIM granted
// ("provisioned_roles"), the roles the organization's implicit role assignments grant being
// derived again; and is_admin, which follows from the roles.
type FixtureMember struct {
	stytchorgs.MemberCreateParams
	// OrganizationID names the organization of a member listed apart (Fixture.Members); a
	// member listed in its organization needs none.
	OrganizationID         string                         `json:"organization_id,omitempty"`
	MemberID               string                         `json:"member_id,omitempty"`
	CreatedAt              time.Time                      `json:"created_at,omitzero"`
	UpdatedAt              time.Time                      `json:"updated_at,omitzero"` // zero: created_at
	Status                 stytchorgs.MemberStatus        `json:"status,omitempty"`
	EmailAddressVerified   bool                           `json:"email_address_verified,omitempty"`
	MFAPhoneNumberVerified bool                           `json:"mfa_phone_number_verified,omitempty"`
	MemberPasswordID       string                         `json:"member_password_id,omitempty"`
	TOTPRegistrationID     string                         `json:"totp_registration_id,omitempty"`
	DefaultMFAMethod       stytchorgs.MFAMethod           `json:"default_mfa_method,omitempty"`
	IsLocked               bool                           `json:"is_locked,omitempty"`
	LockCreatedAt          time.Time                      `json:"lock_created_at,omitzero"` // zero: the time of seeding
	LockExpiresAt          time.Time                      `json:"lock_expires_at,omitzero"` // zero: an hour after lock_created_at
	SSORegistrations       []stytchorgs.SSORegistration   `json:"sso_registrations,omitempty"`
	OAuthRegistrations     []stytchorgs.OAuthRegistration `json:"oauth_registrations,omitempty"`
	SCIMRegistration       *stytchorgs.SCIMRegistration   `json:"scim_registration,omitempty"`
	// Roles granted by SSO or SCIM, with their sources; direct roles go in "roles".
	ProvisionedRoles []stytchorgs.MemberRole `json:"provisioned_roles,omitempty"`
	RetiredEmails    []FixtureRetiredEmail   `json:"retired_email_addresses,omitempty"`
	// PendingEmailAddress is the new address of an email update started and not completed
	// (Members.StartEmailUpdate; see Mock.PendingEmailUpdate).
	PendingEmailAddress string           `json:"pending_email_address,omitempty"`
	ProviderTokens      FixtureTokens    `json:"provider_tokens,omitzero"`
	ConnectedApps       []FixtureGrant   `json:"connected_apps,omitempty"`
	Sessions            []FixtureSession `json:"sessions,omitempty"`
}

// FixtureRetiredEmail is an email address a member used before. In JSON it is the address
// alone ("ada.old@acme.com"), which gets a new email_id, or as the API returns it, with its id:
// {"email_id": "…", "email_address": "…"}.
type FixtureRetiredEmail struct {
	EmailID      string `json:"email_id,omitempty"`
	EmailAddress string `json:"email_address"`
}

// UnmarshalJSON takes an address alone or an object; an object's unknown fields are errors.
func (r *FixtureRetiredEmail) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*r = FixtureRetiredEmail{}
		return json.Unmarshal(b, &r.EmailAddress)
	}
	type plain FixtureRetiredEmail // without this method
	var p plain
	if err := decodeStrict(b, &p); err != nil {
		return fmt.Errorf("retired_email_addresses: want an address or {\"email_id\", \"email_address\"}: %w", err)
	}
	*r = FixtureRetiredEmail(p)
	return nil
}

// FixtureSession is a member session the mock accepts.
type FixtureSession struct {
	SessionToken string `json:"session_token,omitempty"`
	SessionJWT   string `json:"session_jwt,omitempty"`
}

// FixtureTokens are the OAuth and OIDC tokens Stytch stored for a member, by provider.
type FixtureTokens struct {
	Google    *stytchorgs.OAuthTokens    `json:"google,omitempty"`
	Microsoft *stytchorgs.OAuthTokens    `json:"microsoft,omitempty"`
	Slack     []stytchorgs.SlackTokens   `json:"slack,omitempty"`
	HubSpot   []stytchorgs.HubSpotTokens `json:"hubspot,omitempty"`
	GitHub    []stytchorgs.GitHubTokens  `json:"github,omitempty"`
	OIDC      []stytchorgs.OIDCTokens    `json:"oidc,omitempty"`
}

// FixtureGrant is a member's authorization of a Connected App.
type FixtureGrant struct {
	ConnectedAppID string   `json:"connected_app_id"`
	Scopes         []string `json:"scopes"`
}

// LoadFixture reads a JSON fixture file. Unknown fields are errors, to catch typos.
func LoadFixture(path string) (Fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Fixture{}, fmt.Errorf("mockserver: read fixture: %w", err)
	}
	return ParseFixture(b)
}

// ParseFixture decodes a JSON fixture. Unknown fields and anything after the fixture's object
// are errors, to catch typos.
func ParseFixture(b []byte) (Fixture, error) {
	var f Fixture
	if err := decodeStrict(b, &f); err != nil {
		return Fixture{}, fmt.Errorf("mockserver: fixture: %w", jsonErrorAt(b, err))
	}
	return f, nil
}

// Seed adds a fixture's state. Organizations and members are checked against openapi.yaml's
// create requests and Stytch's rules like requests are; if anything fails, nothing of the
// fixture is kept. Requests served meanwhile see the project as it was before the fixture or
// with all of it, never with part of it.
func (m *Mock) Seed(f Fixture) error {
	if f.ProjectID == "" {
		return fmt.Errorf("mockserver: fixture: project_id is required")
	}
	plan, err := m.planSeed(f)
	if err != nil {
		return err
	}
	return m.store.Project(f.ProjectID).Seed(plan.apply)
}

// seedPlan is a fixture checked against the spec and turned into the store's types: everything
// that needs no state, done before the store takes the project's lock to apply it.
type seedPlan struct {
	policy  *api.Policy
	apps    []store.ConnectedApp
	orgs    []seedOrg
	members []seedMember // listed apart from their organizations
}

type seedOrg struct {
	where   string // how errors name it: organizations[i] (name)
	req     api.OrganizationCreateRequest
	seed    store.OrgSeed
	members []seedMember
}

type seedMember struct {
	where    string
	org      string // its organization, for a member listed apart
	req      api.MemberCreateRequest
	seed     store.MemberSeed
	sessions []store.Session // without the member id, which the member gets when it is created
}

func (m *Mock) planSeed(f Fixture) (*seedPlan, error) {
	plan := &seedPlan{}
	if f.Policy != nil {
		policy, err := wire[api.Policy](f.Policy)
		if err != nil {
			return nil, fmt.Errorf("mockserver: fixture: rbac_policy: %w", err)
		}
		plan.policy = &policy
	}
	for _, app := range f.ConnectedApps {
		plan.apps = append(plan.apps, store.ConnectedApp{ID: app.ConnectedAppID, Name: app.Name, Description: app.Description,
			ClientType: api.ConnectedAppClientType(app.ClientType), LogoURL: app.LogoURL})
	}
	for i, o := range f.Organizations {
		org, err := m.planOrganization(o)
		org.where = fmt.Sprintf("organizations[%d] (%s)", i, o.Name)
		if err != nil {
			return nil, fmt.Errorf("mockserver: fixture: %s: %w", org.where, err)
		}
		for j, mem := range o.Members {
			member, err := m.planMember(mem)
			member.where = fmt.Sprintf("%s.members[%d] (%s)", org.where, j, mem.EmailAddress)
			if err == nil && mem.OrganizationID != "" && mem.OrganizationID != o.OrganizationID {
				err = fmt.Errorf("organization_id %q is not its organization's; it is for members listed apart, in the fixture's \"members\"", mem.OrganizationID)
			}
			if err != nil {
				return nil, fmt.Errorf("mockserver: fixture: %s: %w", member.where, err)
			}
			org.members = append(org.members, member)
		}
		plan.orgs = append(plan.orgs, org)
	}
	for i, mem := range f.Members {
		member, err := m.planMember(mem)
		member.where, member.org = fmt.Sprintf("members[%d] (%s)", i, mem.EmailAddress), mem.OrganizationID
		if err == nil && mem.OrganizationID == "" {
			err = errors.New("organization_id is required of a member listed apart from its organization")
		}
		if err != nil {
			return nil, fmt.Errorf("mockserver: fixture: %s: %w", member.where, err)
		}
		plan.members = append(plan.members, member)
	}
	return plan, nil
}

// apply makes the plan's changes, in the fixture's order: each organization with its members,
// then the members listed apart. Project.Seed undoes them if one fails.
func (plan *seedPlan) apply(s *store.Seeder) error {
	if plan.policy != nil {
		s.SetPolicy(*plan.policy)
	}
	for _, app := range plan.apps {
		if err := s.AddConnectedApp(app); err != nil {
			return fmt.Errorf("mockserver: fixture: connected app %q: %w", app.ID, err)
		}
	}
	for i := range plan.orgs {
		o := &plan.orgs[i]
		org, err := s.CreateOrganization(o.req, &o.seed)
		if err != nil {
			return fmt.Errorf("mockserver: fixture: %s: %w", o.where, err)
		}
		for j := range o.members {
			if err := o.members[j].apply(s, org.OrganizationID); err != nil {
				return err
			}
		}
	}
	for i := range plan.members {
		if err := plan.members[i].apply(s, plan.members[i].org); err != nil {
			return err
		}
	}
	return nil
}

// apply creates the member in an organization (its id, slug or external id), with its sessions.
func (mem *seedMember) apply(s *store.Seeder, org string) error {
	r, err := s.CreateMember(org, mem.req, &mem.seed)
	if err != nil {
		return fmt.Errorf("mockserver: fixture: %s: %w", mem.where, err)
	}
	for _, sess := range mem.sessions {
		sess.MemberID = r.Member.MemberID
		if err := s.AddSession(sess); err != nil {
			return fmt.Errorf("mockserver: fixture: %s: session: %w", mem.where, err)
		}
	}
	return nil
}

// planOrganization checks one fixture organization's create params against the spec like a
// request's, and turns it into the wire types the store takes.
func (m *Mock) planOrganization(o FixtureOrganization) (seedOrg, error) {
	if err := m.spec.CheckSchema("OrganizationCreateRequest", o.OrganizationCreateParams); err != nil {
		return seedOrg{}, err
	}
	req, err := wire[api.OrganizationCreateRequest](o.OrganizationCreateParams)
	if err != nil {
		return seedOrg{}, err
	}
	seed := store.OrgSeed{ID: o.OrganizationID, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
		DefaultConnection: o.SSODefaultConnectionID, JITConnections: o.SSOJITProvisioningAllowedConnections}
	if seed.SSOConnections, err = wire[[]api.SSOActiveConnection](o.SSOActiveConnections); err != nil {
		return seedOrg{}, err
	}
	if seed.SCIMConnection, err = wire[*api.SCIMActiveConnection](o.SCIMActiveConnection); err != nil {
		return seedOrg{}, err
	}
	if seed.CustomRoles, err = wire[[]api.PolicyRole](o.CustomRoles); err != nil {
		return seedOrg{}, err
	}
	return seedOrg{req: req, seed: seed}, nil
}

// planMember checks one fixture member like planOrganization, with its state and sessions.
func (m *Mock) planMember(mem FixtureMember) (seedMember, error) {
	if err := m.spec.CheckSchema("MemberCreateRequest", mem.MemberCreateParams); err != nil {
		return seedMember{}, err
	}
	req, err := wire[api.MemberCreateRequest](mem.MemberCreateParams)
	if err != nil {
		return seedMember{}, err
	}
	seed := store.MemberSeed{
		ID: mem.MemberID, CreatedAt: mem.CreatedAt, UpdatedAt: mem.UpdatedAt, Status: api.MemberStatus(mem.Status),
		EmailAddressVerified: mem.EmailAddressVerified, MFAPhoneNumberVerified: mem.MFAPhoneNumberVerified,
		MemberPasswordID: mem.MemberPasswordID, TOTPRegistrationID: mem.TOTPRegistrationID,
		DefaultMFAMethod: string(mem.DefaultMFAMethod),
		IsLocked:         mem.IsLocked, LockCreatedAt: mem.LockCreatedAt, LockExpiresAt: mem.LockExpiresAt,
		PendingEmail: mem.PendingEmailAddress,
	}
	for _, r := range mem.RetiredEmails {
		seed.RetiredEmails = append(seed.RetiredEmails, api.RetiredEmail{EmailID: r.EmailID, EmailAddress: r.EmailAddress})
	}
	for _, convert := range []func() error{
		func() (err error) {
			seed.SSORegistrations, err = wire[[]api.SSORegistration](mem.SSORegistrations)
			return
		},
		func() (err error) {
			seed.OAuthRegistrations, err = wire[[]api.OAuthRegistration](mem.OAuthRegistrations)
			return
		},
		func() (err error) {
			seed.SCIMRegistration, err = wire[*api.SCIMRegistration](mem.SCIMRegistration)
			return
		},
		func() (err error) { seed.ExtraRoles, err = wire[[]api.MemberRole](mem.ProvisionedRoles); return },
		func() (err error) { seed.Tokens, err = wire[store.ProviderTokens](mem.ProviderTokens); return },
		func() (err error) { seed.Grants, err = wire[[]store.Grant](mem.ConnectedApps); return },
	} {
		if err := convert(); err != nil {
			return seedMember{}, err
		}
	}
	out := seedMember{req: req, seed: seed}
	for _, s := range mem.Sessions {
		out.sessions = append(out.sessions, store.Session{Token: s.SessionToken, JWT: s.SessionJWT})
	}
	return out, nil
}

// wire converts a public (stytchorgs) value into the wire type the store takes, through JSON: both
// follow openapi.yaml's field names. Numbers that land in `any` (metadata values) stay exact,
// as json.Number: a float64 would round integers above 2^53.
func wire[T any](v any) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err = dec.Decode(&out)
	return out, err
}
