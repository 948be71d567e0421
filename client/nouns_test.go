package client

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs"
)

// rootNames are the exported names the root package declares outside its tests, by kind
// (type, const, func), read from its source.
func rootNames(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("../*.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names["func"] = append(names["func"], d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names["type"] = append(names["type"], s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names[d.Tok.String()] = append(names[d.Tok.String()], n.Name)
							}
						}
					}
				}
			}
		}
	}
	if len(names["type"]) == 0 {
		t.Fatal("found no exported type in the root package")
	}
	return names
}

// The client re-exports every noun of the root package under its own name, as the same type or
// value, so that code written against package client compiles and means the same.
func TestClientReExportsEveryNoun(t *testing.T) {
	aliases := map[string]reflect.Type{}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[AccessSetting](), reflect.TypeFor[MFAPolicy](), reflect.TypeFor[AuthMethod](), reflect.TypeFor[MFAMethod](),
		reflect.TypeFor[MemberStatus](), reflect.TypeFor[ConnectedAppClientType](),
		reflect.TypeFor[Organization](), reflect.TypeFor[SSOActiveConnection](), reflect.TypeFor[SCIMActiveConnection](),
		reflect.TypeFor[ImplicitRoleAssignment](), reflect.TypeFor[OAuthTenants](), reflect.TypeFor[OrganizationMetrics](),
		reflect.TypeFor[Member](), reflect.TypeFor[MemberRole](), reflect.TypeFor[MemberRoleSource](), reflect.TypeFor[SSORegistration](),
		reflect.TypeFor[OAuthRegistration](), reflect.TypeFor[SCIMRegistration](), reflect.TypeFor[SCIMAttributes](), reflect.TypeFor[SCIMValue](),
		reflect.TypeFor[SCIMGroup](), reflect.TypeFor[SCIMAddress](), reflect.TypeFor[SCIMName](), reflect.TypeFor[SCIMEnterpriseExtension](),
		reflect.TypeFor[SCIMManager](), reflect.TypeFor[RetiredEmail](),
		reflect.TypeFor[OrganizationConnectedApp](), reflect.TypeFor[ConnectedAppDetails](), reflect.TypeFor[ConnectedAppMember](),
		reflect.TypeFor[MemberConnectedApp](),
		reflect.TypeFor[OIDCTokens](), reflect.TypeFor[OAuthTokens](), reflect.TypeFor[SlackTokens](), reflect.TypeFor[HubSpotTokens](),
		reflect.TypeFor[GitHubTokens](),
		reflect.TypeFor[Policy](), reflect.TypeFor[Role](), reflect.TypeFor[Permission](), reflect.TypeFor[Resource](), reflect.TypeFor[Scope](),
		reflect.TypeFor[OrganizationPolicy](), reflect.TypeFor[JWK](),
		reflect.TypeFor[OrganizationCreateParams](), reflect.TypeFor[OrganizationUpdateParams](), reflect.TypeFor[MemberCreateParams](),
		reflect.TypeFor[MemberUpdateParams](), reflect.TypeFor[RetiredEmailParams](), reflect.TypeFor[StartEmailUpdateParams](),
		reflect.TypeFor[Metadata](), reflect.TypeFor[MetadataPatch](), reflect.TypeFor[MetadataError](),
	} {
		if typ.PkgPath() != "github.com/b2bkit/stytchorgs" {
			t.Errorf("client.%s is %s, not the root package's type", typ.Name(), typ)
		}
		aliases[typ.Name()] = typ
	}
	// Optional is generic: its instances are the root's.
	if typ := reflect.TypeFor[Optional[string]](); typ != reflect.TypeFor[stytchorgs.Optional[string]]() {
		t.Errorf("client.Optional[string] is %s", typ)
	}
	aliases["Optional"] = nil

	names := rootNames(t)
	var missing []string
	for _, name := range names["type"] {
		if _, ok := aliases[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the client does not re-export the root's types %v (add them to nouns.go and to this test)", missing)
	}

	// Constants and functions: the client declares each name, read from its source.
	declared := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "nouns.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			declared[n.Name.Name] = true
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		}
		return true
	})
	for _, name := range slices.Concat(names["const"], names["func"]) {
		if !declared[name] && name != "OpenAPISpec" { // the spec is not a noun
			t.Errorf("the client does not re-export the root's %s", name)
		}
	}
}

// Code written when the nouns lived in package client, with the enum values' old names,
// compiles and sends what it sent.
func TestOldNamesStillWork(t *testing.T) {
	params := OrganizationCreateParams{
		Name: "Acme", SSOJITProvisioning: AllAllowed, EmailJITProvisioning: Restricted, EmailInvites: NotAllowed,
		TrustedMetadata: Metadata{"tier": "gold"},
	}
	update := OrganizationUpdateParams{Name: Set("Acme Corp"), SSODefaultConnectionID: Clear[string](), TrustedMetadata: MetadataPatch{}.Delete("tier")}
	var root stytchorgs.OrganizationCreateParams = params // the same type: no conversion
	if diff := cmp.Diff(root, params); diff != "" {
		t.Error(diff)
	}
	for _, pair := range [][2]any{
		{AllAllowed, stytchorgs.AccessAllAllowed}, {Restricted, stytchorgs.AccessRestricted}, {NotAllowed, stytchorgs.AccessNotAllowed},
		{FirstParty, stytchorgs.ConnectedAppFirstParty}, {FirstPartyPublic, stytchorgs.ConnectedAppFirstPartyPublic},
		{ThirdParty, stytchorgs.ConnectedAppThirdParty}, {ThirdPartyPublic, stytchorgs.ConnectedAppThirdPartyPublic},
	} {
		if pair[0] != pair[1] { // the same type and value
			t.Errorf("%#v is not %#v", pair[0], pair[1])
		}
	}
	for _, tc := range []struct {
		params any
		want   string
	}{
		{params, `{"organization_name":"Acme","trusted_metadata":{"tier":"gold"},` +
			`"sso_jit_provisioning":"ALL_ALLOWED","email_jit_provisioning":"RESTRICTED","email_invites":"NOT_ALLOWED"}`},
		{update, `{"organization_name":"Acme Corp","trusted_metadata":{"tier":null},"sso_default_connection_id":""}`},
	} {
		if b, err := json.Marshal(tc.params); err != nil || string(b) != tc.want {
			t.Errorf("sent %s (%v), want %s", b, err, tc.want)
		}
	}
	if m, err := MetadataOf(struct {
		Seats int `json:"seats"`
	}{3}); err != nil || m["seats"] != 3.0 {
		t.Errorf("MetadataOf = %v, %v", m, err)
	}
}
