package mockserver

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver/internal/jsonappend"
	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// call is what the request pipeline learned about a request before its handler runs. It is the
// handler's context (the request's, with the call as its own value), so that handing it over
// costs no context.WithValue.
type call struct {
	context.Context
	requestID  string
	project    *store.Project
	actor      *store.Actor             // nil unless a member session authorized the request
	body       []byte                   // as received, never written: the log may share it (loggedBody)
	bodyReader bodyReader               // the handler's request body, when kin-openapi did not decode it
	orgOK      api.OrganizationResponse // see organizationOK; zeroed with the exchange
}

// organizationOK is the success that answers org, for the handlers of the operations that
// answer an organization to return by pointer. It lives in the call: the generated code takes
// a response as an interface, and a response value (600 bytes and more) would be copied to the
// heap to fill it, on each of the mock's most frequent requests.
func (c *call) organizationOK(org api.Organization) *api.OrganizationResponse {
	c.orgOK = api.OrganizationResponse{RequestID: c.requestID, StatusCode: ok, Organization: org}
	return &c.orgOK
}

type callKey struct{}

func (c *call) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func callFrom(ctx context.Context) *call { return ctx.Value(callKey{}).(*call) }

// handlers implements the generated strict server: each method turns a validated request into
// a store call and the store's answer into the response the spec documents. Errors it returns
// are rendered by the pipeline's error handler.
type handlers struct{}

var _ api.StrictServerInterface = handlers{}

const ok = http.StatusOK

// inPipeline is the generated server's middleware around every handler, which connects it to
// the pipeline. It hands the handler the call as its context, with the request's metadata
// decoded exactly (exactMetadata), and writes the handler's success,
// the operation's 200 response with a JSON body: byte for byte what the generated code would
// write, but encoded straight into the pipeline's response buffer, where the generated code
// copies the response twice and encodes it into a buffer of its own (a third of the garbage a
// create makes); an organization is written without the encoder (appendOrganizationOK). Any
// other response is left to the generated code.
func inPipeline(next api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		rec := w.(*recorder) // the pipeline's, and no other: the pipeline alone calls the generated code
		if err := exactMetadata(rec.call, request); err != nil {
			return nil, err
		}
		response, err := next(rec.call, w, r, request)
		if err != nil || !isOK(response, operationID) {
			return response, err
		}
		if !appendOrganizationOK(&rec.body, response) {
			if err := rec.encoder().Encode(response); err != nil {
				return nil, err // nothing was written
			}
		}
		rec.header["Content-Type"] = jsonContentType
		rec.WriteHeader(http.StatusOK)
		return nil, nil
	}
}

// jsonContentType is the Content-Type of a success, as the header value every success shares
// (Header.Set would allocate one per response). It is read-only, like any header value the
// mock hands on; its capacity of one makes a Header.Add of the slice copy it.
var jsonContentType = []string{"application/json"}[:1:1]

// appendOrganizationOK writes the success of an operation that answers an organization, the
// mock's most frequent answer, as the encoder would but without its reflection (about a third of
// a get's time and allocations). It writes nothing, and reports false, for any other response, or
// for an organization holding a value it leaves to the encoder.
func appendOrganizationOK(body *bytes.Buffer, response any) bool {
	var r *api.OrganizationResponse
	switch response := response.(type) {
	case *api.GetOrganization200JSONResponse:
		r = (*api.OrganizationResponse)(response)
	case *api.CreateOrganization200JSONResponse:
		r = (*api.OrganizationResponse)(response)
	case *api.UpdateOrganization200JSONResponse:
		r = (*api.OrganizationResponse)(response)
	case *api.DeleteOrganizationExternalID200JSONResponse:
		r = (*api.OrganizationResponse)(response)
	default:
		return false
	}
	b, ok := jsonappend.OrganizationResponse(body.AvailableBuffer(), r)
	if ok {
		body.Write(b)
	}
	return ok
}

// apiPackage is the import path of the generated code.
var apiPackage = reflect.TypeFor[api.Organization]().PkgPath()

// isOK reports whether response is one of the generated code's <operation>200JSONResponse
// types, or a pointer to one, whose method writes it as the JSON body of a 200 and nothing else.
func isOK(response any, operationID string) bool {
	if response == nil {
		return false
	}
	t := reflect.TypeOf(response)
	if t.Kind() == reflect.Pointer { // as organizationOK's are
		t = t.Elem()
	}
	suffix, found := strings.CutPrefix(t.Name(), operationID)
	return found && suffix == "200JSONResponse" && t.PkgPath() == apiPackage
}

