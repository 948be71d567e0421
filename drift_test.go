package stytchorgs_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// This file checks that the hand-written types of this package cannot drift from openapi.yaml:
// each public type the client decodes a response into, or encodes a request from, has exactly the
// JSON properties of its component schema, with compatible Go types; and every success example
// of the spec decodes into the public types with no field left over.

// schemaPair ties a public type to the component schema it mirrors.
type schemaPair struct {
	goType reflect.Type
	schema string
	// ignore lists schema properties the type deliberately does not hold: the request_id and
	// status_code every response envelope repeats, which the client reads from HTTP instead.
	ignore []string
}

// envelopeFields is the bookkeeping of every response body.
var envelopeFields = []string{"request_id", "status_code"}

// responseTypes are the types the client decodes responses into.
var responseTypes = []schemaPair{
	{reflect.TypeFor[stytchorgs.Organization](), "Organization", nil},
	{reflect.TypeFor[stytchorgs.Member](), "Member", nil},
	{reflect.TypeFor[stytchorgs.SSOActiveConnection](), "SSOActiveConnection", nil},
	{reflect.TypeFor[stytchorgs.SCIMActiveConnection](), "SCIMActiveConnection", nil},
	{reflect.TypeFor[stytchorgs.ImplicitRoleAssignment](), "EmailImplicitRoleAssignment", nil},
	// OAuthTenants is not paired: allowed_oauth_tenants is a free-form object, and
	// TestOAuthTenantsKeepsUnknownProviders checks the typed view of it.
	{reflect.TypeFor[stytchorgs.MemberRole](), "MemberRole", nil},
	{reflect.TypeFor[stytchorgs.MemberRoleSource](), "MemberRoleSource", nil},
	{reflect.TypeFor[stytchorgs.SSORegistration](), "SSORegistration", nil},
	{reflect.TypeFor[stytchorgs.OAuthRegistration](), "OAuthRegistration", nil},
	{reflect.TypeFor[stytchorgs.SCIMRegistration](), "SCIMRegistration", nil},
	{reflect.TypeFor[stytchorgs.SCIMAttributes](), "SCIMAttributes", nil},
	{reflect.TypeFor[stytchorgs.SCIMValue](), "SCIMValue", nil},
	{reflect.TypeFor[stytchorgs.SCIMGroup](), "SCIMGroup", nil},
	{reflect.TypeFor[stytchorgs.SCIMAddress](), "SCIMAddress", nil},
	{reflect.TypeFor[stytchorgs.SCIMName](), "SCIMName", nil},
	{reflect.TypeFor[stytchorgs.SCIMEnterpriseExtension](), "SCIMEnterpriseExtension", nil},
	{reflect.TypeFor[stytchorgs.SCIMManager](), "SCIMManager", nil},
	{reflect.TypeFor[stytchorgs.RetiredEmail](), "RetiredEmail", nil},
	{reflect.TypeFor[stytchorgs.OrganizationConnectedApp](), "OrganizationConnectedApp", nil},
	{reflect.TypeFor[stytchorgs.ConnectedAppMember](), "ConnectedAppActiveMember", nil},
	{reflect.TypeFor[stytchorgs.MemberConnectedApp](), "MemberConnectedApp", nil},
	{reflect.TypeFor[stytchorgs.OIDCTokens](), "OIDCProviderInfo", nil},
	{reflect.TypeFor[stytchorgs.SlackTokens](), "SlackProviderInfo", nil},
	{reflect.TypeFor[stytchorgs.HubSpotTokens](), "HubspotProviderInfo", nil},
	{reflect.TypeFor[stytchorgs.GitHubTokens](), "GithubProviderInfo", nil},
	{reflect.TypeFor[stytchorgs.Policy](), "Policy", nil},
	{reflect.TypeFor[stytchorgs.Role](), "PolicyRole", nil},
	{reflect.TypeFor[stytchorgs.Permission](), "PolicyPermission", nil},
	{reflect.TypeFor[stytchorgs.Resource](), "PolicyResource", nil},
	{reflect.TypeFor[stytchorgs.Scope](), "PolicyScope", nil},
	{reflect.TypeFor[stytchorgs.OrganizationPolicy](), "OrganizationPolicy", nil},
	{reflect.TypeFor[stytchorgs.JWK](), "JWK", nil},
	// These four are whole response bodies, decoded without an envelope type.
	{reflect.TypeFor[stytchorgs.OrganizationMetrics](), "OrganizationMetricsResponse", envelopeFields},
	{reflect.TypeFor[stytchorgs.ConnectedAppDetails](), "OrganizationConnectedAppResponse", envelopeFields},
	{reflect.TypeFor[stytchorgs.OAuthTokens](), "GoogleOAuthTokensResponse", envelopeFields},
	{reflect.TypeFor[stytchorgs.OAuthTokens](), "MicrosoftOAuthTokensResponse", envelopeFields},
}

