package stytchorgs_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Checks of the choices openapi.yaml makes to agree with Stytch's published spec and the
// official SDKs (fidelity-findings.md), beyond the property-by-property comparison of
// spec_upstream_test.go.

// visitSchemas calls visit for every schema reachable from root (properties, items, additional
// properties, oneOf branches, references followed), once each.
func visitSchemas(path string, root *openapi3.SchemaRef, visit func(path string, s *openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(string, *openapi3.SchemaRef)
	walk = func(path string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		visit(path, s)
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			walk(path+"."+name, s.Properties[name])
		}
		walk(path+"[]", s.Items)
		walk(path+"{}", s.AdditionalProperties.Schema)
		for i, sub := range s.OneOf {
			walk(fmt.Sprintf("%s|%d", path, i), sub)
		}
	}
	walk(path, root)
}

// A response says what Stytch sends, not what a request may hold: no pattern, length, size or
// range limit, and no closed list of values, so that a value Stytch adds later breaks neither a
// client generated from this document nor the mock's own response check.
func TestSpecResponsesCarryNoRequestLimits(t *testing.T) {
	doc := loadSpec(t)
	checked := 0
	for _, o := range operations(doc) {
		for code, resp := range o.op.Responses.Map() {
			media := resp.Value.Content.Get("application/json")
			if media == nil {
				continue
			}
			visitSchemas(fmt.Sprintf("%s %s", o, code), media.Schema, func(path string, s *openapi3.Schema) {
				checked++
				var limits []string
				add := func(set bool, keyword string) {
					if set {
						limits = append(limits, keyword)
					}
				}
				add(s.Pattern != "", "pattern")
				add(s.MinLength > 0, "minLength")
				add(s.MaxLength != nil, "maxLength")
				add(s.MinItems > 0, "minItems")
				add(s.MaxItems != nil, "maxItems")
				add(s.MinProps > 0, "minProperties")
				add(s.MaxProps != nil, "maxProperties")
				add(s.Min != nil, "minimum")
				add(s.Max != nil, "maximum")
				add(len(s.Enum) > 0, "enum")
				if len(limits) > 0 {
					t.Errorf("%s: a response schema with %s", path, strings.Join(limits, ", "))
				}
			})
		}
	}
	if checked < 500 {
		t.Errorf("only %d response schemas checked; the walk is probably broken", checked)
	}
}

