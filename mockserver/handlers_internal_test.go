package mockserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// inPipeline must write a success exactly as the generated code does, and leave any other
// response to it.
func TestInPipelineWritesWhatTheGeneratedCodeWrites(t *testing.T) {
	created := time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)
	metadata := map[string]any{"tier": "<gold> & co", "flags": map[string]any{"audit": true}, "n": 1.5}
	org := api.Organization{OrganizationID: "organization-test-1", OrganizationName: "Acme \u2028 Corp",
		EmailAllowedDomains: []string{"acme.com"}, CustomRoles: []api.PolicyRole{}, TrustedMetadata: &metadata,
		CreatedAt: &created, UpdatedAt: &created}
	for _, tc := range []struct {
		operationID string
		response    api.GetOrganizationResponseObject
		written     bool
	}{
		{"GetOrganization", api.GetOrganization200JSONResponse{RequestID: "request-id-test-1", StatusCode: 200, Organization: org}, true},
		{"GetOrganization", api.GetOrganization404JSONResponse{}, false},
	} {
		want := httptest.NewRecorder()
		if err := tc.response.VisitGetOrganizationResponse(want); err != nil {
			t.Fatal(err)
		}
		var got recorder
		got.reset()
		got.call = &call{Context: context.Background()}
		var handed context.Context
		next := func(ctx context.Context, _ http.ResponseWriter, _ *http.Request, _ any) (any, error) {
			handed = ctx
			return tc.response, nil
		}
		left, err := inPipeline(next, tc.operationID)(context.Background(), &got, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if handed != got.call {
			t.Errorf("%T: the handler was handed %v as its context, want the recorder's call", tc.response, handed)
		}
		if !tc.written {
			if left != tc.response || got.status != 0 || got.body.Len() != 0 {
				t.Errorf("%T: inPipeline wrote %d %q and left %v, want it left to the generated code", tc.response, got.status, got.body.String(), left)
			}
			continue
		}
		if left != nil {
			t.Errorf("%T: inPipeline left %v to the generated code", tc.response, left)
		}
		if got.status != want.Code || !cmp.Equal(got.header, want.Header()) || got.body.String() != want.Body.String() {
			t.Errorf("%T: inPipeline wrote %d %v %s\nthe generated code %d %v %s", tc.response,
				got.status, got.header, got.body.String(), want.Code, want.Header(), want.Body.String())
		}
	}
}

// The organizations inPipeline writes without the encoder, and those it leaves to it, come out
// as the generated code writes them, for each operation that answers one (by pointer, as
// organizationOK answers).
func TestInPipelineWritesOrganizationsAsTheGeneratedCodeDoes(t *testing.T) {
	created := time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)
	tricky := map[string]any{"tier": "<gold> & co \u2028", "flags": map[string]any{"audit": true, "none": nil},
		"n": 1.5, "tiny": 1e-7, "list": []any{1e21, "x", map[string]any{}}, "empty": map[string]any{}}
	exact := map[string]any{"id": json.Number("12345678901234567890")}
	orgs := map[string]api.Organization{
		"tricky metadata": {OrganizationID: "organization-test-1", OrganizationName: "Acme \u2029 <Corp>",
			EmailAllowedDomains: []string{"acme.com"}, CustomRoles: []api.PolicyRole{}, TrustedMetadata: &tricky,
			CreatedAt: &created, UpdatedAt: &created, SSODefaultConnectionID: new("saml-1")},
		"custom role":     {CustomRoles: []api.PolicyRole{{RoleID: "auditor", Permissions: []api.PolicyPermission{}}}},
		"json.Number":     {TrustedMetadata: &exact},
		"zero":            {},
		"empty metadata":  {TrustedMetadata: new(map[string]any{}), AllowedOauthTenants: new(api.AllowedOAuthTenants{})},
		"external id set": {OrganizationExternalID: new("ext-<1>")},
	}
	for name, org := range orgs {
		r := api.OrganizationResponse{RequestID: "request-id-test-1", StatusCode: 200, Organization: org}
		for _, tc := range []struct {
			operationID string
			response    any
			visit       func(http.ResponseWriter) error
		}{
			{"GetOrganization", (*api.GetOrganization200JSONResponse)(&r), api.GetOrganization200JSONResponse(r).VisitGetOrganizationResponse},
			{"CreateOrganization", (*api.CreateOrganization200JSONResponse)(&r), api.CreateOrganization200JSONResponse(r).VisitCreateOrganizationResponse},
			{"UpdateOrganization", (*api.UpdateOrganization200JSONResponse)(&r), api.UpdateOrganization200JSONResponse(r).VisitUpdateOrganizationResponse},
			{"DeleteOrganizationExternalID", (*api.DeleteOrganizationExternalID200JSONResponse)(&r), api.DeleteOrganizationExternalID200JSONResponse(r).VisitDeleteOrganizationExternalIDResponse},
			// A value, as the handlers answered before organizationOK: left to the encoder.
			{"GetOrganization", api.GetOrganization200JSONResponse(r), api.GetOrganization200JSONResponse(r).VisitGetOrganizationResponse},
		} {
			want := httptest.NewRecorder()
			if err := tc.visit(want); err != nil {
				t.Fatal(err)
			}
			var got recorder
			got.reset()
			got.call = &call{Context: context.Background()}
			next := func(context.Context, http.ResponseWriter, *http.Request, any) (any, error) { return tc.response, nil }
			if left, err := inPipeline(next, tc.operationID)(context.Background(), &got, nil, nil); left != nil || err != nil {
				t.Fatalf("%s, %s: inPipeline left %v, %v", name, tc.operationID, left, err)
			}
			if got.status != want.Code || !cmp.Equal(got.header, want.Header()) || got.body.String() != want.Body.String() {
				t.Errorf("%s, %s: inPipeline wrote %d %v %s\nthe generated code %d %v %s", name, tc.operationID,
					got.status, got.header, got.body.String(), want.Code, want.Header(), want.Body.String())
			}
		}
	}
}