// requestTypes are the params the client encodes request bodies from. Their JSON names must
// be exactly the schema's properties: every property the API accepts can be sent.
var requestTypes = []schemaPair{
	{reflect.TypeFor[stytchorgs.OrganizationCreateParams](), "OrganizationCreateRequest", nil},
	{reflect.TypeFor[stytchorgs.OrganizationUpdateParams](), "OrganizationUpdateRequest", nil},
	{reflect.TypeFor[stytchorgs.MemberCreateParams](), "MemberCreateRequest", nil},
	{reflect.TypeFor[stytchorgs.MemberUpdateParams](), "MemberUpdateRequest", nil},
	{reflect.TypeFor[stytchorgs.RetiredEmailParams](), "MemberUnlinkRetiredEmailRequest", nil},
	{reflect.TypeFor[stytchorgs.StartEmailUpdateParams](), "MemberStartEmailUpdateRequest", nil},
	// SetOrganizationPolicy's org_policy, its roles and their permissions.
	{reflect.TypeFor[stytchorgs.OrganizationPolicy](), "OrganizationPolicyInput", nil},
	{reflect.TypeFor[stytchorgs.Role](), "PolicyRoleInput", nil},
	{reflect.TypeFor[stytchorgs.Permission](), "PolicyPermissionInput", nil},
}

var timeType = reflect.TypeFor[time.Time]()

// jsonField is one JSON property of a Go struct, as encoding/json sees it.
type jsonField struct {
	json   string       // the property name
	goPath string       // Type.Field, through embedded structs
	typ    reflect.Type // the field's type
	omit   bool         // omitempty or omitzero
}

// jsonFields lists the JSON properties of a struct type the way encoding/json does: fields
// tagged "-" and unexported fields are left out, untagged exported fields use their Go name, and
// the fields of embedded structs without a tag are promoted. It reports names that two fields
// share, which encoding/json would silently drop.
func jsonFields(t reflect.Type) (fields []jsonField, problems []string) {
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, hasTag := f.Tag.Lookup("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, path+"."+f.Name)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
				if !hasTag {
					problems = append(problems, fmt.Sprintf("%s.%s has no json tag, so encoding/json uses the key %q", path, f.Name, name))
				}
			}
			omit := false
			for o := range strings.SplitSeq(opts, ",") {
				omit = omit || o == "omitempty" || o == "omitzero"
			}
			fields = append(fields, jsonField{json: name, goPath: path + "." + f.Name, typ: ft, omit: omit})
		}
	}
	walk(t, t.Name())
	seen := map[string]string{}
	for _, f := range fields {
		if other, ok := seen[f.json]; ok {
			problems = append(problems, fmt.Sprintf("%s and %s both encode as %q; encoding/json drops both", other, f.goPath, f.json))
		}
		seen[f.json] = f.goPath
	}
	return fields, problems
}

// unwrapType strips what stands between a field and the value the JSON holds: pointers, and
// stytchorgs.Optional[T], whose T is what is sent.
func unwrapType(t reflect.Type) reflect.Type {
	for {
		switch {
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
		case t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[stytchorgs.Organization]().PkgPath() && strings.HasPrefix(t.Name(), "Optional["):
			f, ok := t.FieldByName("value")
			if !ok {
				return t
			}
			t = f.Type
		default:
			return t
		}
	}
}

// schemaName returns the component name a $ref points at, "" for an inline schema.
func schemaName(ref *openapi3.SchemaRef) string {
	name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/")
	if !ok {
		return ""
	}
	return name
}

