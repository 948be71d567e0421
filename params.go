package stytchorgs

// The params below are the bodies of the API's requests: a create's fields, an update's
// changes. Their JSON names are the spec's, so they encode exactly as the request body, and
// the mock server seeds fixtures from the same types.

// OrganizationCreateParams are the fields of a new organization. Only Name is required; every
// field left empty takes Stytch's default.
type OrganizationCreateParams struct {
	Name       string `json:"organization_name"`
	Slug       string `json:"organization_slug,omitempty"` // derived from Name when empty
	LogoURL    string `json:"organization_logo_url,omitempty"`
	ExternalID string `json:"organization_external_id,omitempty"`

	TrustedMetadata Metadata `json:"trusted_metadata,omitempty"`

	SSOJITProvisioning                 AccessSetting            `json:"sso_jit_provisioning,omitempty"`
	EmailAllowedDomains                []string                 `json:"email_allowed_domains,omitempty"`
	EmailJITProvisioning               AccessSetting            `json:"email_jit_provisioning,omitempty"`
	EmailInvites                       AccessSetting            `json:"email_invites,omitempty"`
	AuthMethods                        AccessSetting            `json:"auth_methods,omitempty"`
	AllowedAuthMethods                 []AuthMethod             `json:"allowed_auth_methods,omitempty"`
	MFAPolicy                          MFAPolicy                `json:"mfa_policy,omitempty"`
	RBACEmailImplicitRoleAssignments   []ImplicitRoleAssignment `json:"rbac_email_implicit_role_assignments,omitempty"`
	MFAMethods                         AccessSetting            `json:"mfa_methods,omitempty"`
	AllowedMFAMethods                  []MFAMethod              `json:"allowed_mfa_methods,omitempty"`
	OAuthTenantJITProvisioning         AccessSetting            `json:"oauth_tenant_jit_provisioning,omitempty"`
	AllowedOAuthTenants                *OAuthTenants            `json:"allowed_oauth_tenants,omitempty"`
	ClaimedEmailDomains                []string                 `json:"claimed_email_domains,omitempty"`
	FirstPartyConnectedAppsAllowedType AccessSetting            `json:"first_party_connected_apps_allowed_type,omitempty"`
	AllowedFirstPartyConnectedApps     []string                 `json:"allowed_first_party_connected_apps,omitempty"`
	ThirdPartyConnectedAppsAllowedType AccessSetting            `json:"third_party_connected_apps_allowed_type,omitempty"`
	AllowedThirdPartyConnectedApps     []string                 `json:"allowed_third_party_connected_apps,omitempty"`
}

// OrganizationUpdateParams are the changes of an update. A field left zero is left alone; Set
// changes it, to any value, "" and [] included. TrustedMetadata is merged into the stored
// metadata, not replaced.
type OrganizationUpdateParams struct {
	Name       Optional[string] `json:"organization_name,omitzero"`
	Slug       Optional[string] `json:"organization_slug,omitzero"`
	LogoURL    Optional[string] `json:"organization_logo_url,omitzero"`
	ExternalID Optional[string] `json:"organization_external_id,omitzero"`

	TrustedMetadata MetadataPatch `json:"trusted_metadata,omitempty"`

	SSODefaultConnectionID               Optional[string]                   `json:"sso_default_connection_id,omitzero"` // Clear removes it
	SSOJITProvisioning                   Optional[AccessSetting]            `json:"sso_jit_provisioning,omitzero"`
	SSOJITProvisioningAllowedConnections Optional[[]string]                 `json:"sso_jit_provisioning_allowed_connections,omitzero"`
	EmailAllowedDomains                  Optional[[]string]                 `json:"email_allowed_domains,omitzero"`
	EmailJITProvisioning                 Optional[AccessSetting]            `json:"email_jit_provisioning,omitzero"`
	EmailInvites                         Optional[AccessSetting]            `json:"email_invites,omitzero"`
	AuthMethods                          Optional[AccessSetting]            `json:"auth_methods,omitzero"`
	AllowedAuthMethods                   Optional[[]AuthMethod]             `json:"allowed_auth_methods,omitzero"`
	MFAPolicy                            Optional[MFAPolicy]                `json:"mfa_policy,omitzero"`
	RBACEmailImplicitRoleAssignments     Optional[[]ImplicitRoleAssignment] `json:"rbac_email_implicit_role_assignments,omitzero"`
	MFAMethods                           Optional[AccessSetting]            `json:"mfa_methods,omitzero"`
	AllowedMFAMethods                    Optional[[]MFAMethod]              `json:"allowed_mfa_methods,omitzero"`
	OAuthTenantJITProvisioning           Optional[AccessSetting]            `json:"oauth_tenant_jit_provisioning,omitzero"`
	AllowedOAuthTenants                  Optional[OAuthTenants]             `json:"allowed_oauth_tenants,omitzero"`
	ClaimedEmailDomains                  Optional[[]string]                 `json:"claimed_email_domains,omitzero"`
	FirstPartyConnectedAppsAllowedType   Optional[AccessSetting]            `json:"first_party_connected_apps_allowed_type,omitzero"`
	AllowedFirstPartyConnectedApps       Optional[[]string]                 `json:"allowed_first_party_connected_apps,omitzero"`
	ThirdPartyConnectedAppsAllowedType   Optional[AccessSetting]            `json:"third_party_connected_apps_allowed_type,omitzero"`
	AllowedThirdPartyConnectedApps       Optional[[]string]                 `json:"allowed_third_party_connected_apps,omitzero"`
}

