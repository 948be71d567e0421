package stytchorgs

import (
	"encoding/json"
	"time"
)

// The enums (see the package documentation) come first, then the objects of the API's
// responses, organizations first.

// AccessSetting says who may use a way of joining or signing in to an organization. Each field
// that takes one documents which of the three values it accepts.
type AccessSetting string

const (
	AccessAllAllowed AccessSetting = "ALL_ALLOWED"
	AccessRestricted AccessSetting = "RESTRICTED"
	AccessNotAllowed AccessSetting = "NOT_ALLOWED"
)

// MFAPolicy says which members must complete MFA at sign-in.
type MFAPolicy string

const (
	MFARequiredForAll MFAPolicy = "REQUIRED_FOR_ALL"
	MFAOptional       MFAPolicy = "OPTIONAL"
)

// AuthMethod is a way members can sign in.
type AuthMethod string

const (
	AuthSSO            AuthMethod = "sso"
	AuthMagicLink      AuthMethod = "magic_link"
	AuthEmailOTP       AuthMethod = "email_otp"
	AuthPassword       AuthMethod = "password"
	AuthGoogleOAuth    AuthMethod = "google_oauth"
	AuthMicrosoftOAuth AuthMethod = "microsoft_oauth"
	AuthSlackOAuth     AuthMethod = "slack_oauth"
	AuthGitHubOAuth    AuthMethod = "github_oauth"
	AuthHubSpotOAuth   AuthMethod = "hubspot_oauth"
)

// MFAMethod is a second factor.
type MFAMethod string

const (
	MFASMSOTP MFAMethod = "sms_otp"
	MFATOTP   MFAMethod = "totp"
)

// MemberStatus is where a member stands.
type MemberStatus string

const (
	MemberPending MemberStatus = "pending"
	MemberInvited MemberStatus = "invited"
	MemberActive  MemberStatus = "active"
	MemberDeleted MemberStatus = "deleted"
)

// ConnectedAppClientType is the kind of a Connected App's OAuth client.
type ConnectedAppClientType string

const (
	ConnectedAppFirstParty       ConnectedAppClientType = "first_party"
	ConnectedAppFirstPartyPublic ConnectedAppClientType = "first_party_public"
	ConnectedAppThirdParty       ConnectedAppClientType = "third_party"
	ConnectedAppThirdPartyPublic ConnectedAppClientType = "third_party_public"
)

