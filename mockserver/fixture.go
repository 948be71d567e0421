package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

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
//	  }]
//	}
//
// A fixture that fails to apply leaves nothing behind.
type Fixture struct {
	ProjectID     string                `json:"project_id"`
	Policy        *api.Policy           `json:"rbac_policy,omitempty"`
	ConnectedApps []FixtureConnectedApp `json:"connected_apps,omitempty"`
	Organizations []FixtureOrganization `json:"organizations,omitempty"`
}

// FixtureConnectedApp is a Connected App of the project.
type FixtureConnectedApp struct {
	ConnectedAppID string `json:"connected_app_id"`
	Name           string `json:"name"`
	Description    string `json:"description,omitempty"`
	ClientType     string `json:"client_type,omitempty"`
	LogoURL        string `json:"logo_url,omitempty"`
}

// FixtureOrganization is an organization to seed: a create request plus fixture-only state.
type FixtureOrganization struct {
	api.OrganizationCreateRequest
	OrganizationID         string                    `json:"organization_id,omitempty"`
	CreatedAt              time.Time                 `json:"created_at,omitzero"`
	SSOActiveConnections   []api.SSOActiveConnection `json:"sso_active_connections,omitempty"`
	SCIMActiveConnection   *api.SCIMActiveConnection `json:"scim_active_connection,omitempty"`
	SSODefaultConnectionID string                    `json:"sso_default_connection_id,omitempty"`
	CustomRoles            []api.PolicyRole          `json:"custom_roles,omitempty"`
	Members                []FixtureMember           `json:"members,omitempty"`
}

// FixtureMember is a member to seed: a create request plus fixture-only state.
type FixtureMember struct {
	api.MemberCreateRequest
	MemberID               string                     `json:"member_id,omitempty"`
	CreatedAt              time.Time                  `json:"created_at,omitzero"`
	Status                 api.MemberStatus           `json:"status,omitempty"`
	EmailAddressVerified   bool                       `json:"email_address_verified,omitempty"`
	MFAPhoneNumberVerified bool                       `json:"mfa_phone_number_verified,omitempty"`
	MemberPasswordID       string                     `json:"member_password_id,omitempty"`
	TOTPRegistrationID     string                     `json:"totp_registration_id,omitempty"`
	DefaultMFAMethod       api.MemberDefaultMFAMethod `json:"default_mfa_method,omitempty"`
	IsLocked               bool                       `json:"is_locked,omitempty"`
	SSORegistrations       []api.SSORegistration      `json:"sso_registrations,omitempty"`
	OAuthRegistrations     []api.OAuthRegistration    `json:"oauth_registrations,omitempty"`
	SCIMRegistration       *api.SCIMRegistration      `json:"scim_registration,omitempty"`
	// Roles granted by SSO or SCIM, with their sources; direct roles go in "roles".
	ProvisionedRoles []api.MemberRole `json:"provisioned_roles,omitempty"`
	RetiredEmails    []string         `json:"retired_email_addresses,omitempty"`
	ProviderTokens   ProviderTokens   `json:"provider_tokens,omitzero"`
	ConnectedApps    []Grant          `json:"connected_apps,omitempty"`
	Sessions         []FixtureSession `json:"sessions,omitempty"`
}

// FixtureSession is a member session the mock accepts.
type FixtureSession struct {
	SessionToken string `json:"session_token,omitempty"`
	SessionJWT   string `json:"session_jwt,omitempty"`
}

// ProviderTokens are the OAuth and OIDC tokens stored for a member, by provider.
type ProviderTokens = store.ProviderTokens

// Grant is a member's authorization of a Connected App.
type Grant = store.Grant

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
		return Fixture{}, fmt.Errorf("mockserver: fixture: %w", err)
	}
	return f, nil
}

