package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs"
)

// AdminPrefix is the path prefix of the mock's admin API. Stytch's paths all start with /v1/,
// so it cannot collide with them.
//
//	GET    /__stytchmock/health                 {"status": "ok"}
//	POST   /__stytchmock/reset                  forget one project: {"project_id": "…"}; its state, learned secret, faults and requests
//	POST   /__stytchmock/reset-all              forget every project, every fault and the whole request log
//	POST   /__stytchmock/fixtures               seed a Fixture (JSON body, with its project_id); nothing is kept if it fails
//	POST   /__stytchmock/sessions               add a member session: {"project_id", "member_id", "session_token", "session_jwt"}
//	GET    /__stytchmock/faults[?project_id=…]  the faults not yet used up: of the project, or all
//	POST   /__stytchmock/faults                 inject a Fault (JSON body; latency as a duration string, "250ms")
//	DELETE /__stytchmock/faults?project_id=…    remove the project's faults
//	GET    /__stytchmock/requests[?project_id=…] the request log, oldest first: the project's, or all
//	DELETE /__stytchmock/requests?project_id=…  remove the project's requests from the log
//	GET    /__stytchmock/violations             traffic that broke openapi.yaml, one Violation each: the mock's responses (bugs in the mock), or in proxy mode requests and upstream responses
//	GET    /__stytchmock/state[?project_id=…]   the project's whole state as a Fixture; without project_id, every project's, as an array of them (see State)
//	POST   /__stytchmock/record/flush           in proxy mode with a record file, write what passed through to it (see FlushRecording)
//	GET    /__stytchmock/openapi.yaml           the spec the mock validates against
//	GET    /__stytchmock/docs                   an HTML reference of that spec (see WithAPIReference)
//
// Tests that share one mock stay apart by project id, and so do their controls: project_id is
// in the JSON body of a POST and in the query string of a GET or DELETE. An endpoint that
// changes state acts on the named project only and refuses a request that names none; only
// reset-all acts on every project. A fault without a project_id applies to every project's
// requests, and goes when it is used up or at reset-all.
//
// The admin API takes no credentials, so it refuses what a web page could send it (see
// adminGuard): a Host that is a name other than localhost or one given with WithAdminHosts, an
// Origin other than the mock's own, and a POST whose Content-Type is not application/json
// (httptest.NewRequest's default Host, example.com, is such a name: give it a URL with
// 127.0.0.1, or call the Mock's methods). Its errors are Stytch-shaped like the API's, with an
// empty error_url (stytch.com documents none of them); a wrong method is a 405 with an Allow
// header.
const AdminPrefix = "/__stytchmock/"

func (m *Mock) serveAdmin(w http.ResponseWriter, r *http.Request) {
	c := &adminCall{m: m, w: w, r: r, requestID: m.requestID("")}
	if headerBytes(r) > maxHeaderBytes {
		writeAdminError(w, c.requestID, errHeadersTooLarge())
		return
	}
	if e := m.adminGuard(r); e != nil {
		writeAdminError(w, c.requestID, e)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	if m.proxyRefuses(c, path) {
		return
	}
	methods, known := adminRoutes[path]
	serve, allowed := methods[r.Method]
	switch {
	case !known:
		c.fail(http.StatusNotFound, "route_not_found", "No admin route matches %s %s.", r.Method, r.URL.Path)
	case !allowed:
		allow := slices.Sorted(maps.Keys(methods))
		w.Header().Set("Allow", strings.Join(allow, ", "))
		c.fail(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s; it takes %s.",
			r.Method, r.URL.Path, strings.Join(allow, " or "))
	case r.Method == http.MethodPost && r.URL.RawQuery != "":
		c.fail(http.StatusBadRequest, "bad_request", "A POST to the admin API takes its input, project_id included, in its JSON body, not in the query string.")
	default:
		serve(c)
	}
}

// adminGuard refuses an admin request a web page could have made. The admin API takes no
// credentials, so a page open in the browser of someone running the mock must not be able to
// drive it: not across origins (CSRF), and not by a name of its own that resolves to the mock's
// address (DNS rebinding).
//
//   - The Host must be an IP address (a page cannot make a browser send one for its own
//     origin's name), localhost or a name under .localhost, or a name allowed with
//     WithAdminHosts.
//   - An Origin header must be the mock's own origin; a write without one must not come from a
//     page of another site either (Sec-Fetch-Site).
//   - A POST must have Content-Type: application/json, which a page cannot send to another
//     origin without a CORS preflight, and the mock never grants one. Other writes (DELETE)
//     always need a preflight.
func (m *Mock) adminGuard(r *http.Request) *apiError {
	if !m.adminHostAllowed(r.Host) {
		return newError(http.StatusForbidden, "host_not_allowed",
			"The admin API answers requests addressed to an IP address, localhost, or a host name allowed with WithAdminHosts (stytchmock -admin-host), not to %q: a web page must not reach it through DNS rebinding.", r.Host)
	}
	origin := r.Header.Get("Origin")
	if origin != "" {
		if u, err := url.Parse(origin); err != nil || !strings.EqualFold(u.Host, r.Host) {
			return newError(http.StatusForbidden, "cross_origin_request",
				"The admin API refuses requests from another origin (Origin %q): a web page must not drive it.", origin)
		}
	}
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
	if site := r.Header.Get("Sec-Fetch-Site"); !safe && origin == "" && site != "" && site != "same-origin" && site != "none" {
		return newError(http.StatusForbidden, "cross_origin_request",
			"The admin API refuses writes from another site (Sec-Fetch-Site %q): a web page must not drive it.", site)
	}
	if r.Method == http.MethodPost {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			return newError(http.StatusUnsupportedMediaType, "unsupported_media_type",
				"A POST to the admin API must have Content-Type: application/json, even with an empty body, not %q.", r.Header.Get("Content-Type"))
		}
	}
	return nil
}

