package client

import (
	"context"
	"iter"
	"net/http"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// MembersService manages the members of organizations. Wherever it takes an organization id,
// the organization's slug or external id works too; wherever it takes a member id, the member's
// external id works too, except where a method says otherwise.
type MembersService struct{ c *Client }

// memberEnvelope is the organization-and-member answer of most member operations.
type memberEnvelope struct {
	Member       Member       `json:"member"`
	Organization Organization `json:"organization"`
}

// member is the member of an answer, with its organization, or the call's error.
func member(out *memberEnvelope, err error) (*Member, error) {
	if err != nil {
		return nil, err
	}
	out.Member.Organization = &out.Organization
	return &out.Member, nil
}

// Create creates a member of an organization.
//
// API: POST /v1/b2b/organizations/{organization_id}/members
func (s *MembersService) Create(ctx context.Context, organizationID string, params MemberCreateParams, opts ...RequestOption) (*Member, error) {
	if params.EmailAddress == "" {
		return nil, &ValidationError{Field: "email_address", Reason: "is required", ErrorType: "invalid_email"}
	}
	if err := checkMetadata("trusted_metadata", params.TrustedMetadata); err != nil {
		return nil, err
	}
	if err := checkMetadata("untrusted_metadata", params.UntrustedMetadata); err != nil {
		return nil, err
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return member(call[memberEnvelope](ctx, s.c, "createMember", opts, func(server string) (*http.Request, error) {
		return api.NewCreateMemberRequestWithBody(server, pathParam(organizationID), nil, contentJSON, body)
	}))
}

// Get returns a member of an organization by member id or external id. Deleted members are not
// found.
//
// API: GET /v1/b2b/organizations/{organization_id}/member
func (s *MembersService) Get(ctx context.Context, organizationID, memberID string, opts ...RequestOption) (*Member, error) {
	return s.get(ctx, organizationID, &api.GetMemberParams{MemberID: &memberID}, opts)
}

// GetByEmail returns the member of an organization with an email address (the same operation as
// Get, looked up by email).
func (s *MembersService) GetByEmail(ctx context.Context, organizationID, email string, opts ...RequestOption) (*Member, error) {
	return s.get(ctx, organizationID, &api.GetMemberParams{EmailAddress: &email}, opts)
}

func (s *MembersService) get(ctx context.Context, organizationID string, params *api.GetMemberParams, opts []RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "getMember", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberRequest(server, pathParam(organizationID), params)
	}))
}

// Update changes the fields params sets and returns the member as it is afterwards.
//
// API: PUT /v1/b2b/organizations/{organization_id}/members/{member_id}
func (s *MembersService) Update(ctx context.Context, organizationID, memberID string, params MemberUpdateParams, opts ...RequestOption) (*Member, error) {
	if err := checkPatch("trusted_metadata", params.TrustedMetadata); err != nil {
		return nil, err
	}
	if err := checkPatch("untrusted_metadata", params.UntrustedMetadata); err != nil {
		return nil, err
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return member(call[memberEnvelope](ctx, s.c, "updateMember", opts, func(server string) (*http.Request, error) {
		return api.NewUpdateMemberRequestWithBody(server, pathParam(organizationID), pathParam(memberID), nil, contentJSON, body)
	}))
}

// Delete deletes a member: its status becomes deleted until Reactivate brings it back. If the
// call was retried, an ErrNotFound may mean that an earlier attempt deleted it (see
// Error.EarlierAttemptMayHaveSucceeded).
//
// API: DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}
func (s *MembersService) Delete(ctx context.Context, organizationID, memberID string, opts ...RequestOption) error {
	_, err := call[struct{}](ctx, s.c, "deleteMember", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteMemberRequest(server, pathParam(organizationID), pathParam(memberID), nil)
	})
	return err
}

// Reactivate brings a deleted member back. It takes the Stytch member id only, not an external
// id.
//
// API: PUT /v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate
func (s *MembersService) Reactivate(ctx context.Context, organizationID, memberID string, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "reactivateMember", opts, func(server string) (*http.Request, error) {
		return api.NewReactivateMemberRequest(server, pathParam(organizationID), pathParam(memberID), nil, api.ReactivateMemberJSONRequestBody{})
	}))
}

