package stytchorgs_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// The endpoint inventory of the reference (sections 2.1 to 2.4): every operation the spec must
// hold, by method and exact wire path. A missing, extra or renamed operation fails the build.
var wantOperations = map[string]string{
	"POST /v1/b2b/organizations":                                                                                "createOrganization",
	"GET /v1/b2b/organizations/{organization_id}":                                                               "getOrganization",
	"PUT /v1/b2b/organizations/{organization_id}":                                                               "updateOrganization",
	"DELETE /v1/b2b/organizations/{organization_id}":                                                            "deleteOrganization",
	"POST /v1/b2b/organizations/search":                                                                         "searchOrganizations",
	"GET /v1/b2b/organizations/{organization_id}/metrics":                                                       "getOrganizationMetrics",
	"GET /v1/b2b/organizations/{organization_id}/connected_apps":                                                "listOrganizationConnectedApps",
	"GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}":                             "getOrganizationConnectedApp",
	"DELETE /v1/b2b/organizations/{organization_id}/external_id":                                                "deleteOrganizationExternalID",
	"POST /v1/b2b/organizations/{organization_id}/members":                                                      "createMember",
	"GET /v1/b2b/organizations/{organization_id}/member":                                                        "getMember",
	"PUT /v1/b2b/organizations/{organization_id}/members/{member_id}":                                           "updateMember",
	"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}":                                        "deleteMember",
	"POST /v1/b2b/organizations/members/search":                                                                 "searchMembers",
	"PUT /v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate":                                "reactivateMember",
	"GET /v1/b2b/organizations/members/dangerously_get/{member_id}":                                             "dangerouslyGetMember",
	"DELETE /v1/b2b/organizations/{organization_id}/members/passwords/{member_password_id}":                     "deleteMemberPassword",
	"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id}":                      "deleteMemberMFAPhoneNumber",
	"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp":                                   "deleteMemberTOTP",
	"POST /v1/b2b/organizations/{organization_id}/members/{member_id}/unlink_retired_email":                     "unlinkMemberRetiredEmail",
	"POST /v1/b2b/organizations/{organization_id}/members/{member_id}/start_email_update":                       "startMemberEmailUpdate",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps":                            "listMemberConnectedApps",
	"POST /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke": "revokeMemberConnectedApp",
	"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/external_id":                            "deleteMemberExternalID",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oidc_providers":                            "getMemberOIDCProviders",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/google":                    "getMemberGoogleOAuthTokens",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/microsoft":                 "getMemberMicrosoftOAuthTokens",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/slack":                     "getMemberSlackOAuthTokens",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/hubspot":                   "getMemberHubspotOAuthTokens",
	"GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/github":                    "getMemberGithubOAuthTokens",
	"GET /v1/b2b/rbac/policy":                          "getRBACPolicy",
	"GET /v1/b2b/rbac/organizations/{organization_id}": "getOrganizationRBACPolicy",
	"PUT /v1/b2b/rbac/organizations/{organization_id}": "setOrganizationRBACPolicy",
	"GET /v1/b2b/sessions/jwks/{project_id}":           "getSessionJWKS",
}

// The operations that accept the member-session authorization headers ("Auth hdr" in the
// reference's inventory).
var wantSessionAuthorized = []string{
	"updateOrganization", "deleteOrganization", "listOrganizationConnectedApps",
	"getOrganizationConnectedApp", "deleteOrganizationExternalID", "createMember", "updateMember",
	"deleteMember", "searchMembers", "reactivateMember", "deleteMemberPassword",
	"deleteMemberMFAPhoneNumber", "deleteMemberTOTP", "unlinkMemberRetiredEmail",
	"startMemberEmailUpdate", "listMemberConnectedApps", "revokeMemberConnectedApp",
	"deleteMemberExternalID",
}

// Operations that need no credentials: the JWKS the Go SDK fetches before it authenticates.
var wantUnauthenticated = []string{"getSessionJWKS"}

