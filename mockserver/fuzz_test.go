package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzTargets are the requests the fuzzer varies: the writes with the richest bodies, the
// searches, and the query strings.
var fuzzTargets = []struct {
	method, path string
}{
	{"POST", "/v1/b2b/organizations"},
	{"PUT", "/v1/b2b/organizations/acme"},
	{"POST", "/v1/b2b/organizations/search"},
	{"POST", "/v1/b2b/organizations/acme/members"},
	{"PUT", "/v1/b2b/organizations/acme/members/emp-1"},
	{"POST", "/v1/b2b/organizations/members/search"},
	{"GET", "/v1/b2b/organizations/acme/member"},
	{"GET", "/v1/b2b/organizations/members/dangerously_get/member-test-00000000-0000-4000-8000-000000000001"},
	{"PUT", "/v1/b2b/rbac/organizations/acme"},
	{"POST", "/v1/b2b/organizations/acme/members/emp-1/unlink_retired_email"},
}

const fuzzProject = "project-test-fuzz"

func fuzzMock(t testing.TB) *Mock {
	m := setup(t)
	seed := []byte(`{"project_id":"project-test-fuzz","organizations":[{"organization_name":"Acme","organization_slug":"acme","members":[
		{"member_id":"member-test-00000000-0000-4000-8000-000000000001","email_address":"ada@acme.com","external_id":"emp-1","email_address_verified":true,"retired_email_addresses":["old@acme.com"]}]}]}`)
	f, err := ParseFixture(seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Seed(f); err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzRequests sends arbitrary bodies and query strings to the operations above. Whatever
// arrives: no panic, no 5xx, every error Stytch-shaped, no response that breaks the spec, and a
// rejected request changes nothing.
func FuzzRequests(f *testing.F) {
	for i, body := range []string{
		`{"organization_name":"Acme Corporation","organization_slug":"acme-corp","email_allowed_domains":["acme.com"],"trusted_metadata":{"a":1}}`,
		`{"organization_name":"X","auth_methods":"RESTRICTED","allowed_auth_methods":["sso"],"mfa_policy":"REQUIRED_FOR_ALL"}`,
		`{"trusted_metadata":{"a":null,"b":{"c":[1,2]}},"email_jit_provisioning":"RESTRICTED"}`,
		`{"query":{"operator":"AND","operands":[{"filter_name":"organization_name_fuzzy","filter_value":"acm"}]},"limit":2}`,
		`{"query":{"operator":"OR","operands":[{"filter_name":"member_emails","filter_value":["ada@acme.com"]}]}}`,
		`{"email_address":"grace@acme.com","roles":["stytch_admin"],"mfa_phone_number":"+12025550123"}`,
		`{"name":"Ada","untrusted_metadata":{"theme":"dark"},"roles":[]}`,
		`{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"statuses","filter_value":["deleted"]}]}}`,
		`{"org_policy":{"roles":[{"role_id":"viewer","description":"v","permissions":[]}]}}`,
		`{"email_address":"old@acme.com"}`,
		`{"cursor":"djEuMS4xLjEuMQ","limit":0}`,
		`{"organization_name":"A","ORGANIZATION_SLUG":"x y"}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"organization_name":"A"} {"x":1}`,
	} {
		f.Add(uint8(i), []byte(body), "email_address=ada%40acme.com&include_deleted=true")
	}
	f.Add(uint8(6), []byte(nil), "member_id=emp-1")
	f.Add(uint8(7), []byte(nil), "include_deleted=maybe")

	m := fuzzMock(f)
	f.Fuzz(func(t *testing.T, which uint8, body []byte, query string) {
		target := fuzzTargets[int(which)%len(fuzzTargets)]
		u := target.path
		if q, err := url.ParseQuery(query); err == nil && len(query) < 512 {
			u += "?" + q.Encode()
		}
		project := m.store.Project(fuzzProject)
		before := project.Generation()
		req := httptest.NewRequest(target.method, u, bytes.NewReader(body))
		req.SetBasicAuth(fuzzProject, "secret")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", target.method, u, body, rec.Code, rec.Body)
		}
		if violations := m.ContractViolations(); len(violations) > 0 {
			t.Fatalf("%s %s %q: the mock broke the spec: %v", target.method, u, body, violations)
		}
		if rec.Code != http.StatusOK {
			var e struct {
				StatusCode   int    `json:"status_code"`
				RequestID    string `json:"request_id"`
				ErrorType    string `json:"error_type"`
				ErrorMessage string `json:"error_message"`
				ErrorURL     string `json:"error_url"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.StatusCode != rec.Code || e.ErrorType == "" ||
				e.ErrorMessage == "" || !strings.HasSuffix(e.ErrorURL, "#"+e.ErrorType) || !strings.HasPrefix(e.RequestID, "request-id-test-") {
				t.Fatalf("%s %s %q: error not Stytch-shaped: %d %s", target.method, u, body, rec.Code, rec.Body)
			}
			if after := project.Generation(); after != before {
				t.Fatalf("%s %s %q: rejected with %s but the state changed", target.method, u, body, e.ErrorType)
			}
		}
	})
}