// DangerouslyGetParams adjust DangerouslyGet.
type DangerouslyGetParams struct {
	// IncludeDeleted returns a deleted member instead of ErrNotFound.
	IncludeDeleted bool
}

// DangerouslyGet returns a member of any organization by its Stytch member id alone. Because no
// organization scopes the lookup, keep it for trusted back-office code.
//
// API: GET /v1/b2b/organizations/members/dangerously_get/{member_id}
func (s *MembersService) DangerouslyGet(ctx context.Context, memberID string, params DangerouslyGetParams, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "dangerouslyGetMember", opts, func(server string) (*http.Request, error) {
		return api.NewDangerouslyGetMemberRequest(server, pathParam(memberID), &api.DangerouslyGetMemberParams{IncludeDeleted: &params.IncludeDeleted})
	}))
}

// DeletePassword deletes a member's password, found by its id, and returns the member.
//
// API: DELETE /v1/b2b/organizations/{organization_id}/members/passwords/{member_password_id}
func (s *MembersService) DeletePassword(ctx context.Context, organizationID, memberPasswordID string, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "deleteMemberPassword", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteMemberPasswordRequest(server, pathParam(organizationID), pathParam(memberPasswordID), nil)
	}))
}

// DeleteMFAPhoneNumber removes a member's MFA phone number.
//
// API: DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id}
func (s *MembersService) DeleteMFAPhoneNumber(ctx context.Context, organizationID, memberID string, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "deleteMemberMFAPhoneNumber", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteMemberMFAPhoneNumberRequest(server, pathParam(organizationID), pathParam(memberID), nil)
	}))
}

// DeleteTOTP removes a member's TOTP registration.
//
// API: DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp
func (s *MembersService) DeleteTOTP(ctx context.Context, organizationID, memberID string, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "deleteMemberTOTP", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteMemberTOTPRequest(server, pathParam(organizationID), pathParam(memberID), nil)
	}))
}

// DeleteExternalID removes a member's external id.
//
// API: DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/external_id
func (s *MembersService) DeleteExternalID(ctx context.Context, organizationID, memberID string, opts ...RequestOption) (*Member, error) {
	return member(call[memberEnvelope](ctx, s.c, "deleteMemberExternalID", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteMemberExternalIDRequest(server, pathParam(organizationID), pathParam(memberID), nil)
	}))
}

