package contracttest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/client"
)

func TestRepeatedSlashes(t *testing.T) {
	check(t, rule{name: "repeated slashes", area: areaChoices, choice: "Repeated slashes", says: "repeated slashes in a path count as one, but an empty segment is never a path parameter"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		c.saw("//v1/…: 200", "//v1/…: "+c.raw("GET", "//v1/b2b/organizations/"+o.ID, nil).String())
		c.saw("/organizations//metrics: 404 route_not_found", "/organizations//metrics: "+c.raw("GET", "/v1/b2b/organizations//metrics", nil).String())
	})
}

func TestErrorBodiesAreStytchShaped(t *testing.T) {
	check(t, rule{name: "error body shape", area: areaChoices, choice: "Error bodies", says: "an error body has status_code, request_id, error_type, error_message and error_url, and no OAuth2-shaped fields"}, func(c *ct) {
		a := c.raw("GET", "/v1/b2b/organizations/"+c.slug("absent"), nil)
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(a.body, &fields); err != nil {
			c.Fatalf("the error body is not JSON: %q", a.body)
		}
		var shape []string
		for _, f := range []string{"status_code", "request_id", "error_type", "error_message", "error_url", "error", "error_description", "error_uri"} {
			if _, ok := fields[f]; ok {
				shape = append(shape, f)
			}
		}
		c.saw("status_code request_id error_type error_message error_url", strings.Join(shape, " "))
		if a.StatusCode != a.status {
			c.Errorf("status_code %d in a %d answer", a.StatusCode, a.status)
		}
	})
}

func TestJWKSNeedsNoCredentials(t *testing.T) {
	check(t, rule{name: "JWKS without credentials", area: areaChoices, choice: "Session JWKS without credentials", says: "the session JWKS is served without credentials, as the official SDKs fetch it"}, func(c *ct) {
		a := c.raw("GET", "/v1/b2b/sessions/jwks/"+tg.projectID, nil, noAuth, "")
		c.saw("without credentials: 200", "without credentials: "+a.String())
		_, err := c.c.Sessions.JWKS(c.ctx)
		c.saw("with credentials: 200", "with credentials: "+answerOf(err))
	})
}

func TestClosedRequestSettings(t *testing.T) {
	check(t, rule{name: "closed request settings", area: areaChoices, choice: "Closed request settings", says: "a setting outside its documented values is refused with the field's error type"}, func(c *ct) {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Closed"), Slug: c.slug("closed"), EmailInvites: "SOMETIMES"})
		c.saw("email_invites SOMETIMES: 400 invalid_organization_auth_factor_setting", "email_invites SOMETIMES: "+answerOf(err))
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Closed"), Slug: c.slug("closed"), MFAPolicy: "SOMETIMES"})
		c.saw("mfa_policy SOMETIMES: 400 invalid_organization_mfa_policy", "mfa_policy SOMETIMES: "+answerOf(err))
	})
}

func TestTimestampsAreRFC3339(t *testing.T) {
	check(t, rule{name: "timestamps", area: areaChoices, choice: "Timestamps", says: "created_at and updated_at are RFC 3339 date-times"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		a := c.raw("GET", "/v1/b2b/organizations/"+o.ID, nil)
		var body struct {
			Organization map[string]any `json:"organization"`
		}
		c.must(json.Unmarshal(a.body, &body), "decoding the organization")
		for _, f := range []string{"created_at", "updated_at"} {
			s, _ := body.Organization[f].(string)
			_, err := time.Parse(time.RFC3339, s)
			got := "RFC 3339"
			if err != nil {
				got = "not RFC 3339: " + jsonOf(body.Organization[f])
			}
			c.saw(f+": RFC 3339", f+": "+got)
		}
	})
}

func TestValuesThatMayBeNull(t *testing.T) {
	check(t, rule{name: "null values", area: areaChoices, choice: "Values that may be null", says: "sso_default_connection_id, scim_active_connection and a last page's next_cursor are sent as null when there is no value, as Stytch's documentation shows them"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		var body struct {
			Organization map[string]json.RawMessage `json:"organization"`
		}
		c.must(json.Unmarshal(c.raw("GET", "/v1/b2b/organizations/"+o.ID, nil).body, &body), "decoding the organization")
		c.sawNull("sso_default_connection_id", body.Organization)
		c.sawNull("scim_active_connection", body.Organization)
		a := c.raw("POST", "/v1/b2b/organizations/search", map[string]any{"query": map[string]any{"operator": "AND", "operands": []any{operand("organization_ids", []string{o.ID})}}})
		var meta map[string]json.RawMessage
		c.must(a.field("results_metadata", &meta), "reading results_metadata")
		c.sawNull("next_cursor", meta)
	})
}

// sawNull records whether field is absent, null or set in obj; the rule wants null.
func (c *ct) sawNull(field string, obj map[string]json.RawMessage) {
	c.T.Helper()
	raw, ok := obj[field]
	got := "absent"
	switch {
	case ok && string(raw) == "null":
		got = "null"
	case ok:
		got = "set to " + string(raw)
	}
	c.saw(field+": null", field+": "+got)
}

func TestTypedSearchOperands(t *testing.T) {
	check(t, rule{name: "typed search operands", area: areaChoices, choice: "Typed search operands", says: "an unknown filter name and a filter value of the wrong type are refused with their error types"}, func(c *ct) {
		search := func(op any) rawAnswer {
			return c.raw("POST", "/v1/b2b/organizations/search", map[string]any{"limit": 1, "query": map[string]any{"operator": "AND", "operands": []any{op}}})
		}
		c.saw("unknown filter: 400 organization_search_filter_name_not_recognized", "unknown filter: "+search(operand("organization_colour", "red")).String())
		c.saw("a string for a list: 400 organization_search_expected_array_of_strings", "a string for a list: "+search(operand("organization_ids", "x")).String())
	})
}

func TestOnlyDocumentedLengthLimits(t *testing.T) {
	check(t, rule{name: "only documented length limits", area: areaChoices, choice: "Lengths and patterns", says: "an organization name holds 1 to 128 characters; a logo URL has no length limit"}, func(c *ct) {
		at := func(n int) string {
			name := c.name("")
			return name + strings.Repeat("x", n-len(name))
		}
		_, err := c.createOrg(client.OrganizationCreateParams{Name: at(128), Slug: c.slug("long")})
		c.saw("name of 128: 200", "name of 128: "+answerOf(err))
		_, err = c.createOrg(client.OrganizationCreateParams{Name: at(129), Slug: c.slug("long")})
		c.saw("name of 129: 400 invalid_organization_name", "name of 129: "+answerOf(err))
		logo := "https://logos.example.com/" + strings.Repeat("l", 3000) + ".png"
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Logo"), Slug: c.slug("logo"), LogoURL: logo})
		c.saw("logo URL of 3030: 200", "logo URL of 3030: "+answerOf(err))
	})
}

func TestBlankNames(t *testing.T) {
	check(t, rule{name: "blank names", area: areaChoices, choice: "Blank names", says: "an organization or member name of only white space or invisible characters is refused; a member name may be empty"}, func(c *ct) {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: " \t\u200b ", Slug: c.slug("blank")})
		c.saw("organization name of spaces: 400 invalid_organization_name", "organization name of spaces: "+answerOf(err))
		o := c.org(client.OrganizationCreateParams{})
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Name: "  "})
		c.saw("member name of spaces: 400 invalid_name", "member name of spaces: "+answerOf(err))
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "bob@" + c.domain("acme"), Name: "Bob"})
		_, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{Name: client.Set("")})
		c.saw("member name \"\": 200", "member name \"\": "+answerOf(err))
	})
}