// adminHostAllowed reports whether host (a Host header, with or without a port) may address
// the admin API.
func (m *Mock) adminHostAllowed(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "": // HTTP/1.0, or a handler called directly: no browser sends no Host
		return true
	case net.ParseIP(host) != nil, host == "localhost", strings.HasSuffix(host, ".localhost"):
		return true
	}
	return slices.Contains(m.adminHosts, host)
}

// adminRoutes are the admin API's handlers by path (under AdminPrefix) and method.
var adminRoutes = map[string]map[string]func(*adminCall){
	"health": {http.MethodGet: func(c *adminCall) { c.ok() }},
	"reset": {http.MethodPost: func(c *adminCall) {
		var in struct {
			ProjectID string `json:"project_id"`
		}
		if c.decode(&in, true) && c.checkProject(in.ProjectID, true) {
			c.m.ResetProject(in.ProjectID)
			c.ok()
		}
	}},
	"reset-all": {http.MethodPost: func(c *adminCall) {
		var in struct{}
		if c.decode(&in, true) {
			c.m.ResetAll()
			c.ok()
		}
	}},
	"fixtures": {http.MethodPost: func(c *adminCall) {
		var f Fixture
		if !c.decode(&f, false) || !c.checkProject(f.ProjectID, false) {
			return
		}
		if err := c.m.Seed(f); err != nil {
			c.fail(http.StatusBadRequest, "invalid_fixture", "%s", strings.TrimPrefix(err.Error(), "mockserver: "))
			return
		}
		c.ok()
	}},
	"sessions": {http.MethodPost: func(c *adminCall) {
		var s struct {
			ProjectID    string `json:"project_id"`
			MemberID     string `json:"member_id"`
			SessionToken string `json:"session_token"`
			SessionJWT   string `json:"session_jwt"`
		}
		if !c.decode(&s, false) || !c.checkProject(s.ProjectID, true) {
			return
		}
		if err := c.m.AddSession(s.ProjectID, s.MemberID, s.SessionToken, s.SessionJWT); err != nil {
			e := asAPIError(err)
			c.fail(e.Status, e.Type, "%s", e.Message)
			return
		}
		c.ok()
	}},
	"faults": {
		http.MethodGet: func(c *adminCall) {
			project, valid := c.query(false)
			if !valid {
				return
			}
			faults := c.m.PendingFaults()
			if project != "" {
				faults = slices.DeleteFunc(faults, func(f Fault) bool { return f.ProjectID != project })
			}
			c.json(nonNilSlice(faults))
		},
		http.MethodPost: func(c *adminCall) {
			var f Fault
			if !c.decode(&f, false) {
				return
			}
			if err := c.m.InjectFault(f); err != nil {
				c.fail(http.StatusBadRequest, "invalid_fault", "%v", err)
				return
			}
			c.ok()
		},
		http.MethodDelete: func(c *adminCall) {
			if project, valid := c.query(true); valid {
				c.m.faults.clearProject(project)
				c.ok()
			}
		},
	},
	"requests": {
		http.MethodGet: func(c *adminCall) {
			project, valid := c.query(false)
			if !valid {
				return
			}
			entries := c.m.Requests()
			if project != "" {
				entries = c.m.ProjectRequests(project)
			}
			c.w.Header().Set("Content-Type", "application/json")
			_ = writeJSON(c.w, entries)
		},
		http.MethodDelete: func(c *adminCall) {
			if project, valid := c.query(true); valid {
				c.m.log.clearProject(project)
				c.ok()
			}
		},
	},
	"violations":   {http.MethodGet: func(c *adminCall) { c.json(c.m.Violations()) }},
	"state":        {http.MethodGet: serveState},
	"record/flush": {http.MethodPost: serveRecordFlush},
	"openapi.yaml": {http.MethodGet: func(c *adminCall) {
		c.w.Header().Set("Content-Type", "application/yaml")
		_, _ = c.w.Write(stytchorgs.OpenAPISpec())
	}},
	"docs": {http.MethodGet: func(c *adminCall) {
		if c.m.reference == nil {
			c.fail(http.StatusNotFound, "route_not_found", "This mock serves no API reference page: the stytchmock command does (mockserver.WithAPIReference), or build one with bash scripts/docs.")
			return
		}
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = c.w.Write(c.m.reference)
	}},
}

