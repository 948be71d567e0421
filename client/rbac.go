package client

import (
	"context"
	"net/http"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// RBACService reads the project's RBAC policy and manages organizations' custom roles.
type RBACService struct{ c *Client }

// Policy returns the project's RBAC policy: its roles, resources and scopes.
//
// API: GET /v1/b2b/rbac/policy
func (s *RBACService) Policy(ctx context.Context, opts ...RequestOption) (*Policy, error) {
	out, err := call[struct {
		Policy *Policy `json:"policy"`
	}](ctx, s.c, "getRBACPolicy", opts, func(server string) (*http.Request, error) {
		return api.NewGetRBACPolicyRequest(server)
	})
	if err != nil {
		return nil, err
	}
	if out.Policy == nil {
		out.Policy = &Policy{}
	}
	return out.Policy, nil
}

// orgPolicyEnvelope is the body of the organization policy operations, both ways.
type orgPolicyEnvelope struct {
	OrgPolicy OrganizationPolicy `json:"org_policy"`
}

// orgPolicy is the policy of an answer, or the call's error.
func orgPolicy(out *orgPolicyEnvelope, err error) (*OrganizationPolicy, error) {
	if err != nil {
		return nil, err
	}
	return &out.OrgPolicy, nil
}

// OrganizationPolicy returns an organization's custom roles.
//
// API: GET /v1/b2b/rbac/organizations/{organization_id}
func (s *RBACService) OrganizationPolicy(ctx context.Context, organizationID string, opts ...RequestOption) (*OrganizationPolicy, error) {
	return orgPolicy(call[orgPolicyEnvelope](ctx, s.c, "getOrganizationRBACPolicy", opts, func(server string) (*http.Request, error) {
		return api.NewGetOrganizationRBACPolicyRequest(server, pathParam(organizationID))
	}))
}

// SetOrganizationPolicy replaces an organization's custom roles and returns them.
//
// API: PUT /v1/b2b/rbac/organizations/{organization_id}
func (s *RBACService) SetOrganizationPolicy(ctx context.Context, organizationID string, policy OrganizationPolicy, opts ...RequestOption) (*OrganizationPolicy, error) {
	if policy.Roles == nil {
		policy.Roles = []Role{}
	}
	body, err := jsonBody(orgPolicyEnvelope{policy})
	if err != nil {
		return nil, err
	}
	return orgPolicy(call[orgPolicyEnvelope](ctx, s.c, "setOrganizationRBACPolicy", opts, func(server string) (*http.Request, error) {
		return api.NewSetOrganizationRBACPolicyRequestWithBody(server, pathParam(organizationID), contentJSON, body)
	}))
}

// SessionsService reads session key material.
type SessionsService struct{ c *Client }

// JWKS returns the public keys that verify the project's session JWTs.
//
// API: GET /v1/b2b/sessions/jwks/{project_id}
func (s *SessionsService) JWKS(ctx context.Context, opts ...RequestOption) ([]JWK, error) {
	out, err := call[struct {
		Keys []JWK `json:"keys"`
	}](ctx, s.c, "getSessionJWKS", opts, func(server string) (*http.Request, error) {
		return api.NewGetSessionJWKSRequest(server, pathParam(s.c.projectID))
	})
	if err != nil {
		return nil, err
	}
	return out.Keys, nil
}
