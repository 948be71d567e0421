package stytchorgs

import (
	"encoding/json"
	"testing"
)

func TestUpdateParamsSendOnlyWhatIsSet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params any
		want   string
	}{
		{"nothing", OrganizationUpdateParams{}, `{}`},
		{"a name", OrganizationUpdateParams{Name: Set("Acme")}, `{"organization_name":"Acme"}`},
		{"an empty string", OrganizationUpdateParams{SSODefaultConnectionID: Clear[string]()}, `{"sso_default_connection_id":""}`},
		{"an empty list", OrganizationUpdateParams{EmailAllowedDomains: Set([]string{})}, `{"email_allowed_domains":[]}`},
		{"a nil list clears too", OrganizationUpdateParams{AllowedAuthMethods: Set[[]AuthMethod](nil)}, `{"allowed_auth_methods":[]}`},
		{"Clear of a list", OrganizationUpdateParams{ClaimedEmailDomains: Clear[[]string]()}, `{"claimed_email_domains":[]}`},
		{"an enum", OrganizationUpdateParams{MFAPolicy: Set(MFARequiredForAll)}, `{"mfa_policy":"REQUIRED_FOR_ALL"}`},
		{"false", MemberUpdateParams{MFAEnrolled: Set(false), IsBreakglass: Clear[bool]()}, `{"is_breakglass":false,"mfa_enrolled":false}`},
		{"metadata patch", MemberUpdateParams{UntrustedMetadata: MetadataPatch{}.Delete("theme")}, `{"untrusted_metadata":{"theme":null}}`},
		{"an empty patch is not sent", MemberUpdateParams{TrustedMetadata: MetadataPatch{}}, `{}`},
	} {
		b, err := json.Marshal(tc.params)
		if err != nil {
			t.Fatal(err)
		}
		var got, want any
		_ = json.Unmarshal(b, &got)
		_ = json.Unmarshal([]byte(tc.want), &want)
		if string(mustJSON(got)) != string(mustJSON(want)) {
			t.Errorf("%s: sent %s, want %s", tc.name, b, tc.want)
		}
	}
	o := Set("x")
	if v, ok := o.Get(); !ok || v != "x" {
		t.Errorf("Get = %q %v", v, ok)
	}
	var zero Optional[string]
	if _, ok := zero.Get(); ok || !zero.IsZero() {
		t.Errorf("the zero Optional is set")
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