func (handlers) CreateOrganization(ctx context.Context, req api.CreateOrganizationRequestObject) (api.CreateOrganizationResponseObject, error) {
	c := callFrom(ctx)
	org, err := c.project.CreateOrganization(*req.Body, nil)
	if err != nil {
		return nil, err
	}
	return (*api.CreateOrganization200JSONResponse)(c.organizationOK(org)), nil
}

func (handlers) GetOrganization(ctx context.Context, req api.GetOrganizationRequestObject) (api.GetOrganizationResponseObject, error) {
	c := callFrom(ctx)
	org, err := c.project.GetOrganization(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	return (*api.GetOrganization200JSONResponse)(c.organizationOK(org)), nil
}

func (handlers) UpdateOrganization(ctx context.Context, req api.UpdateOrganizationRequestObject) (api.UpdateOrganizationResponseObject, error) {
	c := callFrom(ctx)
	org, err := c.project.UpdateOrganization(req.OrganizationID, *req.Body, c.actor)
	if err != nil {
		return nil, err
	}
	return (*api.UpdateOrganization200JSONResponse)(c.organizationOK(org)), nil
}

func (handlers) DeleteOrganization(ctx context.Context, req api.DeleteOrganizationRequestObject) (api.DeleteOrganizationResponseObject, error) {
	c := callFrom(ctx)
	id, err := c.project.DeleteOrganization(req.OrganizationID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteOrganization200JSONResponse{RequestID: c.requestID, StatusCode: ok, OrganizationID: id}, nil
}

func (handlers) SearchOrganizations(ctx context.Context, req api.SearchOrganizationsRequestObject) (api.SearchOrganizationsResponseObject, error) {
	c := callFrom(ctx)
	var body api.OrganizationSearchRequest
	if req.Body != nil {
		body = *req.Body
	}
	page, err := c.project.SearchOrganizations(body)
	if err != nil {
		return nil, err
	}
	return api.SearchOrganizations200JSONResponse{RequestID: c.requestID, StatusCode: ok,
		Organizations: page.Organizations, ResultsMetadata: resultsMetadata(page.Total, page.NextCursor)}, nil
}

func resultsMetadata(total int, next string) api.ResultsMetadata {
	md := api.ResultsMetadata{Total: int32(total)}
	if next != "" {
		md.NextCursor = &next
	}
	return md
}

func (handlers) GetOrganizationMetrics(ctx context.Context, req api.GetOrganizationMetricsRequestObject) (api.GetOrganizationMetricsResponseObject, error) {
	c := callFrom(ctx)
	n, err := c.project.MemberCount(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	return api.GetOrganizationMetrics200JSONResponse{RequestID: c.requestID, StatusCode: ok, MemberCount: int32(n)}, nil
}

func (handlers) ListOrganizationConnectedApps(ctx context.Context, req api.ListOrganizationConnectedAppsRequestObject) (api.ListOrganizationConnectedAppsResponseObject, error) {
	c := callFrom(ctx)
	apps, err := c.project.OrganizationConnectedApps(req.OrganizationID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.ListOrganizationConnectedApps200JSONResponse{RequestID: c.requestID, StatusCode: ok, ConnectedApps: apps}, nil
}

func (handlers) GetOrganizationConnectedApp(ctx context.Context, req api.GetOrganizationConnectedAppRequestObject) (api.GetOrganizationConnectedAppResponseObject, error) {
	c := callFrom(ctx)
	app, err := c.project.OrganizationConnectedApp(req.OrganizationID, req.ConnectedAppID, c.actor)
	if err != nil {
		return nil, err
	}
	app.RequestID, app.StatusCode = c.requestID, ok
	return api.GetOrganizationConnectedApp200JSONResponse(app), nil
}

func (handlers) DeleteOrganizationExternalID(ctx context.Context, req api.DeleteOrganizationExternalIDRequestObject) (api.DeleteOrganizationExternalIDResponseObject, error) {
	c := callFrom(ctx)
	org, err := c.project.DeleteOrganizationExternalID(req.OrganizationID, c.actor)
	if err != nil {
		return nil, err
	}
	return (*api.DeleteOrganizationExternalID200JSONResponse)(c.organizationOK(org)), nil
}

// memberResponse builds the organization-and-member envelope most member operations answer.
func memberResponse(c *call, r store.MemberResult) api.MemberResponse {
	return api.MemberResponse{RequestID: c.requestID, StatusCode: ok, MemberID: r.Member.MemberID,
		Member: r.Member, Organization: r.Organization}
}

func (handlers) CreateMember(ctx context.Context, req api.CreateMemberRequestObject) (api.CreateMemberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.CreateMember(req.OrganizationID, *req.Body, c.actor, nil)
	if err != nil {
		return nil, err
	}
	return api.CreateMember200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) GetMember(ctx context.Context, req api.GetMemberRequestObject) (api.GetMemberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.GetMember(req.OrganizationID, store.Deref(req.Params.MemberID), store.Deref(req.Params.EmailAddress))
	if err != nil {
		return nil, err
	}
	return api.GetMember200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) UpdateMember(ctx context.Context, req api.UpdateMemberRequestObject) (api.UpdateMemberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.UpdateMember(req.OrganizationID, req.MemberID, *req.Body, c.actor)
	if err != nil {
		return nil, err
	}
	return api.UpdateMember200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) DeleteMember(ctx context.Context, req api.DeleteMemberRequestObject) (api.DeleteMemberResponseObject, error) {
	c := callFrom(ctx)
	id, err := c.project.DeleteMember(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteMember200JSONResponse{RequestID: c.requestID, StatusCode: ok, MemberID: id}, nil
}

func (handlers) SearchMembers(ctx context.Context, req api.SearchMembersRequestObject) (api.SearchMembersResponseObject, error) {
	c := callFrom(ctx)
	page, err := c.project.SearchMembers(*req.Body, c.actor)
	if err != nil {
		return nil, err
	}
	return api.SearchMembers200JSONResponse{RequestID: c.requestID, StatusCode: ok, Members: page.Members,
		Organizations: page.Organizations, ResultsMetadata: resultsMetadata(page.Total, page.NextCursor)}, nil
}

func (handlers) ReactivateMember(ctx context.Context, req api.ReactivateMemberRequestObject) (api.ReactivateMemberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.ReactivateMember(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.ReactivateMember200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) DangerouslyGetMember(ctx context.Context, req api.DangerouslyGetMemberRequestObject) (api.DangerouslyGetMemberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.DangerouslyGetMember(req.MemberID, store.Deref(req.Params.IncludeDeleted))
	if err != nil {
		return nil, err
	}
	return api.DangerouslyGetMember200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) DeleteMemberPassword(ctx context.Context, req api.DeleteMemberPasswordRequestObject) (api.DeleteMemberPasswordResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.DeleteMemberPassword(req.OrganizationID, req.MemberPasswordID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteMemberPassword200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) DeleteMemberMFAPhoneNumber(ctx context.Context, req api.DeleteMemberMFAPhoneNumberRequestObject) (api.DeleteMemberMFAPhoneNumberResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.DeleteMemberMFAPhoneNumber(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteMemberMFAPhoneNumber200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) DeleteMemberTOTP(ctx context.Context, req api.DeleteMemberTOTPRequestObject) (api.DeleteMemberTOTPResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.DeleteMemberTOTP(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteMemberTOTP200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) UnlinkMemberRetiredEmail(ctx context.Context, req api.UnlinkMemberRetiredEmailRequestObject) (api.UnlinkMemberRetiredEmailResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.UnlinkRetiredEmail(req.OrganizationID, req.MemberID, store.Deref(req.Body.EmailID), store.Deref(req.Body.EmailAddress), c.actor)
	if err != nil {
		return nil, err
	}
	return api.UnlinkMemberRetiredEmail200JSONResponse{RequestID: c.requestID, StatusCode: ok, MemberID: r.Member.MemberID,
		OrganizationID: r.Organization.OrganizationID, Member: r.Member, Organization: r.Organization}, nil
}

func (handlers) StartMemberEmailUpdate(ctx context.Context, req api.StartMemberEmailUpdateRequestObject) (api.StartMemberEmailUpdateResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.StartEmailUpdate(req.OrganizationID, req.MemberID, req.Body.EmailAddress, c.actor)
	if err != nil {
		return nil, err
	}
	return api.StartMemberEmailUpdate200JSONResponse(memberResponse(c, r)), nil
}

func (handlers) ListMemberConnectedApps(ctx context.Context, req api.ListMemberConnectedAppsRequestObject) (api.ListMemberConnectedAppsResponseObject, error) {
	c := callFrom(ctx)
	apps, err := c.project.MemberConnectedApps(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.ListMemberConnectedApps200JSONResponse{RequestID: c.requestID, StatusCode: ok, ConnectedApps: apps}, nil
}

func (handlers) RevokeMemberConnectedApp(ctx context.Context, req api.RevokeMemberConnectedAppRequestObject) (api.RevokeMemberConnectedAppResponseObject, error) {
	c := callFrom(ctx)
	if err := c.project.RevokeMemberConnectedApp(req.OrganizationID, req.MemberID, req.ConnectedAppID, c.actor); err != nil {
		return nil, err
	}
	return api.RevokeMemberConnectedApp200JSONResponse{RequestID: c.requestID, StatusCode: ok}, nil
}

func (handlers) DeleteMemberExternalID(ctx context.Context, req api.DeleteMemberExternalIDRequestObject) (api.DeleteMemberExternalIDResponseObject, error) {
	c := callFrom(ctx)
	r, err := c.project.DeleteMemberExternalID(req.OrganizationID, req.MemberID, c.actor)
	if err != nil {
		return nil, err
	}
	return api.DeleteMemberExternalID200JSONResponse(memberResponse(c, r)), nil
}

// tokens returns a member's stored provider tokens, or the 404 for a provider with none.
func tokens(ctx context.Context, orgID, memberID string, has func(store.ProviderTokens) bool, oidc bool) (*call, store.ProviderTokens, error) {
	c := callFrom(ctx)
	t, err := c.project.Tokens(orgID, memberID)
	if err != nil {
		return c, t, err
	}
	if !has(t) {
		if oidc {
			return c, t, newError(http.StatusNotFound, "member_oidc_token_not_found", "No OIDC tokens are stored for the member.")
		}
		return c, t, newError(http.StatusNotFound, "member_oauth_token_not_found", "No OAuth tokens from this provider are stored for the member.")
	}
	return c, t, nil
}

// withRefresh keeps a refresh token only when the caller asked for it.
func withRefresh(token *string, include *bool) *string {
	if store.Deref(include) {
		return token
	}
	return nil
}

func (handlers) GetMemberOIDCProviders(ctx context.Context, req api.GetMemberOIDCProvidersRequestObject) (api.GetMemberOIDCProvidersResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return len(t.OIDC) > 0 }, true)
	if err != nil {
		return nil, err
	}
	regs := slices.Clone(t.OIDC)
	for i := range regs {
		regs[i].RefreshToken = withRefresh(regs[i].RefreshToken, req.Params.IncludeRefreshToken)
	}
	return api.GetMemberOIDCProviders200JSONResponse{RequestID: c.requestID, StatusCode: ok, Registrations: regs}, nil
}

func (handlers) GetMemberGoogleOAuthTokens(ctx context.Context, req api.GetMemberGoogleOAuthTokensRequestObject) (api.GetMemberGoogleOAuthTokensResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return t.Google != nil }, false)
	if err != nil {
		return nil, err
	}
	r := *t.Google
	r.RequestID, r.StatusCode, r.ProviderType = c.requestID, ok, "Google"
	r.RefreshToken = withRefresh(r.RefreshToken, req.Params.IncludeRefreshToken)
	return api.GetMemberGoogleOAuthTokens200JSONResponse(r), nil
}

func (handlers) GetMemberMicrosoftOAuthTokens(ctx context.Context, req api.GetMemberMicrosoftOAuthTokensRequestObject) (api.GetMemberMicrosoftOAuthTokensResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return t.Microsoft != nil }, false)
	if err != nil {
		return nil, err
	}
	r := *t.Microsoft
	r.RequestID, r.StatusCode, r.ProviderType = c.requestID, ok, "Microsoft"
	r.RefreshToken = withRefresh(r.RefreshToken, req.Params.IncludeRefreshToken)
	return api.GetMemberMicrosoftOAuthTokens200JSONResponse(r), nil
}

func (handlers) GetMemberSlackOAuthTokens(ctx context.Context, req api.GetMemberSlackOAuthTokensRequestObject) (api.GetMemberSlackOAuthTokensResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return len(t.Slack) > 0 }, false)
	if err != nil {
		return nil, err
	}
	return api.GetMemberSlackOAuthTokens200JSONResponse{RequestID: c.requestID, StatusCode: ok, ProviderType: "Slack", Registrations: t.Slack}, nil
}

func (handlers) GetMemberHubspotOAuthTokens(ctx context.Context, req api.GetMemberHubspotOAuthTokensRequestObject) (api.GetMemberHubspotOAuthTokensResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return len(t.Hubspot) > 0 }, false)
	if err != nil {
		return nil, err
	}
	regs := slices.Clone(t.Hubspot)
	for i := range regs {
		regs[i].RefreshToken = withRefresh(regs[i].RefreshToken, req.Params.IncludeRefreshToken)
	}
	return api.GetMemberHubspotOAuthTokens200JSONResponse{RequestID: c.requestID, StatusCode: ok, ProviderType: "HubSpot", Registrations: regs}, nil
}

