package jsonappend

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// filledOrganization is an organization with every field set to a value encoding/json writes
// with care: a field the spec adds to Organization, which OrganizationResponse would not write,
// is set too, and the comparison with encoding/json fails. Lists of structs are empty: a
// filled one is left to encoding/json (see TestOrganizationLeavesFilledListsToEncodingJSON).
func filledOrganization(t *testing.T) api.Organization {
	var o api.Organization
	v := reflect.ValueOf(&o).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		s := "<" + name + "> & \u2028 \xff"
		switch p := f.Addr().Interface().(type) {
		case *string:
			*p = s
		case *[]string:
			*p = []string{s, "", "x"}
		case **string:
			*p = &s
		case **time.Time:
			*p = new(time.Date(2026, 11, 2, 9, 15, 0, 123456789+i, time.UTC))
		case **map[string]any:
			*p = new(metadata())
		case **api.AllowedOAuthTenants:
			*p = new(api.AllowedOAuthTenants(metadata()))
		case *[]api.PolicyRole, *[]api.EmailImplicitRoleAssignment, *[]api.SSOActiveConnection:
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		case **api.SCIMActiveConnection:
			// nil: a connection is left to encoding/json
		default:
			t.Fatalf("Organization.%s is a %s: teach filledOrganization and Organization to write it", name, f.Type())
		}
	}
	return o
}

func TestOrganizationResponseWritesWhatEncodingJSONWrites(t *testing.T) {
	filled := filledOrganization(t)
	var emptyMetadata map[string]any
	for name, o := range map[string]api.Organization{
		"filled":         filled,
		"zero":           {},
		"nil metadata":   {TrustedMetadata: &emptyMetadata, AllowedOauthTenants: new(api.AllowedOAuthTenants)},
		"empty metadata": {TrustedMetadata: new(map[string]any{}), CustomRoles: []api.PolicyRole{}},
	} {
		r := api.OrganizationResponse{Organization: o, RequestID: "request-id-test-<1>", StatusCode: 200}
		got, ok := OrganizationResponse([]byte("kept"), &r)
		want := append([]byte("kept"), marshal(t, r)...)
		if want = append(want, '\n'); !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: OrganizationResponse = %s, %v\nencoding/json writes %s", name, got, ok, want)
		}
	}
}

// A value Organization does not write itself makes it leave the whole response to
// encoding/json, wherever it is.
func TestOrganizationLeavesOtherValuesToEncodingJSON(t *testing.T) {
	exact := map[string]any{"id": json.Number("12345678901234567890")}
	for name, o := range map[string]api.Organization{
		"custom role":        {CustomRoles: []api.PolicyRole{{RoleID: "r"}}},
		"implicit role":      {RBACEmailImplicitRoleAssignments: []api.EmailImplicitRoleAssignment{{RoleID: "r"}}},
		"SSO connection":     {SSOActiveConnections: []api.SSOActiveConnection{{ConnectionID: "c"}}},
		"SCIM connection":    {SCIMActiveConnection: &api.SCIMActiveConnection{}},
		"metadata number":    {TrustedMetadata: &exact},
		"tenants number":     {AllowedOauthTenants: new(api.AllowedOAuthTenants(exact))},
		"year 10000":         {UpdatedAt: new(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))},
		"created year 10000": {CreatedAt: new(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))},
	} {
		if got, ok := OrganizationResponse(nil, &api.OrganizationResponse{Organization: o}); ok {
			t.Errorf("%s: OrganizationResponse = %s, ok; want it left to encoding/json", name, got)
		}
	}
}

// benchOrganization is an organization as the mock's benchmarks create it.
func benchOrganization() *api.OrganizationResponse {
	now := time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)
	metadata := map[string]any{"tier": "enterprise", "flags": map[string]any{"audit": true}}
	return &api.OrganizationResponse{RequestID: "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141", StatusCode: 200,
		Organization: api.Organization{
			OrganizationID: "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931", OrganizationName: "Acme Corporation",
			OrganizationSlug: "acme-corp", EmailAllowedDomains: []string{"acme.com"}, MFAPolicy: "REQUIRED_FOR_ALL",
			AllowedAuthMethods: []string{}, AllowedMFAMethods: []string{}, ClaimedEmailDomains: []string{}, CustomRoles: []api.PolicyRole{},
			AllowedOauthTenants: new(api.AllowedOAuthTenants{}), TrustedMetadata: &metadata, CreatedAt: &now, UpdatedAt: &now,
		}}
}

// BenchmarkOrganizationResponse is what an organization's 200 costs to write; the encoding/json
// run is what it cost before.
func BenchmarkOrganizationResponse(b *testing.B) {
	r := benchOrganization()
	b.Run("jsonappend", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = OrganizationResponse(buf[:0], r)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for b.Loop() {
			buf.Reset()
			_ = enc.Encode(r)
		}
	})
}
