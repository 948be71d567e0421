package client

import (
	"context"
	"iter"
	"net/http"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// OrganizationsService manages organizations. Wherever it takes an organization id, the
// organization's slug or external id works too.
type OrganizationsService struct{ c *Client }

type organizationEnvelope struct {
	Organization Organization `json:"organization"`
}

// organization is the organization of an answer, or the call's error.
func organization(out *organizationEnvelope, err error) (*Organization, error) {
	if err != nil {
		return nil, err
	}
	return &out.Organization, nil
}

// Create creates an organization.
//
// API: POST /v1/b2b/organizations
func (s *OrganizationsService) Create(ctx context.Context, params OrganizationCreateParams, opts ...RequestOption) (*Organization, error) {
	if params.Name == "" {
		return nil, &ValidationError{Field: "organization_name", Reason: "is required", ErrorType: "invalid_organization_name"}
	}
	if err := checkMetadata("trusted_metadata", params.TrustedMetadata); err != nil {
		return nil, err
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return organization(call[organizationEnvelope](ctx, s.c, "createOrganization", opts, func(server string) (*http.Request, error) {
		return api.NewCreateOrganizationRequestWithBody(server, contentJSON, body)
	}))
}

// Get returns an organization by id, slug or external id.
//
// API: GET /v1/b2b/organizations/{organization_id}
func (s *OrganizationsService) Get(ctx context.Context, organizationID string, opts ...RequestOption) (*Organization, error) {
	return organization(call[organizationEnvelope](ctx, s.c, "getOrganization", opts, func(server string) (*http.Request, error) {
		return api.NewGetOrganizationRequest(server, pathParam(organizationID))
	}))
}

// Update changes the fields params sets and returns the organization as it is afterwards.
//
// API: PUT /v1/b2b/organizations/{organization_id}
func (s *OrganizationsService) Update(ctx context.Context, organizationID string, params OrganizationUpdateParams, opts ...RequestOption) (*Organization, error) {
	if err := checkPatch("trusted_metadata", params.TrustedMetadata); err != nil {
		return nil, err
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, err
	}
	return organization(call[organizationEnvelope](ctx, s.c, "updateOrganization", opts, func(server string) (*http.Request, error) {
		return api.NewUpdateOrganizationRequestWithBody(server, pathParam(organizationID), nil, contentJSON, body)
	}))
}

// Delete deletes an organization and all of its members. If the call was retried, an
// ErrNotFound may mean that an earlier attempt deleted it (see
// Error.EarlierAttemptMayHaveSucceeded).
//
// API: DELETE /v1/b2b/organizations/{organization_id}
func (s *OrganizationsService) Delete(ctx context.Context, organizationID string, opts ...RequestOption) error {
	_, err := call[struct{}](ctx, s.c, "deleteOrganization", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteOrganizationRequest(server, pathParam(organizationID), nil)
	})
	return err
}

// Metrics returns usage figures of an organization.
//
// API: GET /v1/b2b/organizations/{organization_id}/metrics
func (s *OrganizationsService) Metrics(ctx context.Context, organizationID string, opts ...RequestOption) (*OrganizationMetrics, error) {
	return call[OrganizationMetrics](ctx, s.c, "getOrganizationMetrics", opts, func(server string) (*http.Request, error) {
		return api.NewGetOrganizationMetricsRequest(server, pathParam(organizationID))
	})
}

// DeleteExternalID removes an organization's external id and returns the organization.
//
// API: DELETE /v1/b2b/organizations/{organization_id}/external_id
func (s *OrganizationsService) DeleteExternalID(ctx context.Context, organizationID string, opts ...RequestOption) (*Organization, error) {
	return organization(call[organizationEnvelope](ctx, s.c, "deleteOrganizationExternalID", opts, func(server string) (*http.Request, error) {
		return api.NewDeleteOrganizationExternalIDRequest(server, pathParam(organizationID), nil)
	}))
}

// ListConnectedApps lists the Connected Apps that members of an organization have authorized.
//
// API: GET /v1/b2b/organizations/{organization_id}/connected_apps
func (s *OrganizationsService) ListConnectedApps(ctx context.Context, organizationID string, opts ...RequestOption) ([]OrganizationConnectedApp, error) {
	out, err := call[connectedApps[OrganizationConnectedApp]](ctx, s.c, "listOrganizationConnectedApps", opts, func(server string) (*http.Request, error) {
		return api.NewListOrganizationConnectedAppsRequest(server, pathParam(organizationID), nil)
	})
	if err != nil {
		return nil, err
	}
	return out.ConnectedApps, nil
}

// connectedApps is the answer of the operations that list Connected Apps.
type connectedApps[T any] struct {
	ConnectedApps []T `json:"connected_apps"`
}

// GetConnectedApp returns a Connected App of an organization with the members who authorized it.
//
// API: GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}
func (s *OrganizationsService) GetConnectedApp(ctx context.Context, organizationID, connectedAppID string, opts ...RequestOption) (*ConnectedAppDetails, error) {
	return call[ConnectedAppDetails](ctx, s.c, "getOrganizationConnectedApp", opts, func(server string) (*http.Request, error) {
		return api.NewGetOrganizationConnectedAppRequest(server, pathParam(organizationID), pathParam(connectedAppID), nil)
	})
}

// OrganizationSearchParams select a page of organizations.
type OrganizationSearchParams struct {
	// Query filters the organizations; nil matches every organization of the project.
	Query *OrganizationQuery
	// Limit is the most results a page holds, up to 1000; 0 means 100.
	Limit int
	// Cursor is the NextCursor of the previous page; "" fetches the first.
	Cursor string
}

// OrganizationPage is one page of an organization search.
type OrganizationPage struct {
	Organizations []*Organization
	NextCursor    string // "" on the last page
	Total         int    // matches of the whole query
}

// Search returns one page of the organizations that match params.Query.
//
// API: POST /v1/b2b/organizations/search
func (s *OrganizationsService) Search(ctx context.Context, params OrganizationSearchParams, opts ...RequestOption) (*OrganizationPage, error) {
	body, err := jsonBody(searchBody{Cursor: params.Cursor, Limit: params.Limit, Query: params.Query.wire()})
	if err != nil {
		return nil, err
	}
	out, err := call[struct {
		Organizations   []*Organization `json:"organizations"`
		ResultsMetadata resultsMetadata `json:"results_metadata"`
	}](ctx, s.c, "searchOrganizations", opts, func(server string) (*http.Request, error) {
		return api.NewSearchOrganizationsRequestWithBody(server, contentJSON, body)
	})
	if err != nil {
		return nil, err
	}
	return &OrganizationPage{Organizations: out.Organizations, NextCursor: out.ResultsMetadata.next(), Total: out.ResultsMetadata.Total}, nil
}

// SearchAll iterates over every organization that matches params.Query, fetching pages as the
// loop consumes them (params.Cursor is ignored; params itself is not modified). It stops at the
// first error, which it yields with a nil organization.
//
//	for org, err := range c.Organizations.SearchAll(ctx, params) {
//		if err != nil { return err }
//		…
//	}
func (s *OrganizationsService) SearchAll(ctx context.Context, params OrganizationSearchParams, opts ...RequestOption) iter.Seq2[*Organization, error] {
	return allPages(func(cursor string) ([]*Organization, string, error) {
		p := params
		p.Cursor = cursor
		page, err := s.Search(ctx, p, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Organizations, page.NextCursor, nil
	})
}