func (handlers) GetMemberGithubOAuthTokens(ctx context.Context, req api.GetMemberGithubOAuthTokensRequestObject) (api.GetMemberGithubOAuthTokensResponseObject, error) {
	c, t, err := tokens(ctx, req.OrganizationID, req.MemberID, func(t store.ProviderTokens) bool { return len(t.Github) > 0 }, false)
	if err != nil {
		return nil, err
	}
	return api.GetMemberGithubOAuthTokens200JSONResponse{RequestID: c.requestID, StatusCode: ok, ProviderType: "Github", Registrations: t.Github}, nil
}

func (handlers) GetRBACPolicy(ctx context.Context, _ api.GetRBACPolicyRequestObject) (api.GetRBACPolicyResponseObject, error) {
	c := callFrom(ctx)
	policy := c.project.Policy()
	return api.GetRBACPolicy200JSONResponse{RequestID: c.requestID, StatusCode: ok, Policy: &policy}, nil
}

func (handlers) GetOrganizationRBACPolicy(ctx context.Context, req api.GetOrganizationRBACPolicyRequestObject) (api.GetOrganizationRBACPolicyResponseObject, error) {
	c := callFrom(ctx)
	roles, err := c.project.OrganizationPolicy(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	return api.GetOrganizationRBACPolicy200JSONResponse{RequestID: c.requestID, StatusCode: ok, OrgPolicy: api.OrganizationPolicy{Roles: roles}}, nil
}

func (handlers) SetOrganizationRBACPolicy(ctx context.Context, req api.SetOrganizationRBACPolicyRequestObject) (api.SetOrganizationRBACPolicyResponseObject, error) {
	c := callFrom(ctx)
	roles, err := c.project.SetOrganizationPolicy(req.OrganizationID, customRoles(req.Body.OrgPolicy.Roles))
	if err != nil {
		return nil, err
	}
	return api.SetOrganizationRBACPolicy200JSONResponse{RequestID: c.requestID, StatusCode: ok, OrgPolicy: api.OrganizationPolicy{Roles: roles}}, nil
}

// customRoles reads the roles of an organization policy request, each field the official Go SDK
// leaves out when empty (roles, a role's description and permissions, a permission's actions)
// read as its empty value, as Stytch's backend reads it.
func customRoles(in *[]api.PolicyRoleInput) []api.PolicyRole {
	roles := make([]api.PolicyRole, 0, len(store.Deref(in)))
	for _, r := range store.Deref(in) {
		role := api.PolicyRole{RoleID: r.RoleID, Description: store.Deref(r.Description), Permissions: []api.PolicyPermission{}}
		for _, p := range store.Deref(r.Permissions) {
			role.Permissions = append(role.Permissions, api.PolicyPermission{ResourceID: p.ResourceID, Actions: nonNil(store.Deref(p.Actions))})
		}
		roles = append(roles, role)
	}
	return roles
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (handlers) GetSessionJWKS(ctx context.Context, _ api.GetSessionJWKSRequestObject) (api.GetSessionJWKSResponseObject, error) {
	c := callFrom(ctx)
	return api.GetSessionJWKS200JSONResponse{RequestID: c.requestID, StatusCode: ok, Keys: []api.JWK{}}, nil
}