// Organization is a tenant of your application: one of your customers, with the settings its
// members sign in under.
type Organization struct {
	ID         string `json:"organization_id"`
	Name       string `json:"organization_name"`
	Slug       string `json:"organization_slug"`
	LogoURL    string `json:"organization_logo_url"`
	ExternalID string `json:"organization_external_id,omitempty"` // "" when not set

	TrustedMetadata Metadata `json:"trusted_metadata"`

	// Who may join through SSO: AccessAllAllowed, AccessRestricted (to
	// SSOJITProvisioningAllowedConnections) or AccessNotAllowed.
	SSOJITProvisioning                   AccessSetting            `json:"sso_jit_provisioning"`
	SSOJITProvisioningAllowedConnections []string                 `json:"sso_jit_provisioning_allowed_connections"`
	SSOActiveConnections                 []SSOActiveConnection    `json:"sso_active_connections"`
	SSODefaultConnectionID               string                   `json:"sso_default_connection_id,omitempty"` // "" when none
	SCIMActiveConnection                 *SCIMActiveConnection    `json:"scim_active_connection,omitempty"`
	EmailAllowedDomains                  []string                 `json:"email_allowed_domains"`
	EmailJITProvisioning                 AccessSetting            `json:"email_jit_provisioning"` // AccessRestricted or AccessNotAllowed
	EmailInvites                         AccessSetting            `json:"email_invites"`
	AuthMethods                          AccessSetting            `json:"auth_methods"` // AccessAllAllowed or AccessRestricted
	AllowedAuthMethods                   []AuthMethod             `json:"allowed_auth_methods"`
	MFAPolicy                            MFAPolicy                `json:"mfa_policy"`
	RBACEmailImplicitRoleAssignments     []ImplicitRoleAssignment `json:"rbac_email_implicit_role_assignments"`
	MFAMethods                           AccessSetting            `json:"mfa_methods"` // AccessAllAllowed or AccessRestricted
	AllowedMFAMethods                    []MFAMethod              `json:"allowed_mfa_methods"`
	OAuthTenantJITProvisioning           AccessSetting            `json:"oauth_tenant_jit_provisioning"` // AccessRestricted or AccessNotAllowed
	AllowedOAuthTenants                  OAuthTenants             `json:"allowed_oauth_tenants"`
	ClaimedEmailDomains                  []string                 `json:"claimed_email_domains"`
	FirstPartyConnectedAppsAllowedType   AccessSetting            `json:"first_party_connected_apps_allowed_type"`
	AllowedFirstPartyConnectedApps       []string                 `json:"allowed_first_party_connected_apps"`
	ThirdPartyConnectedAppsAllowedType   AccessSetting            `json:"third_party_connected_apps_allowed_type"`
	AllowedThirdPartyConnectedApps       []string                 `json:"allowed_third_party_connected_apps"`
	CustomRoles                          []Role                   `json:"custom_roles"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SSOActiveConnection is an SSO connection members can sign in through.
type SSOActiveConnection struct {
	ConnectionID     string `json:"connection_id"`
	DisplayName      string `json:"display_name"`
	IdentityProvider string `json:"identity_provider"`
}

// SCIMActiveConnection is an organization's SCIM connection.
type SCIMActiveConnection struct {
	ConnectionID         string    `json:"connection_id"`
	DisplayName          string    `json:"display_name"`
	BearerTokenLastFour  string    `json:"bearer_token_last_four"`
	BearerTokenExpiresAt time.Time `json:"bearer_token_expires_at,omitzero"`
}

// ImplicitRoleAssignment grants a role to every member with a verified email in a domain.
type ImplicitRoleAssignment struct {
	Domain string `json:"domain"`
	RoleID string `json:"role_id"`
}

// OAuthTenants lists OAuth provider tenants whose members may join, by provider. Stytch types
// allowed_oauth_tenants as a free-form object; this is a typed view of the three providers it
// documents, with any other key kept in Other, so that a provider Stytch adds later neither
// breaks decoding nor is lost when the value is sent back.
type OAuthTenants struct {
	Slack   []string // Slack workspace ids
	HubSpot []string // HubSpot account ids
	GitHub  []string // GitHub organization ids
	// Other holds the keys this type does not know, and any known key whose value is not a
	// list of strings, as Stytch sent them.
	Other map[string]json.RawMessage
}

// oauthTenantKeys are the providers OAuthTenants has fields for.
var oauthTenantKeys = [...]string{"slack", "hubspot", "github"}

func (t *OAuthTenants) field(key string) *[]string {
	switch key {
	case "slack":
		return &t.Slack
	case "hubspot":
		return &t.HubSpot
	case "github":
		return &t.GitHub
	}
	return nil
}

// MarshalJSON encodes the tenants as one object: the known providers that have tenants, and
// every key of Other.
func (t OAuthTenants) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(t.Other)+len(oauthTenantKeys))
	for k, v := range t.Other {
		out[k] = v
	}
	for _, k := range oauthTenantKeys {
		if ids := *t.field(k); len(ids) > 0 {
			out[k] = ids
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads any JSON object (or null); it fails only on a value that is not one.
func (t *OAuthTenants) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = OAuthTenants{}
	for k, v := range raw {
		if f := t.field(k); f != nil && json.Unmarshal(v, f) == nil {
			continue
		}
		if t.Other == nil {
			t.Other = map[string]json.RawMessage{}
		}
		t.Other[k] = v
	}
	return nil
}

// OrganizationMetrics are usage figures of an organization.
type OrganizationMetrics struct {
	MemberCount int64 `json:"member_count"` // members that are not deleted; Stytch sends an int32
}

// Member is one person's account in one organization.
type Member struct {
	ID                     string              `json:"member_id"`
	OrganizationID         string              `json:"organization_id"`
	EmailAddress           string              `json:"email_address"`
	EmailAddressVerified   bool                `json:"email_address_verified"`
	Status                 MemberStatus        `json:"status"`
	Name                   string              `json:"name"`
	ExternalID             string              `json:"external_id,omitempty"`
	IsBreakglass           bool                `json:"is_breakglass"`
	IsAdmin                bool                `json:"is_admin"`
	IsLocked               bool                `json:"is_locked"`
	MemberPasswordID       string              `json:"member_password_id"`
	MFAEnrolled            bool                `json:"mfa_enrolled"`
	MFAPhoneNumber         string              `json:"mfa_phone_number"`
	MFAPhoneNumberVerified bool                `json:"mfa_phone_number_verified"`
	DefaultMFAMethod       MFAMethod           `json:"default_mfa_method"` // "" when not chosen
	TOTPRegistrationID     string              `json:"totp_registration_id"`
	Roles                  []MemberRole        `json:"roles"`
	SSORegistrations       []SSORegistration   `json:"sso_registrations"`
	OAuthRegistrations     []OAuthRegistration `json:"oauth_registrations"`
	SCIMRegistration       *SCIMRegistration   `json:"scim_registration,omitempty"`
	RetiredEmailAddresses  []RetiredEmail      `json:"retired_email_addresses"`
	TrustedMetadata        Metadata            `json:"trusted_metadata"`
	UntrustedMetadata      Metadata            `json:"untrusted_metadata"`
	CreatedAt              time.Time           `json:"created_at"`
	UpdatedAt              time.Time           `json:"updated_at"`
	LockCreatedAt          time.Time           `json:"lock_created_at,omitzero"`
	LockExpiresAt          time.Time           `json:"lock_expires_at,omitzero"`

	// Organization is the member's organization, as the response that returned the member
	// carried it (every member operation does, searches through their organizations map).
	Organization *Organization `json:"-"`
}

// HasRole reports whether the member holds a role, however it was granted.
func (m *Member) HasRole(roleID string) bool {
	for _, r := range m.Roles {
		if r.RoleID == roleID {
			return true
		}
	}
	return false
}

// MemberRole is a role a member holds, with every reason it holds it.
type MemberRole struct {
	RoleID  string             `json:"role_id"`
	Sources []MemberRoleSource `json:"sources"`
}

// MemberRoleSource is one reason a member holds a role: Type is direct_assignment,
// email_assignment, sso_connection, sso_connection_group or scim_connection_group (Stytch may
// add others). Details hold the email_domain of an email assignment, the connection_id of an
// SSO connection, and the group or group_id of a group.
type MemberRoleSource struct {
	Type    string         `json:"type"`
	Details map[string]any `json:"details,omitempty"`
}

// SSORegistration is a member's identity at an SSO connection.
type SSORegistration struct {
	ConnectionID   string         `json:"connection_id"`
	ExternalID     string         `json:"external_id"`
	RegistrationID string         `json:"registration_id"`
	SSOAttributes  map[string]any `json:"sso_attributes,omitempty"`
}

// OAuthRegistration is a member's identity at an OAuth provider.
type OAuthRegistration struct {
	ProviderType              string `json:"provider_type"`
	ProviderSubject           string `json:"provider_subject"`
	MemberOAuthRegistrationID string `json:"member_oauth_registration_id"`
	ProfilePictureURL         string `json:"profile_picture_url,omitempty"`
	Locale                    string `json:"locale,omitempty"`
}

// SCIMRegistration is how a SCIM connection provisioned a member.
type SCIMRegistration struct {
	ConnectionID   string          `json:"connection_id"`
	RegistrationID string          `json:"registration_id"`
	ExternalID     string          `json:"external_id,omitempty"`
	SCIMAttributes *SCIMAttributes `json:"scim_attributes,omitempty"`
}

// SCIMAttributes is the SCIM user an identity provider last sent, with SCIM's attribute names
// in snake_case, as Stytch returns them (userName is UserName, json "user_name").
type SCIMAttributes struct {
	UserName          string                   `json:"user_name"`
	ID                string                   `json:"id"`
	ExternalID        string                   `json:"external_id"`
	Active            bool                     `json:"active"`
	Groups            []SCIMGroup              `json:"groups"`
	DisplayName       string                   `json:"display_name"`
	NickName          string                   `json:"nick_name"`
	ProfileURL        string                   `json:"profile_url"`
	UserType          string                   `json:"user_type"`
	Title             string                   `json:"title"`
	PreferredLanguage string                   `json:"preferred_language"`
	Locale            string                   `json:"locale"`
	Timezone          string                   `json:"timezone"`
	Emails            []SCIMValue              `json:"emails"`
	PhoneNumbers      []SCIMValue              `json:"phone_numbers"`
	Addresses         []SCIMAddress            `json:"addresses"`
	IMs               []SCIMValue              `json:"ims"`
	Photos            []SCIMValue              `json:"photos"`
	Entitlements      []SCIMValue              `json:"entitlements"`
	Roles             []SCIMValue              `json:"roles"`
	X509Certificates  []SCIMValue              `json:"x509certificates"`
	Name              *SCIMName                `json:"name,omitempty"`
	Enterprise        *SCIMEnterpriseExtension `json:"enterprise_extension,omitempty"`
}

// SCIMValue is one value of a multi-valued SCIM attribute: an email address, a phone number, a
// photo URL and the like.
type SCIMValue struct {
	Value   string `json:"value"`
	Type    string `json:"type"` // such as work or home
	Primary bool   `json:"primary"`
}

// SCIMGroup is a group a SCIM user belongs to.
type SCIMGroup struct {
	Value   string `json:"value"` // the group's id
	Display string `json:"display"`
}

// SCIMAddress is a postal address of a SCIM user.
type SCIMAddress struct {
	Formatted     string `json:"formatted"`
	StreetAddress string `json:"street_address"`
	Locality      string `json:"locality"`
	Region        string `json:"region"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	Type          string `json:"type"`
	Primary       bool   `json:"primary"`
}