// checkFieldType reports how a Go type fails to hold the values a schema allows. paired maps a
// component schema to the client type that mirrors it: a property that refers to such a schema
// must use that very type.
func checkFieldType(where string, gt reflect.Type, ref *openapi3.SchemaRef, paired map[string]reflect.Type) []string {
	s := ref.Value
	if s == nil {
		return []string{fmt.Sprintf("%s: schema %q is unresolved", where, ref.Ref)}
	}
	declared := gt
	gt = unwrapType(gt)
	bad := func(want string) []string {
		return []string{fmt.Sprintf("%s is %s, but the schema says %s, which needs %s", where, declared, describeSchema(s), want)}
	}
	switch {
	case s.Type == nil || len(s.Type.Slice()) == 0:
		return nil // any JSON value
	case s.Type.Is("string"):
		if s.Format == "date-time" {
			if gt != timeType {
				return bad("time.Time")
			}
			return nil
		}
		if gt == timeType || gt.Kind() != reflect.String {
			return bad("a string type")
		}
	case s.Type.Is("integer"):
		switch gt.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			return bad("an integer type")
		}
		if want := map[string]int{"int32": 32, "int64": 64}[s.Format]; gt.Bits() < want {
			return bad(fmt.Sprintf("an integer type of at least %d bits", want))
		}
	case s.Type.Is("number"):
		if gt.Kind() != reflect.Float64 && gt.Kind() != reflect.Float32 {
			return bad("a float type")
		}
	case s.Type.Is("boolean"):
		if gt.Kind() != reflect.Bool {
			return bad("bool")
		}
	case s.Type.Is("array"):
		if gt.Kind() != reflect.Slice && gt.Kind() != reflect.Array {
			return bad("a slice")
		}
		if s.Items != nil {
			return checkFieldType(where+"[]", gt.Elem(), s.Items, paired)
		}
	case s.Type.Is("object"):
		switch gt.Kind() {
		case reflect.Struct:
			if gt == timeType {
				return bad("a struct or map")
			}
			if want, ok := paired[schemaName(ref)]; ok && want != gt {
				return []string{fmt.Sprintf("%s is %s, but the schema is %s, which the client mirrors as %s", where, declared, schemaName(ref), want)}
			}
		case reflect.Map:
			if gt.Key().Kind() != reflect.String {
				return bad("a map keyed by strings")
			}
			if ap := s.AdditionalProperties.Schema; ap != nil {
				return checkFieldType(where+"[key]", gt.Elem(), ap, paired)
			}
		default:
			return bad("a struct, a pointer to a struct or a map")
		}
	}
	return nil
}

func describeSchema(s *openapi3.Schema) string {
	d := strings.Join(s.Type.Slice(), "|")
	if s.Format != "" {
		d += " (" + s.Format + ")"
	}
	return d
}

// compareWithSchema reports every difference between a Go type's JSON properties and a schema's.
// request adds the checks of request params: a property the schema requires must not be left
// out when empty.
func compareWithSchema(doc *openapi3.T, p schemaPair, request bool, paired map[string]reflect.Type) []string {
	ref := doc.Components.Schemas[p.schema]
	if ref == nil || ref.Value == nil {
		return []string{fmt.Sprintf("openapi.yaml has no components/schemas/%s, which %s mirrors", p.schema, p.goType)}
	}
	s := ref.Value
	if !s.Type.Is("object") {
		return []string{fmt.Sprintf("components/schemas/%s is %s, not an object", p.schema, describeSchema(s))}
	}
	fields, problems := jsonFields(p.goType)
	byName := map[string]jsonField{}
	for _, f := range fields {
		byName[f.json] = f
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if slices.Contains(p.ignore, name) {
			if f, ok := byName[name]; ok {
				problems = append(problems, fmt.Sprintf("%s has %s for %q, which the test expects the client to ignore; drop it from the ignore list", p.goType, f.goPath, name))
			}
			continue
		}
		f, ok := byName[name]
		if !ok {
			what := "the API sends it and the client drops it"
			if request {
				what = "the API accepts it and the client cannot send it"
			}
			problems = append(problems, fmt.Sprintf("%s has no field for schema %s property %q (%s) — %s", p.goType, p.schema, name, describeSchema(s.Properties[name].Value), what))
			continue
		}
		problems = append(problems, checkFieldType(fmt.Sprintf("%s (json %q)", f.goPath, name), f.typ, s.Properties[name], paired)...)
		if request && f.omit && slices.Contains(s.Required, name) {
			problems = append(problems, fmt.Sprintf("%s (json %q) is omitempty/omitzero, but schema %s requires the property", f.goPath, name, p.schema))
		}
	}
	for _, f := range fields {
		if _, ok := s.Properties[f.json]; !ok {
			problems = append(problems, fmt.Sprintf("%s (json %q) is not a property of schema %s", f.goPath, f.json, p.schema))
		}
	}
	return problems
}