// A response carrying values Stytch does not document today (a new member status, a new
// setting, a new role source, a provider added to allowed_oauth_tenants, long and unusual
// strings) still conforms to this document.
func TestSpecResponsesAcceptValuesStytchMayAdd(t *testing.T) {
	doc := loadSpec(t)
	example := func(name string) map[string]any {
		b, err := json.Marshal(doc.Components.Examples[name].Value.Value)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(schema string, body map[string]any) {
		t.Helper()
		if err := doc.Components.Schemas[schema].Value.VisitJSON(body, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s with new values: %v", schema, err)
		}
	}
	org := example("OrganizationResponse")
	o := org["organization"].(map[string]any)
	for _, field := range []string{"sso_jit_provisioning", "email_jit_provisioning", "email_invites", "auth_methods",
		"mfa_policy", "mfa_methods", "oauth_tenant_jit_provisioning", "first_party_connected_apps_allowed_type",
		"third_party_connected_apps_allowed_type"} {
		o[field] = "SOME_FUTURE_VALUE"
	}
	o["allowed_auth_methods"] = []any{"passkey"}
	o["allowed_mfa_methods"] = []any{"webauthn"}
	o["allowed_oauth_tenants"] = map[string]any{"gitlab": []any{"acme"}, "slack": []any{"T1"}}
	o["organization_slug"] = "a slug with spaces"
	o["organization_logo_url"] = "https://acme.example/" + strings.Repeat("l", 5000)
	o["email_allowed_domains"] = []any{"xn--80ak6aa92e.xn--p1ai"}
	o["trusted_metadata"] = map[string]any{}
	for i := range 25 {
		o["trusted_metadata"].(map[string]any)[fmt.Sprint("key", i)] = i
	}
	check("OrganizationResponse", org)

	member := example("MemberResponse")
	m := member["member"].(map[string]any)
	m["status"] = "suspended"
	m["default_mfa_method"] = "webauthn"
	m["name"] = strings.Repeat("n", 1000)
	m["external_id"] = ""
	m["roles"] = []any{map[string]any{"role_id": "r", "sources": []any{map[string]any{"type": "group_sync", "details": map[string]any{}}}}}
	check("MemberResponse", member)

	check("OrganizationConnectedAppsResponse", map[string]any{"request_id": "r", "status_code": 200, "connected_apps": []any{
		map[string]any{"connected_app_id": "a", "name": "n", "description": "d", "client_type": "machine_to_machine"}}})
}

// Every required property of a request body is a decision: the official Go SDK leaves an empty
// value out (omitempty), so a property it may leave out is either not required here (read as
// its empty value) or has no valid empty value (refused either way). This list is the decision
// for each; a new required request property fails the test until it is added here and to the
// "Fields the official SDKs leave out when empty" choice of openapi.yaml.
var requiredRequestProperties = []string{
	"createMember.email_address",
	"createOrganization.organization_name",
	"createOrganization.rbac_email_implicit_role_assignments[].domain",
	"createOrganization.rbac_email_implicit_role_assignments[].role_id",
	"searchMembers.organization_ids",
	"searchMembers.query.operands[]|*.filter_name",
	"searchMembers.query.operands[]|*.filter_value",
	"searchMembers.query.operator",
	"searchOrganizations.query.operands[]|*.filter_name",
	"searchOrganizations.query.operands[]|*.filter_value",
	"searchOrganizations.query.operator",
	"setOrganizationRBACPolicy.org_policy",
	"setOrganizationRBACPolicy.org_policy.roles[].permissions[].resource_id",
	"setOrganizationRBACPolicy.org_policy.roles[].role_id",
	"startMemberEmailUpdate.email_address",
	"updateOrganization.rbac_email_implicit_role_assignments[].domain",
	"updateOrganization.rbac_email_implicit_role_assignments[].role_id",
}

// The properties the Go SDK leaves out when empty and the mock reads as empty: never required.
var optionalEmptyRequestProperties = []string{
	"setOrganizationRBACPolicy.org_policy.roles",
	"setOrganizationRBACPolicy.org_policy.roles[].description",
	"setOrganizationRBACPolicy.org_policy.roles[].permissions",
	"setOrganizationRBACPolicy.org_policy.roles[].permissions[].actions",
	"searchMembers.query.operands",
	"searchOrganizations.query.operands",
}

func TestSpecRequiredRequestPropertiesAreDecided(t *testing.T) {
	doc := loadSpec(t)
	var required []string
	present := map[string]bool{}
	for _, o := range operations(doc) {
		if o.op.RequestBody == nil {
			continue
		}
		visitSchemas(o.op.OperationID, o.op.RequestBody.Value.Content.Get("application/json").Schema, func(path string, s *openapi3.Schema) {
			present[path] = true
			for _, name := range s.Required {
				// The oneOf branches of the search operands differ only in their filter name.
				p := path + "." + name
				if i := strings.Index(p, "operands[]|"); i >= 0 {
					rest := p[i+len("operands[]|"):]
					p = p[:i] + "operands[]|*" + rest[strings.Index(rest, "."):]
				}
				if !slices.Contains(required, p) {
					required = append(required, p)
				}
			}
		})
	}
	slices.Sort(required)
	if !slices.Equal(required, requiredRequestProperties) {
		t.Errorf("required request properties:\n  %s\nwant the decided list:\n  %s", strings.Join(required, "\n  "), strings.Join(requiredRequestProperties, "\n  "))
	}
	for _, p := range optionalEmptyRequestProperties {
		if !present[p] {
			t.Errorf("%s is gone from the request schemas; update the list", p)
		}
	}
	_, choice, ok := strings.Cut(strings.Join(strings.Fields(doc.Info.Description), " "), "**Fields the official SDKs leave out when empty**")
	if !ok {
		t.Fatal("openapi.yaml's choices have no bullet on the fields the official SDKs leave out when empty")
	}
	choice, _, _ = strings.Cut(choice, " - **")
	for _, field := range []string{"`organization_name`", "`email_address`", "`organization_ids`", "`role_id`", "`resource_id`",
		"`domain`", "`operator`", "`filter_name`", "`filter_value`", "`org_policy`", "`roles`", "`description`", "`permissions`",
		"`actions`", "`operands`"} {
		if !strings.Contains(choice, field) {
			t.Errorf("the choice on the fields the official SDKs leave out when empty does not decide %s", field)
		}
	}
}

// Stytch marks OR deprecated; so does this document.
func TestSpecDocumentsOperatorORAsDeprecated(t *testing.T) {
	doc := loadSpec(t)
	op := doc.Components.Schemas["SearchOperator"].Value
	if !slices.Contains(op.Enum, any("OR")) {
		t.Fatalf("SearchOperator no longer lists OR, which Stytch's spec still accepts")
	}
	for where, text := range map[string]string{
		"SearchOperator": op.Description,
		"introduction":   strings.Join(strings.Fields(doc.Info.Description), " "),
	} {
		if !strings.Contains(text, "`OR`") || !strings.Contains(text, "is deprecated") {
			t.Errorf("the %s does not say OR is deprecated", where)
		}
	}
}

// The RBAC actions this project chose where Stytch documents none are labelled as its choice.
func TestSpecLabelsTheProjectsOwnRBACActions(t *testing.T) {
	doc := loadSpec(t)
	desc := strings.Join(strings.Fields(doc.Info.Description), " ")
	_, bullet, ok := strings.Cut(desc, "**RBAC actions** that Stytch documents for no operation are this document's choice, not Stytch's")
	if !ok {
		t.Fatal("the choices of openapi.yaml have no bullet labelling the project's own RBAC actions")
	}
	bullet, _, _ = strings.Cut(bullet, " - **")
	for _, action := range []string{"`get` on `stytch.organization`", "`update.info.external-id`", "`update.settings.claimed-domains`",
		"`update.settings.connected-apps`", "`create` on `stytch.member` to reactivate", "`update.info.email`",
		"`get` and `revoke` on `stytch.member`"} {
		if !strings.Contains(bullet, action) {
			t.Errorf("the RBAC choice does not name %s", action)
		}
	}
}

// The JWK is Stytch's: nine fields, all required, the thumbprint named x5tS256.
func TestSpecJWKIsStytchs(t *testing.T) {
	jwk := loadSpec(t).Components.Schemas["JWK"].Value
	want := []string{"alg", "e", "key_ops", "kid", "kty", "n", "use", "x5c", "x5tS256"}
	if got := slices.Sorted(maps.Keys(jwk.Properties)); !slices.Equal(got, want) {
		t.Errorf("JWK properties = %v, want %v", got, want)
	}
	if got := slices.Sorted(slices.Values(jwk.Required)); !slices.Equal(got, want) {
		t.Errorf("JWK required = %v, want %v", got, want)
	}
}