// UnlinkRetiredEmail removes a retired address from a member, so that another member can use
// it.
//
// API: POST /v1/b2b/organizations/{organization_id}/members/{member_id}/unlink_retired_email
func (s *MembersService) UnlinkRetiredEmail(ctx context.Context, organizationID, memberID string, params RetiredEmailParams, opts ...RequestOption) (*Member, error) {
	if params.EmailID == "" && params.EmailAddress == "" {
		return nil, &ValidationError{Field: "email_id", Reason: "one of EmailID and EmailAddress is required", ErrorType: "retired_email_missing_email_identifiers"}
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return member(call[memberEnvelope](ctx, s.c, "unlinkMemberRetiredEmail", opts, func(server string) (*http.Request, error) {
		return api.NewUnlinkMemberRetiredEmailRequestWithBody(server, pathParam(organizationID), pathParam(memberID), nil, contentJSON, body)
	}))
}

// StartEmailUpdate emails a member a link or code that changes its address to
// params.EmailAddress once used; the member is unchanged until then.
//
// API: POST /v1/b2b/organizations/{organization_id}/members/{member_id}/start_email_update
func (s *MembersService) StartEmailUpdate(ctx context.Context, organizationID, memberID string, params StartEmailUpdateParams, opts ...RequestOption) (*Member, error) {
	if params.EmailAddress == "" {
		return nil, &ValidationError{Field: "email_address", Reason: "is required", ErrorType: "invalid_email"}
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return member(call[memberEnvelope](ctx, s.c, "startMemberEmailUpdate", opts, func(server string) (*http.Request, error) {
		return api.NewStartMemberEmailUpdateRequestWithBody(server, pathParam(organizationID), pathParam(memberID), nil, contentJSON, body)
	}))
}

// ListConnectedApps lists the Connected Apps a member has authorized.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps
func (s *MembersService) ListConnectedApps(ctx context.Context, organizationID, memberID string, opts ...RequestOption) ([]MemberConnectedApp, error) {
	out, err := call[connectedApps[MemberConnectedApp]](ctx, s.c, "listMemberConnectedApps", opts, func(server string) (*http.Request, error) {
		return api.NewListMemberConnectedAppsRequest(server, pathParam(organizationID), pathParam(memberID), nil)
	})
	if err != nil {
		return nil, err
	}
	return out.ConnectedApps, nil
}

// RevokeConnectedApp revokes a member's authorization of a Connected App.
//
// API: POST /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke
func (s *MembersService) RevokeConnectedApp(ctx context.Context, organizationID, memberID, connectedAppID string, opts ...RequestOption) error {
	// Revoking twice fails the second time, but changes nothing: safe to retry.
	_, err := call[struct{}](ctx, s.c, "revokeMemberConnectedApp", opts, func(server string) (*http.Request, error) {
		return api.NewRevokeMemberConnectedAppRequest(server, pathParam(organizationID), pathParam(memberID), pathParam(connectedAppID), nil, api.RevokeMemberConnectedAppJSONRequestBody{})
	})
	return err
}

// registrations is the answer of the provider token operations that list the member's tokens.
type registrations[T any] struct {
	Registrations []T `json:"registrations"`
}

// tokens is the tokens of a registrations answer, or the call's error.
func tokens[T any](out *registrations[T], err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return out.Registrations, nil
}

// TokenParams adjust the provider token methods.
type TokenParams struct {
	// IncludeRefreshToken returns the refresh token along with the other tokens.
	IncludeRefreshToken bool
}

// GetOIDCTokens returns the tokens of each OIDC SSO connection the member signed in through.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oidc_providers
func (s *MembersService) GetOIDCTokens(ctx context.Context, organizationID, memberID string, params TokenParams, opts ...RequestOption) ([]OIDCTokens, error) {
	return tokens(call[registrations[OIDCTokens]](ctx, s.c, "getMemberOIDCProviders", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberOIDCProvidersRequest(server, pathParam(organizationID), pathParam(memberID), &api.GetMemberOIDCProvidersParams{IncludeRefreshToken: &params.IncludeRefreshToken})
	}))
}

// GetGoogleTokens returns the member's Google tokens.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/google
func (s *MembersService) GetGoogleTokens(ctx context.Context, organizationID, memberID string, params TokenParams, opts ...RequestOption) (*OAuthTokens, error) {
	return call[OAuthTokens](ctx, s.c, "getMemberGoogleOAuthTokens", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberGoogleOAuthTokensRequest(server, pathParam(organizationID), pathParam(memberID), &api.GetMemberGoogleOAuthTokensParams{IncludeRefreshToken: &params.IncludeRefreshToken})
	})
}

// GetMicrosoftTokens returns the member's Microsoft tokens.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/microsoft
func (s *MembersService) GetMicrosoftTokens(ctx context.Context, organizationID, memberID string, params TokenParams, opts ...RequestOption) (*OAuthTokens, error) {
	return call[OAuthTokens](ctx, s.c, "getMemberMicrosoftOAuthTokens", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberMicrosoftOAuthTokensRequest(server, pathParam(organizationID), pathParam(memberID), &api.GetMemberMicrosoftOAuthTokensParams{IncludeRefreshToken: &params.IncludeRefreshToken})
	})
}

// GetSlackTokens returns the member's tokens from each Slack workspace (Slack has no refresh
// tokens).
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/slack
func (s *MembersService) GetSlackTokens(ctx context.Context, organizationID, memberID string, opts ...RequestOption) ([]SlackTokens, error) {
	return tokens(call[registrations[SlackTokens]](ctx, s.c, "getMemberSlackOAuthTokens", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberSlackOAuthTokensRequest(server, pathParam(organizationID), pathParam(memberID))
	}))
}