// adminCall is one admin request being answered.
type adminCall struct {
	m         *Mock
	w         http.ResponseWriter
	r         *http.Request
	requestID string
}

func (c *adminCall) fail(status int, errorType, format string, args ...any) {
	writeAdminError(c.w, c.requestID, newError(status, errorType, format, args...))
}

func (c *adminCall) json(v any) {
	c.w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(c.w).Encode(v)
}

// ok answers {"status":"ok"}.
func (c *adminCall) ok() { c.json(map[string]string{"status": "ok"}) }

// decode reads the JSON body into v; emptyOK lets an empty body stand for {}.
func (c *adminCall) decode(v any, emptyOK bool) bool {
	body, tooLarge, err := readBody(c.r, maxBodyBytes)
	if tooLarge {
		e := errBodyTooLarge()
		c.fail(e.Status, e.Type, "%s", e.Message)
		return false
	}
	if err == nil && !(emptyOK && len(bytes.TrimSpace(body)) == 0) {
		err = decodeStrict(body, v)
	}
	if err != nil {
		c.fail(http.StatusBadRequest, "bad_request", "%s", bodyProblem(err, reflect.TypeOf(v)))
		return false
	}
	return true
}

// bodyProblem says in the caller's terms what is wrong with an admin request's JSON body, v's
// type. encoding/json's errors speak of Go ("cannot unmarshal string into Go struct field
// Fault.status of type int"), which means nothing to a test written in another language.
func bodyProblem(err error, v reflect.Type) string {
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "The request body is empty: this endpoint takes a JSON object."
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The request body is not valid JSON: it ends in the middle of a value."
	case errors.As(err, &syntax):
		return fmt.Sprintf("The request body is not valid JSON: %s (at byte %d).", syntax, syntax.Offset)
	case errors.As(err, &wrongType) && wrongType.Field == "":
		return fmt.Sprintf("The request body must be a JSON object, not %s.", jsonValueName(wrongType.Value))
	case errors.As(err, &wrongType):
		return fmt.Sprintf("%s must be %s, not %s.", jsonFieldPath(v, wrongType.Field), jsonTypeName(wrongType.Type), jsonValueName(wrongType.Value))
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("The request body has a field this endpoint does not take: %s.", field)
	}
	return "The request body is not valid for this endpoint: " + strings.TrimPrefix(err.Error(), "json: ") + "."
}

// jsonFieldPath is the path of a field as the caller wrote it, from the one encoding/json
// reports, which also names the embedded structs it went through by their Go names
// (organizations.OrganizationCreateParams.organization_name). root is the decoded type.
func jsonFieldPath(root reflect.Type, path string) string {
	var out []string
	t := root
	for name := range strings.SplitSeq(path, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		var next reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(name); ok && f.Anonymous {
				t = f.Type
				continue
			}
			for _, f := range reflect.VisibleFields(t) {
				if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
					next = f.Type
					break
				}
			}
		}
		out = append(out, name)
		t = next
	}
	return strings.Join(out, ".")
}

// jsonTypeName names, in JSON's terms, what a Go type takes.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "an object"
	}
}

// jsonValueName names the kind of JSON value encoding/json describes as value ("string",
// "number 1.5", "bool", "array", "object").
func jsonValueName(value string) string {
	switch kind, detail, _ := strings.Cut(value, " "); kind {
	case "number":
		if detail != "" {
			return "the number " + detail
		}
		return "a number"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "string":
		return "a string"
	}
	return value
}

// checkProject fails the request unless id can name a project; required says the endpoint
// acts on one project, so that leaving the id out never acts on all of them.
func (c *adminCall) checkProject(id string, required bool) bool {
	switch {
	case id == "" && required:
		c.fail(http.StatusBadRequest, "invalid_project_id", "%s %s acts on one project: name it with project_id (in the query of a GET or DELETE, in the JSON body of a POST). POST %sreset-all forgets every project.",
			c.r.Method, c.r.URL.Path, AdminPrefix)
		return false
	case id != "" && !c.m.creds.wellFormed(id):
		c.fail(http.StatusBadRequest, "invalid_project_id", "project_id: %s", projectIDRule)
		return false
	}
	return true
}

// query returns the project_id of a GET or DELETE; other query parameters are refused, so
// that a misspelled project_id is not taken for "every project".
func (c *adminCall) query(required bool) (string, bool) {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		c.fail(http.StatusBadRequest, "bad_request", "The query string is malformed: %v", err)
		return "", false
	}
	for k, v := range q {
		if k != "project_id" || len(v) > 1 {
			c.fail(http.StatusBadRequest, "bad_request", "The admin API takes one query parameter, project_id, once; not %q.", k)
			return "", false
		}
	}
	id := q.Get("project_id")
	return id, c.checkProject(id, required)
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