// pairedSchemas maps each component schema to the public type that mirrors it.
func pairedSchemas() map[string]reflect.Type {
	paired := map[string]reflect.Type{}
	for _, p := range slices.Concat(responseTypes, requestTypes) {
		if p.ignore == nil {
			paired[p.schema] = p.goType
		}
	}
	return paired
}

// TestSpecResponseTypesMatchSchemas checks each response type against its schema: the same JSON
// property names both ways, and Go types that hold what the schema allows.
func TestSpecResponseTypesMatchSchemas(t *testing.T) {
	doc := loadSpec(t)
	paired := pairedSchemas()
	for _, p := range responseTypes {
		t.Run(p.goType.Name()+"="+p.schema, func(t *testing.T) {
			for _, problem := range compareWithSchema(doc, p, false, paired) {
				t.Error(problem)
			}
		})
	}
}

// TestSpecRequestParamsMatchSchemas checks each params struct against its request schema: every
// property the API accepts can be sent, nothing else is sent, required properties are never
// omitted, and Optional[T] fields hold a T the schema allows.
func TestSpecRequestParamsMatchSchemas(t *testing.T) {
	doc := loadSpec(t)
	paired := pairedSchemas()
	for _, p := range requestTypes {
		t.Run(p.goType.Name()+"="+p.schema, func(t *testing.T) {
			for _, problem := range compareWithSchema(doc, p, true, paired) {
				t.Error(problem)
			}
		})
	}
}

// examplesWanted are the success examples the round trip must find: if one is renamed or
// removed the test says so rather than silently checking less.
var examplesWanted = []string{
	"OrganizationResponse", "MemberResponse", "OrganizationSearchResponse", "MemberSearchResponse",
	"RBACPolicyResponse", "OrganizationRBACPolicyResponse",
}

// decodeStrict decodes one JSON value into a new T, refusing any property T has no field
// for, and returns it re-encoded. When the strict decode fails it still returns, if it can, the
// re-encoded result of a lenient decode, so that the round trip can list every value lost rather
// than only the first unknown property.
func decodeStrict[T any](raw json.RawMessage) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var v T
	if err := dec.Decode(&v); err != nil {
		err = fmt.Errorf("decoding into %s with unknown fields disallowed: %w", reflect.TypeFor[T](), err)
		var lenient T
		if json.Unmarshal(raw, &lenient) != nil {
			return nil, err
		}
		again, merr := json.Marshal(lenient)
		if merr != nil {
			return nil, err
		}
		return again, err
	}
	return json.Marshal(v)
}

// propertyDecoder decodes one top-level property of a response example.
type propertyDecoder func(raw json.RawMessage) ([]byte, error)

// exampleProperties says where the client puts each top-level property of a success
// response: into which public type, or nowhere, deliberately.
var exampleProperties = map[string]propertyDecoder{
	"organization": decodeStrict[stytchorgs.Organization],
	"member":       decodeStrict[stytchorgs.Member],
	"members":      decodeStrict[[]stytchorgs.Member],
	"policy":       decodeStrict[stytchorgs.Policy],
	"org_policy":   decodeStrict[stytchorgs.OrganizationPolicy],
	// organizations is a list in an organization search and a map keyed by organization id
	// in a member search.
	"organizations": func(raw json.RawMessage) ([]byte, error) {
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			return decodeStrict[map[string]stytchorgs.Organization](raw)
		}
		return decodeStrict[[]stytchorgs.Organization](raw)
	},
	// results_metadata is read by the client's unexported resultsMetadata and surfaced as
	// OrganizationPage/MemberPage Total and NextCursor; this mirrors those two fields.
	"results_metadata": decodeStrict[struct {
		Total      int     `json:"total"`
		NextCursor *string `json:"next_cursor"`
	}],
	// Envelope bookkeeping the client does not return: the request id and status come from
	// HTTP, and member_id/organization_id repeat ids of the member and organization objects.
	"request_id":      nil,
	"status_code":     nil,
	"member_id":       nil,
	"organization_id": nil,
}