var (
	operationIDPattern = regexp.MustCompile(`^[a-z][A-Za-z0-9]+$`)
	errorTypePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*[a-z0-9]$`)
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI 3.0 document: %v", err)
	}
	return doc
}

type operation struct {
	method, path string
	op           *openapi3.Operation
	params       openapi3.Parameters // path-level and operation-level parameters together
}

func (o operation) String() string { return o.op.OperationID + " (" + o.method + " " + o.path + ")" }

func operations(doc *openapi3.T) []operation {
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
			ops = append(ops, operation{method: method, path: path, op: op, params: params})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].op.OperationID < ops[j].op.OperationID })
	return ops
}

func (o operation) param(in, name string) *openapi3.ParameterRef {
	for _, p := range o.params {
		if p.Value.In == in && p.Value.Name == name {
			return p
		}
	}
	return nil
}

func TestSpecVersionInfoAndServers(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info.Title == "" || doc.Info.Version == "" || len(doc.Info.Description) < 500 {
		t.Errorf("info needs a title, a version and a real description")
	}
	if doc.Info.License == nil || doc.Info.License.URL == "" {
		t.Errorf("info.license needs a name and a URL")
	}
	var urls []string
	for _, s := range doc.Servers {
		urls = append(urls, s.URL)
		if s.Description == "" {
			t.Errorf("server %s has no description", s.URL)
		}
	}
	if want := []string{"https://test.stytch.com", "https://api.stytch.com"}; !slices.Equal(urls, want) {
		t.Errorf("servers = %v, want %v", urls, want)
	}
	basic := doc.Components.SecuritySchemes["basicAuth"]
	if basic == nil || basic.Value.Type != "http" || basic.Value.Scheme != "basic" {
		t.Fatalf("components.securitySchemes.basicAuth must be HTTP Basic")
	}
	if len(doc.Security) != 1 || doc.Security[0]["basicAuth"] == nil {
		t.Errorf("the document's default security must be basicAuth, got %v", doc.Security)
	}
}

func TestSpecHasEveryOperationOfTheReference(t *testing.T) {
	doc := loadSpec(t)
	got := map[string]string{}
	for _, o := range operations(doc) {
		got[o.method+" "+o.path] = o.op.OperationID
	}
	for route, id := range wantOperations {
		if got[route] != id {
			t.Errorf("%s: operationId %q, want %q", route, got[route], id)
		}
	}
	for route, id := range got {
		if _, ok := wantOperations[route]; !ok {
			t.Errorf("%s (%s) is not in the reference's inventory", route, id)
		}
	}
}

func TestSpecOperationsAreDocumented(t *testing.T) {
	doc := loadSpec(t)
	tags := map[string]bool{}
	for _, tag := range doc.Tags {
		if strings.TrimSpace(tag.Description) == "" {
			t.Errorf("tag %q has no description", tag.Name)
		}
		tags[tag.Name] = true
	}
	seen := map[string]bool{}
	for _, o := range operations(doc) {
		op := o.op
		if !operationIDPattern.MatchString(op.OperationID) {
			t.Errorf("%s: operationId must be lowerCamelCase", o)
		}
		if seen[op.OperationID] {
			t.Errorf("%s: duplicate operationId", o)
		}
		seen[op.OperationID] = true
		if op.Summary == "" || strings.HasSuffix(op.Summary, ".") || len(op.Summary) > 60 {
			t.Errorf("%s: summary %q must be a short title without a final period", o, op.Summary)
		}
		if len(op.Description) < 80 {
			t.Errorf("%s: description is missing or too short to say what the operation does", o)
		}
		if len(op.Tags) == 0 {
			t.Errorf("%s: no tag", o)
		}
		for _, tag := range op.Tags {
			if !tags[tag] {
				t.Errorf("%s: tag %q is not declared at the top level", o, tag)
			}
		}
		for _, p := range o.params {
			if strings.TrimSpace(p.Value.Description) == "" {
				t.Errorf("%s: parameter %s has no description", o, p.Value.Name)
			}
		}
		if body := op.RequestBody; body != nil {
			media := body.Value.Content.Get("application/json")
			if media == nil {
				t.Errorf("%s: the request body is not application/json", o)
			} else if len(media.Examples) == 0 && media.Example == nil {
				t.Errorf("%s: the request body has no example", o)
			}
		}
	}
}

// Descriptions must name the identifiers an operation accepts: the reference allows a slug or
// an external id wherever an organization id goes, and a member's external id wherever a member
// id goes, except for the two operations that take only the Stytch member id.
func TestSpecDescriptionsNameAcceptedIdentifiers(t *testing.T) {
	doc := loadSpec(t)
	for _, o := range operations(doc) {
		desc := strings.Join(strings.Fields(o.op.Description), " ") // one line, as the docs render it
		if p := o.param("path", "organization_id"); p != nil {
			if !strings.Contains(desc, "slug") || !strings.Contains(desc, "external id") {
				t.Errorf("%s: the description must say the path takes a slug or external id", o)
			}
			if !strings.Contains(p.Value.Description, "organization_slug") {
				t.Errorf("%s: the organization_id parameter must say it takes a slug", o)
			}
		}
		if p := o.param("path", "member_id"); p != nil {
			stytchOnly := o.op.OperationID == "reactivateMember" || o.op.OperationID == "dangerouslyGetMember"
			switch {
			case stytchOnly && !strings.Contains(desc, "not an external id"):
				t.Errorf("%s: the description must say an external id is not accepted", o)
			case !stytchOnly && !strings.Contains(desc, "member's external id"):
				t.Errorf("%s: the description must say the member's external id is accepted", o)
			}
		}
	}
}

func TestSpecSecurityAndSessionHeaders(t *testing.T) {
	doc := loadSpec(t)
	for _, o := range operations(doc) {
		id := o.op.OperationID
		unauthenticated := o.op.Security != nil && len(*o.op.Security) == 0
		if unauthenticated != slices.Contains(wantUnauthenticated, id) {
			t.Errorf("%s: unauthenticated = %v, want %v", o, unauthenticated, !unauthenticated)
		}
		session := o.param("header", "X-Stytch-Member-Session") != nil
		sessionJWT := o.param("header", "X-Stytch-Member-SessionJWT") != nil
		want := slices.Contains(wantSessionAuthorized, id)
		if session != want || sessionJWT != want {
			t.Errorf("%s: member-session headers present = %v/%v, want %v", o, session, sessionJWT, want)
		}
		if want && !strings.Contains(o.op.Description, "RBAC enforced") {
			t.Errorf("%s: an RBAC-enforced operation must say so and name the action it needs", o)
		}
	}
}

func TestSpecResponses(t *testing.T) {
	doc := loadSpec(t)
	for _, o := range operations(doc) {
		id := o.op.OperationID
		responses := o.op.Responses.Map()
		want := []string{"200", "400", "429", "500"}
		if !slices.Contains(wantUnauthenticated, id) {
			want = append(want, "401")
		}
		if slices.Contains(wantSessionAuthorized, id) {
			want = append(want, "403", "404")
		}
		for _, p := range o.params {
			if p.Value.In == "path" {
				want = append(want, "404") // a path id is looked up, and may not exist
			}
		}
		for _, code := range want {
			if responses[code] == nil {
				t.Errorf("%s: no %s response", o, code)
			}
		}
		for code, ref := range responses {
			checkResponse(t, doc, o, code, ref.Value)
		}
		if responses["default"] != nil {
			t.Errorf("%s: a default response would hide undocumented statuses from validation", o)
		}
	}
}

func checkResponse(t *testing.T, doc *openapi3.T, o operation, code string, resp *openapi3.Response) {
	t.Helper()
	where := fmt.Sprintf("%s response %s", o, code)
	if resp.Description == nil || *resp.Description == "" {
		t.Errorf("%s: no description", where)
	}
	media := resp.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		t.Errorf("%s: no application/json schema", where)
		return
	}
	examples := exampleValues(media)
	if len(examples) == 0 {
		t.Errorf("%s: no example", where)
	}
	if code == "200" {
		schema := media.Schema.Value
		for _, field := range []string{"status_code", "request_id"} {
			if schema.Properties[field] == nil || !slices.Contains(schema.Required, field) {
				t.Errorf("%s: a success body must require %s", where, field)
			}
		}
		return
	}
	if media.Schema.Ref != "#/components/schemas/Error" {
		t.Errorf("%s: error bodies must use #/components/schemas/Error, got %q", where, media.Schema.Ref)
	}
	for name, value := range examples {
		body, ok := value.(map[string]any)
		if !ok {
			t.Errorf("%s example %s: not an object", where, name)
			continue
		}
		errorType, _ := body["error_type"].(string)
		if !errorTypePattern.MatchString(errorType) {
			t.Errorf("%s example %s: error_type %q is not snake_case", where, name, errorType)
		}
		if status, _ := body["status_code"].(float64); fmt.Sprint(status) != code {
			t.Errorf("%s example %s: status_code %v differs from the HTTP status", where, name, body["status_code"])
		}
		wantURL := "https://stytch.com/docs/b2b/api/errors/" + code + "#" + errorType
		if body["error_url"] != wantURL {
			t.Errorf("%s example %s: error_url %v, want %s", where, name, body["error_url"], wantURL)
		}
	}
}

func exampleValues(media *openapi3.MediaType) map[string]any {
	values := map[string]any{}
	if media.Example != nil {
		values["example"] = media.Example
	}
	for name, ex := range media.Examples {
		if ex.Value != nil && ex.Value.Value != nil {
			values[name] = ex.Value.Value
		}
	}
	return values
}

// Every schema and every property, however deeply nested, must carry a description, either its
// own or that of the component it refers to.
func TestSpecSchemasAreDescribed(t *testing.T) {
	doc := loadSpec(t)
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		walkSchema("#/components/schemas/"+name, doc.Components.Schemas[name], true, func(path string, s *openapi3.SchemaRef) {
			if s.Value == nil || strings.TrimSpace(s.Value.Description) == "" {
				t.Errorf("%s has no description", path)
			}
		})
	}
}

// walkSchema calls visit for a schema and, unless it is a reference to another component, for
// every property, item, additional-properties and composed schema inside it.
func walkSchema(path string, s *openapi3.SchemaRef, root bool, visit func(string, *openapi3.SchemaRef)) {
	visit(path, s)
	if s.Ref != "" && !root {
		return // described and walked as a component of its own
	}
	v := s.Value
	for name, p := range v.Properties {
		walkSchema(path+"/properties/"+name, p, false, visit)
	}
	if v.Items != nil {
		walkSchema(path+"/items", v.Items, false, visit)
	}
	if v.AdditionalProperties.Schema != nil {
		walkSchema(path+"/additionalProperties", v.AdditionalProperties.Schema, false, visit)
	}
	for i, sub := range v.OneOf {
		if sub.Ref == "" {
			walkSchema(fmt.Sprintf("%s/oneOf/%d", path, i), sub, false, visit)
		}
	}
}

// Request bodies must accept unknown properties, because the official Go SDK repeats path ids in
// bodies, and must carry no defaults, because a validator that fills defaults in would turn an
// absent field of a partial update into a change.
func TestSpecRequestBodiesAreOpenAndDefaultFree(t *testing.T) {
	doc := loadSpec(t)
	for _, o := range operations(doc) {
		if o.op.RequestBody == nil {
			continue
		}
		root := o.op.RequestBody.Value.Content.Get("application/json").Schema
		if root.Value.AdditionalProperties.Has != nil && !*root.Value.AdditionalProperties.Has {
			t.Errorf("%s: the request body must accept unknown properties", o)
		}
		seen := map[*openapi3.Schema]bool{}
		var walk func(string, *openapi3.SchemaRef)
		walk = func(path string, s *openapi3.SchemaRef) {
			if seen[s.Value] {
				return
			}
			seen[s.Value] = true
			if s.Value.Default != nil {
				t.Errorf("%s: %s has a default", o, path)
			}
			walkSchema(path, s, true, func(p string, sub *openapi3.SchemaRef) {
				if sub != s && sub.Ref != "" {
					walk(p, sub)
				} else if sub.Value.Default != nil {
					t.Errorf("%s: %s has a default", o, p)
				}
			})
		}
		walk("requestBody", root)
	}
}

// x-stytch-error-type names the error a field's validation failure maps to: a snake_case error
// type, or a map from a JSON Schema keyword to one.
func TestSpecErrorTypeExtensions(t *testing.T) {
	doc := loadSpec(t)
	count := 0
	for name, s := range doc.Components.Schemas {
		walkSchema("#/components/schemas/"+name, s, true, func(path string, sub *openapi3.SchemaRef) {
			if sub.Value == nil || (sub.Ref != "" && path != "#/components/schemas/"+name) {
				return
			}
			ext, ok := sub.Value.Extensions["x-stytch-error-type"]
			if !ok {
				return
			}
			count++
			switch v := ext.(type) {
			case string:
				if !errorTypePattern.MatchString(v) {
					t.Errorf("%s: x-stytch-error-type %q is not snake_case", path, v)
				}
			case map[string]any:
				for keyword, et := range v {
					s, _ := et.(string)
					if !errorTypePattern.MatchString(s) || !slices.Contains(schemaKeywords, keyword) {
						t.Errorf("%s: x-stytch-error-type %s: %v is not a keyword mapped to an error type", path, keyword, et)
					}
				}
			default:
				t.Errorf("%s: x-stytch-error-type must be a string or a map, got %T", path, ext)
			}
		})
	}
	if count < 40 {
		t.Errorf("only %d fields name their error type; the walk is probably broken", count)
	}
}

var schemaKeywords = []string{"discriminator", "discriminator-missing", "discriminator-type", "type", "enum", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum", "maxProperties", "required", "format"}
