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
	var out struct {
		Policy *Policy `json:"policy"`
	}
	err := s.c.do(ctx, true, opts, func(ctx context.Context, ed ...api.RequestEditorFn) (*http.Response, error) {
		return s.c.api.GetRBACPolicy(ctx, ed...)
	}, &out)
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

// OrganizationPolicy returns an organization's custom roles.
//
// API: GET /v1/b2b/rbac/organizations/{organization_id}
func (s *RBACService) OrganizationPolicy(ctx context.Context, organizationID string, opts ...RequestOption) (*OrganizationPolicy, error) {
	out, err := call[orgPolicyEnvelope](ctx, s.c, true, opts, func(ctx context.Context, ed ...api.RequestEditorFn) (*http.Response, error) {
		return s.c.api.GetOrganizationRBACPolicy(ctx, organizationID, ed...)
	})
	if err != nil {
		return nil, err
	}
	return &out.OrgPolicy, nil
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
	out, err := call[orgPolicyEnvelope](ctx, s.c, true, opts, func(ctx context.Context, ed ...api.RequestEditorFn) (*http.Response, error) {
		return s.c.api.SetOrganizationRBACPolicyWithBody(ctx, organizationID, contentJSON, body, ed...)
	})
	if err != nil {
		return nil, err
	}
	return &out.OrgPolicy, nil
}

// SessionsService reads session key material.
type SessionsService struct{ c *Client }

// JWKS returns the public keys that verify the project's session JWTs.
//
// API: GET /v1/b2b/sessions/jwks/{project_id}
func (s *SessionsService) JWKS(ctx context.Context, opts ...RequestOption) ([]JWK, error) {
	var out struct {
		Keys []JWK `json:"keys"`
	}
	err := s.c.do(ctx, true, opts, func(ctx context.Context, ed ...api.RequestEditorFn) (*http.Response, error) {
		return s.c.api.GetSessionJWKS(ctx, s.c.projectID, ed...)
	}, &out)
	return out.Keys, err
}