// TestSpecExamplesRoundTrip decodes every success example of components/examples into the
// client's public types with unknown fields refused, encodes the result again, and checks that
// nothing but empty values was lost on the way.
func TestSpecExamplesRoundTrip(t *testing.T) {
	doc := loadSpec(t)
	found := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Examples)) {
		if strings.HasPrefix(name, "Error") {
			continue
		}
		found[name] = true
		ex := doc.Components.Examples[name]
		t.Run(name, func(t *testing.T) {
			if ex.Value == nil || ex.Value.Value == nil {
				t.Fatalf("components/examples/%s has no value", name)
			}
			body, err := json.Marshal(ex.Value.Value)
			if err != nil {
				t.Fatalf("components/examples/%s does not encode as JSON: %v", name, err)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(body, &top); err != nil {
				t.Fatalf("components/examples/%s is not a JSON object: %v", name, err)
			}
			for _, key := range slices.Sorted(maps.Keys(top)) {
				decode, known := exampleProperties[key]
				switch {
				case !known:
					t.Errorf("example %s: top-level property %q has no home in the client (and no entry in exampleProperties)", name, key)
					continue
				case decode == nil:
					continue
				}
				again, err := decode(top[key])
				if err != nil {
					t.Errorf("example %s: property %q: %v", name, key, err)
				}
				if again == nil {
					continue
				}
				var before, after any
				if err := json.Unmarshal(top[key], &before); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(again, &after); err != nil {
					t.Fatal(err)
				}
				for _, d := range jsonDiff(key, before, after) {
					t.Errorf("example %s: round trip through the client's type changed %s", name, d)
				}
			}
		})
	}
	for _, name := range examplesWanted {
		if !found[name] {
			t.Errorf("openapi.yaml has no components/examples/%s to round-trip", name)
		}
	}
}

// jsonDiff compares a decoded JSON value before and after a trip through a client type. A
// property may appear or vanish only when its value is empty (null, "", 0, false, [] or {}):
// the client's omitempty and nil slices make those indistinguishable by design.
func jsonDiff(path string, before, after any) []string {
	switch b := before.(type) {
	case map[string]any:
		a, ok := after.(map[string]any)
		if !ok {
			if isEmpty(b) && isEmpty(after) {
				return nil
			}
			return []string{fmt.Sprintf("%s from %s to %s", path, show(before), show(after))}
		}
		var diffs []string
		keys := maps.Clone(b)
		maps.Copy(keys, a)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			bv, inB := b[k]
			av, inA := a[k]
			switch {
			case inB && !inA:
				if !isEmpty(bv) {
					diffs = append(diffs, fmt.Sprintf("%s.%s: the value %s was dropped", path, k, show(bv)))
				}
			case inA && !inB:
				if !isEmpty(av) {
					diffs = append(diffs, fmt.Sprintf("%s.%s: the value %s appeared from nowhere", path, k, show(av)))
				}
			default:
				diffs = append(diffs, jsonDiff(path+"."+k, bv, av)...)
			}
		}
		return diffs
	case []any:
		a, ok := after.([]any)
		if !ok || len(a) != len(b) {
			if isEmpty(b) && isEmpty(after) {
				return nil
			}
			return []string{fmt.Sprintf("%s from %s to %s", path, show(before), show(after))}
		}
		var diffs []string
		for i := range b {
			diffs = append(diffs, jsonDiff(fmt.Sprintf("%s[%d]", path, i), b[i], a[i])...)
		}
		return diffs
	default:
		if reflect.DeepEqual(before, after) || (isEmpty(before) && isEmpty(after)) {
			return nil
		}
		return []string{fmt.Sprintf("%s from %s to %s", path, show(before), show(after))}
	}
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
