package mockserver_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// Every operation of openapi.yaml is served with real state: each is called once, through the
// generated client, and must answer 200. An operation added to the spec without a call here
// fails the test.
func TestEveryOperationIsServed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const (
		memberID = "member-test-00000000-0000-4000-8000-000000000001"
		deleted  = "member-test-00000000-0000-4000-8000-000000000002"
		app      = "connected-app-test-1"
	)
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: app, Name: "Analytics"}},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme", ExternalID: "crm-1"},
			Members: []mockserver.FixtureMember{
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", ExternalID: "emp-1", MFAPhoneNumber: "+12025550123"},
					MemberID: memberID, EmailAddressVerified: true, MemberPasswordID: "member-password-test-1", TOTPRegistrationID: "totp-test-1",
					RetiredEmails: []mockserver.FixtureRetiredEmail{{EmailAddress: "ada.old@acme.com"}},
					ConnectedApps: []mockserver.FixtureGrant{{ConnectedAppID: app, Scopes: []string{"openid"}}},
					ProviderTokens: mockserver.FixtureTokens{
						Google:    &client.OAuthTokens{ProviderType: "Google", ProviderSubject: "1", IDToken: "i", Scopes: []string{"openid"}},
						Microsoft: &client.OAuthTokens{ProviderType: "Microsoft", ProviderSubject: "2", IDToken: "i", AccessToken: "a", AccessTokenExpiresIn: 60, Scopes: []string{}},
						Slack:     []client.SlackTokens{{ProviderSubject: "U1", ProviderTenantID: "T1", AccessToken: "a", Scopes: []string{}, BotAccessToken: "", BotScopes: []string{}}},
						HubSpot:   []client.HubSpotTokens{{ProviderSubject: "3", ProviderTenantID: "4", AccessToken: "a", AccessTokenExpiresIn: 60, Scopes: []string{}}},
						GitHub:    []client.GitHubTokens{{ProviderSubject: "5", ProviderTenantIDs: []string{"6"}, AccessToken: "a", Scopes: []string{}}},
						OIDC:      []client.OIDCTokens{{ProviderSubject: "7", IDToken: "i", AccessToken: "a", AccessTokenExpiresIn: 60, Scopes: []string{}, ConnectionID: "oidc-connection-test-1"}},
					}},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "gone@acme.com"}, MemberID: deleted, Status: "deleted", EmailAddressVerified: true},
			},
		}},
	})
	ok := func(status int, body []byte, err error) {
		t.Helper()
		e.expectOK(status, body, err)
	}
	c, ctx := e.c, e.ctx

	r1, err := c.CreateOrganizationWithResponse(ctx, api.OrganizationCreateRequest{OrganizationName: "Beta"})
	ok(r1.StatusCode(), r1.Body, err)
	r2, err := c.GetOrganizationWithResponse(ctx, "crm-1")
	ok(r2.StatusCode(), r2.Body, err)
	r3, err := c.UpdateOrganizationWithResponse(ctx, "acme", nil, api.OrganizationUpdateRequest{OrganizationName: ptr("Acme Corp")})
	ok(r3.StatusCode(), r3.Body, err)
	r4, err := c.SearchOrganizationsWithResponse(ctx, api.OrganizationSearchRequest{})
	ok(r4.StatusCode(), r4.Body, err)
	r5, err := c.GetOrganizationMetricsWithResponse(ctx, "acme")
	ok(r5.StatusCode(), r5.Body, err)
	r6, err := c.ListOrganizationConnectedAppsWithResponse(ctx, "acme", nil)
	ok(r6.StatusCode(), r6.Body, err)
	r7, err := c.GetOrganizationConnectedAppWithResponse(ctx, "acme", app, nil)
	ok(r7.StatusCode(), r7.Body, err)
	r8, err := c.CreateMemberWithResponse(ctx, "acme", nil, api.MemberCreateRequest{EmailAddress: "grace@acme.com"})
	ok(r8.StatusCode(), r8.Body, err)
	r9, err := c.GetMemberWithResponse(ctx, "acme", &api.GetMemberParams{MemberID: ptr("emp-1")})
	ok(r9.StatusCode(), r9.Body, err)
	r10, err := c.UpdateMemberWithResponse(ctx, "acme", memberID, nil, api.MemberUpdateRequest{Name: ptr("Ada")})
	ok(r10.StatusCode(), r10.Body, err)
	r11, err := c.SearchMembersWithResponse(ctx, nil, api.MemberSearchRequest{OrganizationIds: []string{"acme"}})
	ok(r11.StatusCode(), r11.Body, err)
	r12, err := c.ReactivateMemberWithResponse(ctx, "acme", deleted, nil, api.ReactivateMemberJSONRequestBody{})
	ok(r12.StatusCode(), r12.Body, err)
	r13, err := c.DangerouslyGetMemberWithResponse(ctx, memberID, nil)
	ok(r13.StatusCode(), r13.Body, err)
	r14, err := c.DeleteMemberPasswordWithResponse(ctx, "acme", "member-password-test-1", nil)
	ok(r14.StatusCode(), r14.Body, err)
	r15, err := c.DeleteMemberMFAPhoneNumberWithResponse(ctx, "acme", memberID, nil)
	ok(r15.StatusCode(), r15.Body, err)
	r16, err := c.DeleteMemberTOTPWithResponse(ctx, "acme", memberID, nil)
	ok(r16.StatusCode(), r16.Body, err)
	r17, err := c.UnlinkMemberRetiredEmailWithResponse(ctx, "acme", memberID, nil, api.MemberUnlinkRetiredEmailRequest{EmailAddress: ptr("ada.old@acme.com")})
	ok(r17.StatusCode(), r17.Body, err)
	r18, err := c.StartMemberEmailUpdateWithResponse(ctx, "acme", memberID, nil, api.MemberStartEmailUpdateRequest{EmailAddress: "ada.new@acme.com"})
	ok(r18.StatusCode(), r18.Body, err)
	r19, err := c.ListMemberConnectedAppsWithResponse(ctx, "acme", memberID, nil)
	ok(r19.StatusCode(), r19.Body, err)
	r20, err := c.RevokeMemberConnectedAppWithResponse(ctx, "acme", memberID, app, nil, api.RevokeMemberConnectedAppJSONRequestBody{})
	ok(r20.StatusCode(), r20.Body, err)
	r21, err := c.GetMemberOIDCProvidersWithResponse(ctx, "acme", memberID, nil)
	ok(r21.StatusCode(), r21.Body, err)
	r22, err := c.GetMemberGoogleOAuthTokensWithResponse(ctx, "acme", memberID, nil)
	ok(r22.StatusCode(), r22.Body, err)
	r23, err := c.GetMemberMicrosoftOAuthTokensWithResponse(ctx, "acme", memberID, nil)
	ok(r23.StatusCode(), r23.Body, err)
	r24, err := c.GetMemberSlackOAuthTokensWithResponse(ctx, "acme", memberID)
	ok(r24.StatusCode(), r24.Body, err)
	r25, err := c.GetMemberHubspotOAuthTokensWithResponse(ctx, "acme", memberID, nil)
	ok(r25.StatusCode(), r25.Body, err)
	r26, err := c.GetMemberGithubOAuthTokensWithResponse(ctx, "acme", memberID, nil)
	ok(r26.StatusCode(), r26.Body, err)
	r27, err := c.GetRBACPolicyWithResponse(ctx)
	ok(r27.StatusCode(), r27.Body, err)
	r28, err := c.SetOrganizationRBACPolicyWithResponse(ctx, "acme", api.OrganizationRBACPolicyRequest{OrgPolicy: policyInput()})
	ok(r28.StatusCode(), r28.Body, err)
	r29, err := c.GetOrganizationRBACPolicyWithResponse(ctx, "acme")
	ok(r29.StatusCode(), r29.Body, err)
	r30, err := c.GetSessionJWKSWithResponse(ctx, e.project)
	ok(r30.StatusCode(), r30.Body, err)
	r31, err := c.DeleteMemberExternalIDWithResponse(ctx, "acme", "emp-1", nil)
	ok(r31.StatusCode(), r31.Body, err)
	r32, err := c.DeleteMemberWithResponse(ctx, "acme", memberID, nil)
	ok(r32.StatusCode(), r32.Body, err)
	r33, err := c.DeleteOrganizationExternalIDWithResponse(ctx, "acme", nil)
	ok(r33.StatusCode(), r33.Body, err)
	r34, err := c.DeleteOrganizationWithResponse(ctx, "acme", nil)
	ok(r34.StatusCode(), r34.Body, err)

	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			want = append(want, op.OperationID)
		}
	}
	var served []string
	for _, r := range e.srv.Requests() {
		if r.Status == 200 && !slices.Contains(served, r.OperationID) {
			served = append(served, r.OperationID)
		}
	}
	sort.Strings(want)
	sort.Strings(served)
	if !slices.Equal(served, want) {
		t.Errorf("operations served with 200:\n%v\nspec operations:\n%v", served, want)
	}
}
