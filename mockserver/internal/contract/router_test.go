package contract

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The mock's router must answer exactly as kin-openapi's gorillamux router does for this spec:
// the same operation and parameters, the same 404 and 405.
func TestRouterAgreesWithKin(t *testing.T) {
	c := setup(t)
	kin, err := gorillamux.NewRouter(c.doc)
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"organization-test-1", "acme-corp", "crm%7C00421", "org%20a%2Fb", "ada%40acme.com", "passwords", "totp", "search", "members"}
	var paths []string
	for path := range c.doc.Paths.Map() {
		for _, v := range values {
			p := path
			for strings.Contains(p, "{") {
				i, j := strings.Index(p, "{"), strings.Index(p, "}")
				p = p[:i] + v + p[j+1:]
			}
			paths = append(paths, p)
		}
	}
	paths = append(paths, "/", "/v1", "/v1/b2b/organizations/", "/v1/b2b/organizations//metrics", "/v2/b2b/organizations",
		"/v1/b2b/organizations/acme/nope", "/v1/b2b/organizations/acme/members/m/totp/extra", "/v1/b2b/rbac/policy/")
	checked := 0
	for _, path := range paths {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
			req := httptest.NewRequest(method, "http://mock"+path, nil)
			rt, err := c.Route(req)
			params := map[string]string{}
			if err == nil {
				for i, name := range rt.tmpl.names {
					params[name] = rt.params[i]
				}
			}
			route, kinParams, kinErr := kin.FindRoute(req)
			switch {
			case kinErr != nil:
				if !errors.Is(err, kinErr) {
					t.Errorf("%s %s: kin says %v, the mock %v", method, path, kinErr, err)
				}
			case err != nil:
				t.Errorf("%s %s: kin finds %s, the mock says %v", method, path, route.Operation.OperationID, err)
			case rt.Operation().op != route.Operation:
				t.Errorf("%s %s: kin finds %s, the mock %s", method, path, route.Operation.OperationID, rt.Operation().ID())
			default:
				if len(params) != len(kinParams) {
					t.Errorf("%s %s: params %v, kin %v", method, path, params, kinParams)
				}
				for k, v := range kinParams {
					if params[k] != v {
						t.Errorf("%s %s: param %s = %q, kin %q", method, path, k, params[k], v)
					}
				}
				checked++
			}
		}
	}
	// Every operation with every value, but for the few values that turn a path into another
	// operation's literal path (an organization id of "search" is the search path).
	if checked < 34*len(values)-5 {
		t.Errorf("only %d matches compared", checked)
	}
}

// Routing allocates nothing; only a path with percent-escapes costs net/url one allocation (to
// check its RawPath against its Path).
func TestRoutingAllocatesNothing(t *testing.T) {
	c := setup(t)
	for _, path := range []string{"/v1/b2b/rbac/policy", "/v1/b2b/organizations/acme/members/member-test-1"} {
		req := httptest.NewRequest("GET", path, nil)
		if n := testing.AllocsPerRun(100, func() { _, _ = c.Route(req) }); n > 0 {
			t.Errorf("routing %s allocated %v times", path, n)
		}
	}
}

// Every path parameter arrives as one segment however odd the id, and reaches the handler
// decoded: the mock routes on the escaped path and unescapes each parameter once.
func TestRouterDecodesEveryParameter(t *testing.T) {
	c := setup(t)
	ids := map[string]string{ // id → its escaped segment
		".": "%2E", "..": "%2E%2E", "a/b": "a%2Fb", "%": "%25", "?": "%3F", "#": "%23",
		"zürich-東京": "z%C3%BCrich-%E6%9D%B1%E4%BA%AC", "%2E": "%252E",
	}
	checked := 0
	for _, tmpl := range c.router.paths {
		if len(tmpl.names) == 0 {
			continue
		}
		for id, segment := range ids {
			path := tmpl.path
			for _, name := range tmpl.names {
				path = strings.Replace(path, "{"+name+"}", segment, 1)
			}
			for method := range tmpl.ops {
				req := httptest.NewRequest(method, "http://mock"+path, nil)
				rt, err := c.Route(req)
				if err != nil || rt.tmpl != tmpl {
					t.Errorf("%s %s: found %v, %v; want %s", method, path, rt.tmpl, err, tmpl.path)
					continue
				}
				for name, got := range rt.Params {
					if got != id {
						t.Errorf("%s %s: %s decodes to %q, want %q", method, path, name, got, id)
					}
				}
				checked++
			}
		}
	}
	if checked < 30*len(ids) { // the 30 operations with a path parameter
		t.Errorf("only %d requests checked", checked)
	}
}