// SCIMName is the parts of a SCIM user's name.
type SCIMName struct {
	Formatted       string `json:"formatted"`
	FamilyName      string `json:"family_name"`
	GivenName       string `json:"given_name"`
	MiddleName      string `json:"middle_name"`
	HonorificPrefix string `json:"honorific_prefix"`
	HonorificSuffix string `json:"honorific_suffix"`
}

// SCIMEnterpriseExtension is SCIM's enterprise user extension.
type SCIMEnterpriseExtension struct {
	EmployeeNumber string       `json:"employee_number"`
	CostCenter     string       `json:"cost_center"`
	Division       string       `json:"division"`
	Department     string       `json:"department"`
	Organization   string       `json:"organization"`
	Manager        *SCIMManager `json:"manager,omitempty"`
}

// SCIMManager is a SCIM user's manager.
type SCIMManager struct {
	Value       string `json:"value"` // the manager's SCIM id
	Ref         string `json:"ref"`
	DisplayName string `json:"display_name"`
}

// RetiredEmail is an address a member used before; no other member of its organization may use
// it until it is unlinked.
type RetiredEmail struct {
	EmailID      string `json:"email_id"`
	EmailAddress string `json:"email_address"`
}

// OrganizationConnectedApp is a Connected App members of an organization have authorized.
type OrganizationConnectedApp struct {
	ConnectedAppID string                 `json:"connected_app_id"`
	Name           string                 `json:"name"`
	Description    string                 `json:"description"`
	ClientType     ConnectedAppClientType `json:"client_type"`
	LogoURL        string                 `json:"logo_url,omitempty"`
}

