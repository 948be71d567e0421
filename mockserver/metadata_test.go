package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// Numbers in metadata come back exactly as they were sent, even integers beyond 2^53, which a
// float64 rounds (9007199254740993 would come back as 9007199254740992): on create, through an
// update's merge, in both metadata of members, and from fixtures given as JSON or as Go values.
func TestMetadataNumbersStayExact(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const big, huge = "9007199254740993", "-123456789012345678901234567890"
	wantIn := func(what string, body []byte, fragments ...string) {
		t.Helper()
		for _, f := range fragments {
			if !strings.Contains(string(body), f) {
				t.Errorf("%s: %s not in %s", what, f, body)
			}
		}
	}

	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Exact","organization_slug":"exact","trusted_metadata":{"big":`+big+`}}`)
	e.expectOK(status, body, nil)
	wantIn("create organization", body, `"big":`+big)
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/exact", `{"trusted_metadata":{"huge":`+huge+`}}`)
	e.expectOK(status, body, nil)
	wantIn("update organization", body, `"big":`+big, `"huge":`+huge)
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/exact", nil)
	e.expectOK(status, body, nil)
	wantIn("get organization", body, `"big":`+big, `"huge":`+huge)

	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/exact/members",
		`{"email_address":"ada@exact.com","external_id":"ada","trusted_metadata":{"t":`+big+`},"untrusted_metadata":{"u":`+big+`}}`)
	e.expectOK(status, body, nil)
	wantIn("create member", body, `"t":`+big, `"u":`+big)
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/exact/members/ada",
		`{"trusted_metadata":{"t2":`+huge+`},"untrusted_metadata":{"u2":`+huge+`}}`)
	e.expectOK(status, body, nil)
	wantIn("update member", body, `"t":`+big, `"u":`+big, `"t2":`+huge, `"u2":`+huge)

	f, err := mockserver.ParseFixture([]byte(`{"project_id":"` + e.project + `","organizations":[{"organization_name":"From JSON","organization_slug":"from-json",` +
		`"trusted_metadata":{"big":` + big + `},"members":[{"email_address":"grace@from-json.com","untrusted_metadata":{"u":` + big + `}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e.seed(f)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{OrganizationCreateParams: client.OrganizationCreateParams{
		Name: "From Go", Slug: "from-go", TrustedMetadata: client.Metadata{"big": int64(9007199254740993), "num": json.Number(huge)}}}}})
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/from-json", nil)
	e.expectOK(status, body, nil)
	wantIn("fixture organization from JSON", body, `"big":`+big)
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/from-json/member?email_address=grace@from-json.com", nil)
	e.expectOK(status, body, nil)
	wantIn("fixture member from JSON", body, `"u":`+big)
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/from-go", nil)
	e.expectOK(status, body, nil)
	wantIn("fixture organization from Go", body, `"big":`+big, `"num":`+huge)
}