// GetHubSpotTokens returns the member's tokens from each HubSpot account.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/hubspot
func (s *MembersService) GetHubSpotTokens(ctx context.Context, organizationID, memberID string, params TokenParams, opts ...RequestOption) ([]HubSpotTokens, error) {
	return tokens(call[registrations[HubSpotTokens]](ctx, s.c, "getMemberHubspotOAuthTokens", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberHubspotOAuthTokensRequest(server, pathParam(organizationID), pathParam(memberID), &api.GetMemberHubspotOAuthTokensParams{IncludeRefreshToken: &params.IncludeRefreshToken})
	}))
}

// GetGitHubTokens returns the member's tokens from each GitHub sign-in.
//
// API: GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/github
func (s *MembersService) GetGitHubTokens(ctx context.Context, organizationID, memberID string, params TokenParams, opts ...RequestOption) ([]GitHubTokens, error) {
	return tokens(call[registrations[GitHubTokens]](ctx, s.c, "getMemberGithubOAuthTokens", opts, func(server string) (*http.Request, error) {
		return api.NewGetMemberGithubOAuthTokensRequest(server, pathParam(organizationID), pathParam(memberID), &api.GetMemberGithubOAuthTokensParams{IncludeRefreshToken: &params.IncludeRefreshToken})
	}))
}

// MemberSearchParams select a page of members.
type MemberSearchParams struct {
	// OrganizationIDs are the organizations searched (ids, slugs or external ids); at least one.
	OrganizationIDs []string
	// Query filters the members; nil matches every member that is not deleted.
	Query *MemberQuery
	// Limit is the most results a page holds, up to 1000; 0 means 100.
	Limit int
	// Cursor is the NextCursor of the previous page; "" fetches the first.
	Cursor string
}

// MemberPage is one page of a member search. Each member's Organization is set.
type MemberPage struct {
	Members    []*Member
	NextCursor string // "" on the last page
	Total      int    // matches of the whole query
}

// Search returns one page of the members of params.OrganizationIDs that match params.Query.
//
// API: POST /v1/b2b/organizations/members/search
func (s *MembersService) Search(ctx context.Context, params MemberSearchParams, opts ...RequestOption) (*MemberPage, error) {
	if len(params.OrganizationIDs) == 0 {
		return nil, &ValidationError{Field: "organization_ids", Reason: "at least one organization is required", ErrorType: "member_search_organization_ids_empty"}
	}
	body, err := jsonBody(searchBody{OrganizationIDs: params.OrganizationIDs, Cursor: params.Cursor, Limit: params.Limit, Query: params.Query.wire()})
	if err != nil {
		return nil, err
	}
	out, err := call[struct {
		Members         []*Member                `json:"members"`
		Organizations   map[string]*Organization `json:"organizations"`
		ResultsMetadata resultsMetadata          `json:"results_metadata"`
	}](ctx, s.c, "searchMembers", opts, func(server string) (*http.Request, error) {
		return api.NewSearchMembersRequestWithBody(server, nil, contentJSON, body)
	})
	if err != nil {
		return nil, err
	}
	for _, m := range out.Members {
		m.Organization = out.Organizations[m.OrganizationID]
	}
	return &MemberPage{Members: out.Members, NextCursor: out.ResultsMetadata.next(), Total: out.ResultsMetadata.Total}, nil
}

// SearchAll iterates over every member that matches params, fetching pages as the loop consumes
// them (params.Cursor is ignored; params itself is not modified). It stops at the first error,
// which it yields with a nil member.
func (s *MembersService) SearchAll(ctx context.Context, params MemberSearchParams, opts ...RequestOption) iter.Seq2[*Member, error] {
	return allPages(func(cursor string) ([]*Member, string, error) {
		p := params
		p.Cursor = cursor
		page, err := s.Search(ctx, p, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Members, page.NextCursor, nil
	})
}