// ConnectedAppDetails is a Connected App of an organization with the members who authorized it.
type ConnectedAppDetails struct {
	OrganizationConnectedApp
	ActiveMembers []ConnectedAppMember `json:"active_members"`
}

// ConnectedAppMember is a member holding an authorization of a Connected App.
type ConnectedAppMember struct {
	MemberID      string   `json:"member_id"`
	GrantedScopes []string `json:"granted_scopes"`
}

// MemberConnectedApp is a Connected App a member has authorized.
type MemberConnectedApp struct {
	ConnectedAppID string                 `json:"connected_app_id"`
	Name           string                 `json:"name"`
	Description    string                 `json:"description"`
	ClientType     ConnectedAppClientType `json:"client_type"`
	ScopesGranted  string                 `json:"scopes_granted"` // space-separated
	LogoURL        string                 `json:"logo_url,omitempty"`
}

// OIDCTokens are the tokens from one OIDC SSO connection.
type OIDCTokens struct {
	ProviderSubject      string   `json:"provider_subject"`
	IDToken              string   `json:"id_token"`
	AccessToken          string   `json:"access_token"`
	AccessTokenExpiresIn int32    `json:"access_token_expires_in"`
	Scopes               []string `json:"scopes"`
	ConnectionID         string   `json:"connection_id"`
	RefreshToken         string   `json:"refresh_token,omitempty"`
}

