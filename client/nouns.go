package client

import "github.com/b2bkit/stytchorgs"

// The API's nouns live in the root package stytchorgs, which the mock server shares. The client
// re-exports each of them under the same name, as the same type, so that a program that calls
// the API needs only this package, and code written when the nouns lived here compiles as it
// is: client.Organization and stytchorgs.Organization are one type. The documentation of each
// is in package stytchorgs.

// Enums.
type (
	AccessSetting          = stytchorgs.AccessSetting
	MFAPolicy              = stytchorgs.MFAPolicy
	AuthMethod             = stytchorgs.AuthMethod
	MFAMethod              = stytchorgs.MFAMethod
	MemberStatus           = stytchorgs.MemberStatus
	ConnectedAppClientType = stytchorgs.ConnectedAppClientType
)

// Values of the enums.
const (
	AccessAllAllowed = stytchorgs.AccessAllAllowed
	AccessRestricted = stytchorgs.AccessRestricted
	AccessNotAllowed = stytchorgs.AccessNotAllowed

	MFARequiredForAll = stytchorgs.MFARequiredForAll
	MFAOptional       = stytchorgs.MFAOptional

	AuthSSO            = stytchorgs.AuthSSO
	AuthMagicLink      = stytchorgs.AuthMagicLink
	AuthEmailOTP       = stytchorgs.AuthEmailOTP
	AuthPassword       = stytchorgs.AuthPassword
	AuthGoogleOAuth    = stytchorgs.AuthGoogleOAuth
	AuthMicrosoftOAuth = stytchorgs.AuthMicrosoftOAuth
	AuthSlackOAuth     = stytchorgs.AuthSlackOAuth
	AuthGitHubOAuth    = stytchorgs.AuthGitHubOAuth
	AuthHubSpotOAuth   = stytchorgs.AuthHubSpotOAuth

	MFASMSOTP = stytchorgs.MFASMSOTP
	MFATOTP   = stytchorgs.MFATOTP

	MemberPending = stytchorgs.MemberPending
	MemberInvited = stytchorgs.MemberInvited
	MemberActive  = stytchorgs.MemberActive
	MemberDeleted = stytchorgs.MemberDeleted

	ConnectedAppFirstParty       = stytchorgs.ConnectedAppFirstParty
	ConnectedAppFirstPartyPublic = stytchorgs.ConnectedAppFirstPartyPublic
	ConnectedAppThirdParty       = stytchorgs.ConnectedAppThirdParty
	ConnectedAppThirdPartyPublic = stytchorgs.ConnectedAppThirdPartyPublic
)

// Organizations.
type (
	Organization           = stytchorgs.Organization
	SSOActiveConnection    = stytchorgs.SSOActiveConnection
	SCIMActiveConnection   = stytchorgs.SCIMActiveConnection
	ImplicitRoleAssignment = stytchorgs.ImplicitRoleAssignment
	OAuthTenants           = stytchorgs.OAuthTenants
	OrganizationMetrics    = stytchorgs.OrganizationMetrics
)

// Members.
type (
	Member                  = stytchorgs.Member
	MemberRole              = stytchorgs.MemberRole
	MemberRoleSource        = stytchorgs.MemberRoleSource
	SSORegistration         = stytchorgs.SSORegistration
	OAuthRegistration       = stytchorgs.OAuthRegistration
	SCIMRegistration        = stytchorgs.SCIMRegistration
	SCIMAttributes          = stytchorgs.SCIMAttributes
	SCIMValue               = stytchorgs.SCIMValue
	SCIMGroup               = stytchorgs.SCIMGroup
	SCIMAddress             = stytchorgs.SCIMAddress
	SCIMName                = stytchorgs.SCIMName
	SCIMEnterpriseExtension = stytchorgs.SCIMEnterpriseExtension
	SCIMManager             = stytchorgs.SCIMManager
	RetiredEmail            = stytchorgs.RetiredEmail
)

// Connected Apps.
type (
	OrganizationConnectedApp = stytchorgs.OrganizationConnectedApp
	ConnectedAppDetails      = stytchorgs.ConnectedAppDetails
	ConnectedAppMember       = stytchorgs.ConnectedAppMember
	MemberConnectedApp       = stytchorgs.MemberConnectedApp
)

// Provider tokens.
type (
	OIDCTokens    = stytchorgs.OIDCTokens
	OAuthTokens   = stytchorgs.OAuthTokens
	SlackTokens   = stytchorgs.SlackTokens
	HubSpotTokens = stytchorgs.HubSpotTokens
	GitHubTokens  = stytchorgs.GitHubTokens
)

// RBAC and sessions.
type (
	Policy             = stytchorgs.Policy
	Role               = stytchorgs.Role
	Permission         = stytchorgs.Permission
	Resource           = stytchorgs.Resource
	Scope              = stytchorgs.Scope
	OrganizationPolicy = stytchorgs.OrganizationPolicy
	JWK                = stytchorgs.JWK
)

// Params of creates and updates.
type (
	OrganizationCreateParams = stytchorgs.OrganizationCreateParams
	OrganizationUpdateParams = stytchorgs.OrganizationUpdateParams
	MemberCreateParams       = stytchorgs.MemberCreateParams
	MemberUpdateParams       = stytchorgs.MemberUpdateParams
	RetiredEmailParams       = stytchorgs.RetiredEmailParams
	StartEmailUpdateParams   = stytchorgs.StartEmailUpdateParams
)

// Optional is a field of an update: see stytchorgs.Optional.
type Optional[T any] = stytchorgs.Optional[T]

// Set returns an Optional that changes a field to v: see stytchorgs.Set.
func Set[T any](v T) Optional[T] { return stytchorgs.Set(v) }

// Clear returns an Optional that changes a field to its empty value: see stytchorgs.Clear.
func Clear[T any]() Optional[T] { return stytchorgs.Clear[T]() }

// Metadata.
type (
	Metadata      = stytchorgs.Metadata
	MetadataPatch = stytchorgs.MetadataPatch
	MetadataError = stytchorgs.MetadataError
)

// Limits Stytch sets on a metadata object.
const (
	MetadataMaxKeys  = stytchorgs.MetadataMaxKeys
	MetadataMaxBytes = stytchorgs.MetadataMaxBytes
)

// MetadataOf encodes a struct (or anything JSON encodes as an object) as Metadata: see
// stytchorgs.MetadataOf.
func MetadataOf(v any) (Metadata, error) { return stytchorgs.MetadataOf(v) }

// The names the enum values had before they were prefixed like the others.
const (
	// Deprecated: use AccessAllAllowed.
	AllAllowed = stytchorgs.AccessAllAllowed
	// Deprecated: use AccessRestricted.
	Restricted = stytchorgs.AccessRestricted
	// Deprecated: use AccessNotAllowed.
	NotAllowed = stytchorgs.AccessNotAllowed

	// Deprecated: use ConnectedAppFirstParty.
	FirstParty = stytchorgs.ConnectedAppFirstParty
	// Deprecated: use ConnectedAppFirstPartyPublic.
	FirstPartyPublic = stytchorgs.ConnectedAppFirstPartyPublic
	// Deprecated: use ConnectedAppThirdParty.
	ThirdParty = stytchorgs.ConnectedAppThirdParty
	// Deprecated: use ConnectedAppThirdPartyPublic.
	ThirdPartyPublic = stytchorgs.ConnectedAppThirdPartyPublic
)