// MemberCreateParams are the fields of a new member. Only EmailAddress is required.
type MemberCreateParams struct {
	EmailAddress      string   `json:"email_address"`
	Name              string   `json:"name,omitempty"`
	ExternalID        string   `json:"external_id,omitempty"`
	Roles             []string `json:"roles,omitempty"` // stytch_member is implied; do not list it
	TrustedMetadata   Metadata `json:"trusted_metadata,omitempty"`
	UntrustedMetadata Metadata `json:"untrusted_metadata,omitempty"`
	// CreateAsPending creates the member as pending rather than active.
	CreateAsPending bool   `json:"create_member_as_pending,omitempty"`
	IsBreakglass    bool   `json:"is_breakglass,omitempty"`
	MFAPhoneNumber  string `json:"mfa_phone_number,omitempty"` // E.164, such as +12025550123
	MFAEnrolled     bool   `json:"mfa_enrolled,omitempty"`
}

// MemberUpdateParams are the changes of a member update. A field left zero is left alone; Set
// changes it, even to "", false or []. Metadata patches are merged into the stored metadata.
type MemberUpdateParams struct {
	Name              Optional[string]    `json:"name,omitzero"`
	TrustedMetadata   MetadataPatch       `json:"trusted_metadata,omitempty"`
	UntrustedMetadata MetadataPatch       `json:"untrusted_metadata,omitempty"`
	IsBreakglass      Optional[bool]      `json:"is_breakglass,omitzero"`
	MFAPhoneNumber    Optional[string]    `json:"mfa_phone_number,omitzero"` // delete the current one first
	MFAEnrolled       Optional[bool]      `json:"mfa_enrolled,omitzero"`
	Roles             Optional[[]string]  `json:"roles,omitzero"` // replaces every directly assigned role
	DefaultMFAMethod  Optional[MFAMethod] `json:"default_mfa_method,omitzero"`
	EmailAddress      Optional[string]    `json:"email_address,omitzero"` // retires the old address
	ExternalID        Optional[string]    `json:"external_id,omitzero"`
	// UnlinkEmail, with EmailAddress, deletes the old address instead of retiring it.
	UnlinkEmail Optional[bool] `json:"unlink_email,omitzero"`
	// PreserveExistingSessions keeps sessions valid when Roles removes a role SSO also grants.
	PreserveExistingSessions Optional[bool] `json:"preserve_existing_sessions,omitzero"`
}

// RetiredEmailParams name a retired address to unlink: by EmailID, by EmailAddress, or by both.
type RetiredEmailParams struct {
	EmailID      string `json:"email_id,omitempty"`
	EmailAddress string `json:"email_address,omitempty"`
}

// StartEmailUpdateParams describe a self-service email change.
type StartEmailUpdateParams struct {
	EmailAddress     string `json:"email_address"`
	LoginRedirectURL string `json:"login_redirect_url,omitempty"`
	Locale           string `json:"locale,omitempty"` // en, es, pt-br or fr
	LoginTemplateID  string `json:"login_template_id,omitempty"`
	DeliveryMethod   string `json:"delivery_method,omitempty"` // EMAIL_MAGIC_LINK or EMAIL_OTP
}