// decodeStrict decodes exactly one JSON value into v: unknown fields and trailing data other
// than whitespace are errors.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// Seed adds a fixture's state. Organizations and members are checked against openapi.yaml's
// create requests and Stytch's rules like requests are; if anything fails, nothing of the
// fixture is kept.
func (m *Mock) Seed(f Fixture) (err error) {
	if f.ProjectID == "" {
		return fmt.Errorf("mockserver: fixture: project_id is required")
	}
	p := m.store.Project(f.ProjectID)
	var created []string
	previousPolicy := p.Policy()
	previousApps := map[string]*store.ConnectedApp{}
	for _, app := range f.ConnectedApps {
		if old, ok := p.ConnectedApp(app.ConnectedAppID); ok {
			previousApps[app.ConnectedAppID] = &old
		} else {
			previousApps[app.ConnectedAppID] = nil
		}
	}
	defer func() {
		if err == nil {
			return
		}
		for _, id := range created {
			_, _ = p.DeleteOrganization(id, nil)
		}
		if f.Policy != nil {
			p.SetPolicy(previousPolicy)
		}
		for id, old := range previousApps {
			if old == nil {
				p.RemoveConnectedApp(id)
			} else {
				_ = p.AddConnectedApp(*old)
			}
		}
	}()
	if f.Policy != nil {
		p.SetPolicy(*f.Policy)
	}
	for _, app := range f.ConnectedApps {
		if err := p.AddConnectedApp(store.ConnectedApp{ID: app.ConnectedAppID, Name: app.Name, Description: app.Description,
			ClientType: api.ConnectedAppClientType(app.ClientType), LogoURL: app.LogoURL}); err != nil {
			return fmt.Errorf("mockserver: fixture: connected app %q: %w", app.ConnectedAppID, err)
		}
	}
	for i, o := range f.Organizations {
		if err := m.checkAgainstSchema("OrganizationCreateRequest", o.OrganizationCreateRequest); err != nil {
			return fmt.Errorf("mockserver: fixture: organizations[%d]: %w", i, err)
		}
		org, err := p.CreateOrganization(o.OrganizationCreateRequest, &store.OrgSeed{
			ID: o.OrganizationID, CreatedAt: o.CreatedAt, SSOConnections: o.SSOActiveConnections,
			SCIMConnection: o.SCIMActiveConnection, CustomRoles: o.CustomRoles, DefaultConnection: o.SSODefaultConnectionID,
		})
		if err != nil {
			return fmt.Errorf("mockserver: fixture: organizations[%d] (%s): %w", i, o.OrganizationName, err)
		}
		created = append(created, org.OrganizationID)
		for j, mem := range o.Members {
			if err := m.checkAgainstSchema("MemberCreateRequest", mem.MemberCreateRequest); err != nil {
				return fmt.Errorf("mockserver: fixture: organizations[%d].members[%d]: %w", i, j, err)
			}
			r, err := p.CreateMember(org.OrganizationID, mem.MemberCreateRequest, nil, &store.MemberSeed{
				ID: mem.MemberID, CreatedAt: mem.CreatedAt, Status: mem.Status,
				EmailAddressVerified: mem.EmailAddressVerified, MFAPhoneNumberVerified: mem.MFAPhoneNumberVerified,
				MemberPasswordID: mem.MemberPasswordID, TOTPRegistrationID: mem.TOTPRegistrationID,
				DefaultMFAMethod: mem.DefaultMFAMethod, IsLocked: mem.IsLocked,
				SSORegistrations: mem.SSORegistrations, OAuthRegistrations: mem.OAuthRegistrations,
				SCIMRegistration: mem.SCIMRegistration, ExtraRoles: mem.ProvisionedRoles,
				RetiredEmails: mem.RetiredEmails, Tokens: mem.ProviderTokens, Grants: mem.ConnectedApps,
			})
			if err != nil {
				return fmt.Errorf("mockserver: fixture: organizations[%d].members[%d] (%s): %w", i, j, mem.EmailAddress, err)
			}
			for _, s := range mem.Sessions {
				if err := p.AddSession(store.Session{MemberID: r.Member.MemberID, Token: s.SessionToken, JWT: s.SessionJWT}); err != nil {
					return fmt.Errorf("mockserver: fixture: organizations[%d].members[%d]: session: %w", i, j, err)
				}
			}
		}
	}
	return nil
}

// checkAgainstSchema validates a value against a component schema of openapi.yaml, as a request
// would be.
func (m *Mock) checkAgainstSchema(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var value any
	if err := json.Unmarshal(b, &value); err != nil {
		return err
	}
	return m.spec.doc.Components.Schemas[name].Value.VisitJSON(value, openapi3.VisitAsRequest(), openapi3.DisableSchemaErrorDetails())
}
