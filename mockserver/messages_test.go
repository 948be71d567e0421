package mockserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of what the mock tells the person who reads its answers: each message says what
// went wrong in the caller's terms and what to do about it.

// A project id used with a second secret is refused with a 401 that says why (the mock learned
// the first secret), how to make it forget (the admin API's reset, ResetProject, a restart) and
// how to pin the pair (-credentials), and quotes neither secret.
func TestCredsOtherSecretSaysWhy(t *testing.T) {
	t.Parallel()
	const project, first, second = "project-test-newcomer", "secret-test-first", "secret-test-second"
	srv := mockserver.Start(t)
	search := func(secret string) response {
		return send(t, srv, project, secret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	}
	expectStatus(t, search(first), 200)
	e := expectStytchError(t, search(second), 401, "unauthorized_credentials")
	for _, want := range []string{project, "first used with another secret", "POST /__stytchmock/reset", `{"project_id":"` + project + `"}`,
		"ResetProject", "restart", "-credentials " + project + ":SECRET", "WithCredentials"} {
		if !strings.Contains(e.ErrorMessage, want) {
			t.Errorf("the message lacks %q: %s", want, e.ErrorMessage)
		}
	}
	if strings.Contains(e.ErrorMessage, first) || strings.Contains(e.ErrorMessage, second) {
		t.Errorf("the message quotes a secret: %s", e.ErrorMessage)
	}

	// What it says works: after the reset, the second secret is the project's.
	expectStatusOK(t, callAdmin(t, srv, http.MethodPost, "reset", `{"project_id":"`+project+`"}`))
	expectStatus(t, search(second), 200)
	expectStytchError(t, search(first), 401, "unauthorized_credentials")
}

// Pinned credentials say which rule refused the request, without quoting a secret.
func TestCredsPinnedSayWhy(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t, mockserver.WithCredentials("project-test-pinned", "secret-test-pinned"))
	for _, tc := range []struct{ project, secret, want string }{
		{"project-test-pinned", "secret-test-wrong", "not the secret pinned for project-test-pinned with -credentials"},
		{"project-test-other", "secret-test-pinned", "this project id is not one of them"},
	} {
		r := send(t, srv, tc.project, tc.secret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
		e := expectStytchError(t, r, 401, "unauthorized_credentials")
		if !strings.Contains(e.ErrorMessage, tc.want) || !strings.Contains(e.ErrorMessage, "WithCredentials") {
			t.Errorf("%s: the message does not say why: %s", tc.project, e.ErrorMessage)
		}
		if strings.Contains(e.ErrorMessage, "secret-test-") {
			t.Errorf("%s: the message quotes a secret: %s", tc.project, e.ErrorMessage)
		}
	}
}

// Every logged request names its project, so that the log line of a 401 says which project
// id was refused; the latency is a duration string, as in the request log.
func TestLogLinesNameTheProject(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer // the requests are sent one after the other: no concurrent writes
	srv := mockserver.Start(t, mockserver.WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	send(t, srv, "project-test-logged", "one", http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	send(t, srv, "project-test-logged", "two", http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 2 || lines[1]["status"] != 401.0 {
		t.Fatalf("log = %s", buf.String())
	}
	for _, l := range lines {
		if l["project_id"] != "project-test-logged" {
			t.Errorf("project_id = %v in %v", l["project_id"], l)
		}
		latency, _ := l["latency"].(string)
		if d, err := time.ParseDuration(latency); err != nil || d <= 0 {
			t.Errorf("latency = %v, want a duration string", l["latency"])
		}
	}
}

// The request log's durations are duration strings, as a fault's latency is.
func TestRequestLogDurationIsAString(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	send(t, srv, "project-test-durations", "s", http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	r := callAdmin(t, srv, http.MethodGet, "requests?project_id=project-test-durations", "")
	var raw []map[string]any
	if err := json.Unmarshal(r.body, &raw); err != nil || len(raw) != 1 {
		t.Fatalf("GET requests: %v %s", err, r.body)
	}
	s, _ := raw[0]["duration"].(string)
	if d, err := time.ParseDuration(s); err != nil || d <= 0 {
		t.Errorf("duration = %v, want a duration string", raw[0]["duration"])
	}
	var decoded []mockserver.RecordedRequest
	if err := json.Unmarshal(r.body, &decoded); err != nil || decoded[0].Duration.String() != s {
		t.Errorf("decoded %+v (%v), want the duration %s", decoded, err, s)
	}
}

// An admin request whose body does not fit its endpoint is told so in JSON's terms and the
// endpoint's field names: nothing of encoding/json's Go vocabulary (struct names, Go types, the
// "json:" prefix).
func TestAdminBodyErrorsArePlain(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, tc := range []struct{ path, body, want string }{
		{"faults", `{"status":"500"}`, "status must be a whole number, not a string."},
		{"faults", `{"status":1.5}`, "status must be a whole number, not the number 1.5."},
		{"faults", `{"drop_connection":"yes"}`, "drop_connection must be true or false, not a string."},
		{"faults", `{"status":500,"statuss":500}`, `The request body has a field this endpoint does not take: "statuss".`},
		{"faults", `[{"status":500}]`, "The request body must be a JSON object, not a list."},
		{"faults", `{"status":`, "The request body is not valid JSON: it ends in the middle of a value."},
		{"faults", `{"status":500}}`, "unexpected data after the JSON value"},
		{"faults", `{"status" 500}`, "The request body is not valid JSON: invalid character '5' after object key (at byte 11)."},
		{"faults", ``, "The request body is empty: this endpoint takes a JSON object."},
		{"faults", `{"latency":250}`, `latency must be a duration string such as "250ms" or "1.5s", not a number.`},
		{"faults", `{"latency":"` + strings.Repeat("x", 100) + `"}`, `latency "` + strings.Repeat("x", 64) + `"… is not a duration`},
		{"fixtures", `{"project_id":"project-test-x","organizations":[{"organization_name":5}]}`,
			"organizations.organization_name must be a string, not a number."},
		{"fixtures", `{"project_id":"project-test-x","organizations":[{"organization_name":"A","members":[{"email_address":"a@a.co","roles":"x"}]}]}`,
			"organizations.members.roles must be a list, not a string."},
		{"sessions", `{"project_id":"project-test-x","member_id":5}`, "member_id must be a string, not a number."},
	} {
		r := callAdmin(t, srv, http.MethodPost, tc.path, tc.body)
		e := expectStytchError(t, r, 400, "bad_request")
		if !strings.Contains(e.ErrorMessage, tc.want) {
			t.Errorf("POST %s %.40s: message %q, want it to contain %q", tc.path, tc.body, e.ErrorMessage, tc.want)
		}
		for _, goSpeak := range []string{"json:", "Go struct", "Go value", "faultFields", "Fixture", "CreateParams", "[]string", " int"} {
			if strings.Contains(e.ErrorMessage, goSpeak) {
				t.Errorf("POST %s %.40s: the message speaks Go (%q): %s", tc.path, tc.body, goSpeak, e.ErrorMessage)
			}
		}
	}
}

// The admin API's errors are the mock's own: none links to stytch.com, which documents none of
// them, whatever the error (a refused host, a wrong method, a bad fixture, a member the
// sessions endpoint cannot find).
func TestAdminErrorsLinkNowhere(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, r := range []response{
		send(t, srv, "", "", http.MethodGet, mockserver.AdminPrefix+"health", "", "Host", "evil.example"),
		callAdmin(t, srv, http.MethodPut, "faults", ""),
		callAdmin(t, srv, http.MethodGet, "nope", ""),
		callAdmin(t, srv, http.MethodPost, "faults", `{"status":200}`),
		callAdmin(t, srv, http.MethodPost, "fixtures", `{"project_id":"project-test-x","organizations":[{"organization_name":"A","mfa_policy":"SOMETIMES"}]}`),
		callAdmin(t, srv, http.MethodPost, "sessions", `{"project_id":"project-test-x","member_id":"member-test-none","session_token":"t"}`),
	} {
		var e stytchError
		if err := json.Unmarshal(r.body, &e); err != nil || r.status < 400 || e.ErrorType == "" || e.ErrorMessage == "" || e.RequestID == "" {
			t.Errorf("not a Stytch-shaped error: %d %s", r.status, r.body)
			continue
		}
		if e.ErrorURL != "" || !bytes.Contains(r.body, []byte(`"error_url":""`)) {
			t.Errorf("%s: error_url %q, want an empty one", e.ErrorType, e.ErrorURL)
		}
		if strings.HasPrefix(e.ErrorMessage, "mockserver:") {
			t.Errorf("%s: the message starts with the Go package's name: %s", e.ErrorType, e.ErrorMessage)
		}
	}
}

// A search filter whose name is not one the search takes is refused with a message that names
// what was sent and lists every filter name, in the field of the filter's name.
func TestSearchUnknownFilterNamesTheFilters(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, tc := range []struct {
		path, errorType, sent string
		valid                 []string
	}{
		{"/v1/b2b/organizations/search", "organization_search_filter_name_not_recognized", "organization_name",
			[]string{"allowed_domain_fuzzy", "organization_ids", "organization_name_fuzzy", "sso_connection_id"}},
		{"/v1/b2b/organizations/members/search", "member_search_filter_name_not_recognized", "member_status",
			[]string{"member_emails", "member_roles", "statuses"}},
	} {
		body := `{"organization_ids":["organization-test-x"],"query":{"operator":"AND","operands":[{"filter_name":"` + tc.sent + `","filter_value":["x"]}]}}`
		r := send(t, srv, "project-test-filters", "s", http.MethodPost, tc.path, body)
		e := expectStytchError(t, r, 400, tc.errorType)
		prefix := `query.operands[0].filter_name: "` + tc.sent + `" is not a valid filter_name; it takes one of: `
		if !strings.HasPrefix(e.ErrorMessage, prefix) {
			t.Errorf("%s: message %q, want it to start with %q", tc.path, e.ErrorMessage, prefix)
		}
		for _, name := range tc.valid {
			if !strings.Contains(e.ErrorMessage, name) {
				t.Errorf("%s: the message does not list %s: %s", tc.path, name, e.ErrorMessage)
			}
		}
	}
	// A missing name lists them too.
	r := send(t, srv, "project-test-filters", "s", http.MethodPost, "/v1/b2b/organizations/search",
		`{"query":{"operator":"AND","operands":[{"filter_value":["x"]}]}}`)
	e := expectStytchError(t, r, 400, "organization_search_missing_filter_name")
	if !strings.Contains(e.ErrorMessage, "query.operands[0].filter_name") || !strings.Contains(e.ErrorMessage, "organization_slugs") {
		t.Errorf("missing filter name: %s", e.ErrorMessage)
	}
}

// Every violation in error_details names what it is about: a field, the body as a whole
// ("body"), or the header that is wrong.
func TestViolationsNameBodyOrHeader(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for _, tc := range []struct {
		body, field, problem string
		headers              []string
	}{
		{`[]`, "body", "value must be an object", nil},
		{`"acme"`, "body", "value must be an object", nil},
		{``, "body", "a JSON request body is required", nil},
		{`{}`, "Content-Type", `must be application/json, not "text/plain"`, []string{"Content-Type", "text/plain"}},
	} {
		r := send(t, srv, "project-test-fields", "s", http.MethodPost, "/v1/b2b/organizations", tc.body, tc.headers...)
		e := expectStytchError(t, r, 400, "bad_request")
		vs, _ := e.ErrorDetails["violations"].([]any)
		if len(vs) != 1 {
			t.Errorf("%q: violations %v", tc.body, e.ErrorDetails)
			continue
		}
		v, _ := vs[0].(map[string]any)
		if v["field"] != tc.field || v["problem"] != tc.problem {
			t.Errorf("%q: violation %v, want field %q, problem %q", tc.body, v, tc.field, tc.problem)
		}
		if want := tc.field + ": " + tc.problem; e.ErrorMessage != want {
			t.Errorf("%q: message %q, want %q", tc.body, e.ErrorMessage, want)
		}
	}
}