// OAuthTokens are a member's tokens from Google or Microsoft.
type OAuthTokens struct {
	ProviderType         string   `json:"provider_type"`
	ProviderSubject      string   `json:"provider_subject"`
	IDToken              string   `json:"id_token"`
	AccessToken          string   `json:"access_token,omitempty"`
	AccessTokenExpiresIn int32    `json:"access_token_expires_in,omitempty"`
	Scopes               []string `json:"scopes"`
	RefreshToken         string   `json:"refresh_token,omitempty"`
}

// SlackTokens are the tokens from one Slack workspace.
type SlackTokens struct {
	ProviderSubject  string   `json:"provider_subject"`
	ProviderTenantID string   `json:"provider_tenant_id"`
	AccessToken      string   `json:"access_token"`
	Scopes           []string `json:"scopes"`
	BotAccessToken   string   `json:"bot_access_token"`
	BotScopes        []string `json:"bot_scopes"`
}

// HubSpotTokens are the tokens from one HubSpot account.
type HubSpotTokens struct {
	ProviderSubject      string   `json:"provider_subject"`
	ProviderTenantID     string   `json:"provider_tenant_id"`
	AccessToken          string   `json:"access_token"`
	AccessTokenExpiresIn int32    `json:"access_token_expires_in"`
	Scopes               []string `json:"scopes"`
	RefreshToken         string   `json:"refresh_token,omitempty"`
}

// GitHubTokens are the tokens from one GitHub sign-in.
type GitHubTokens struct {
	ProviderSubject   string   `json:"provider_subject"`
	ProviderTenantIDs []string `json:"provider_tenant_ids"`
	AccessToken       string   `json:"access_token"`
	Scopes            []string `json:"scopes"`
}

// Policy is the project's RBAC policy.
type Policy struct {
	Roles     []Role     `json:"roles"`
	Resources []Resource `json:"resources"`
	Scopes    []Scope    `json:"scopes"`
}

// Role is a named set of permissions members can hold.
type Role struct {
	RoleID      string       `json:"role_id"`
	Description string       `json:"description"`
	Permissions []Permission `json:"permissions"`
}

// Permission grants actions on one resource; the action "*" grants every action.
type Permission struct {
	ResourceID string   `json:"resource_id"`
	Actions    []string `json:"actions"`
}

// Resource is something roles grant actions on.
type Resource struct {
	ResourceID  string   `json:"resource_id"`
	Description string   `json:"description"`
	Actions     []string `json:"actions"`
}

// Scope is an OAuth scope and the permissions it carries for Connected Apps.
type Scope struct {
	Scope       string       `json:"scope"`
	Description string       `json:"description"`
	Permissions []Permission `json:"permissions"`
}

// OrganizationPolicy holds one organization's custom roles.
type OrganizationPolicy struct {
	Roles []Role `json:"roles"`
}

// JWK is a public key that verifies session JWTs.
type JWK struct {
	KeyType   string   `json:"kty"`
	KeyID     string   `json:"kid"`
	Algorithm string   `json:"alg"`
	Use       string   `json:"use"`
	KeyOps    []string `json:"key_ops"`
	N         string   `json:"n"`
	E         string   `json:"e"`
	X5C       []string `json:"x5c"`
	// X5TS256 is the certificate's SHA-256 thumbprint: JSON Web Key's x5t#S256, which Stytch
	// names x5tS256.
	X5TS256 string `json:"x5tS256"`
}
