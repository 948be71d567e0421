package stytchorgs_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file holds openapi.yaml to Stytch's own published OpenAPI document. What Stytch's
// document says about the 34 operations (method, path, credentials, parameters, body, and the
// properties of each request and 200 response with their types and whether they are required)
// is kept as a table of facts in testdata/stytch-openapi-table.json, with the upstream commit it
// was taken from. Every difference between the two documents must be a deliberate choice: a
// bullet of the "Where this document differs from Stytch's published document" list in
// openapi.yaml's introduction names the difference and gives the reason. A difference that no
// bullet names fails the test, and so does a bullet that names no difference.
//
// To move to a newer commit of Stytch's document: clone stytchauth/stytch-openapi outside this
// repository (its openapi.yml is never committed here), then
//
//	go run ./internal/cmd/upstreamtable -spec PATH/openapi.yml -commit SHA -committed YYYY-MM-DD -o testdata/stytch-openapi-table.json
//
// with the commit's full hash and date (git log -1 --format='%H %cs'). The command takes the
// operations from openapi.yaml and fails, naming it, on one that Stytch's file lacks, leaving the
// table as it was. Then `go test -run Upstream .` lists the new differences: fix each in
// openapi.yaml, or add it to the list of choices with its reason.

const upstreamTablePath = "testdata/stytch-openapi-table.json"

// upstreamTable is the table's JSON form. Property types use a small notation (see its "about").
type upstreamTable struct {
	About  string `json:"about"`
	Source struct {
		Repository string `json:"repository"`
		Path       string `json:"path"`
		Commit     string `json:"commit"`
		Committed  string `json:"committed"`
	} `json:"source"`
	Operations map[string]upstreamOperation `json:"operations"`
	Objects    map[string]map[string]string `json:"objects"`
}

type upstreamOperation struct {
	BasicAuth bool              `json:"basic_auth"`
	Query     map[string]string `json:"query"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"` // none, optional or required
	Request   string            `json:"request"`
	Response  string            `json:"response"`
}

func loadUpstreamTable(t *testing.T) upstreamTable {
	t.Helper()
	b, err := os.ReadFile(upstreamTablePath)
	if err != nil {
		t.Fatal(err)
	}
	var table upstreamTable
	if err := json.Unmarshal(b, &table); err != nil {
		t.Fatalf("%s: %v", upstreamTablePath, err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(table.Source.Commit) || table.Source.Repository == "" {
		t.Fatalf("%s must name the upstream repository and the full commit it was taken from", upstreamTablePath)
	}
	return table
}

// upstreamType is a parsed property type of the table: what an OpenAPI schema says, reduced to
// what the comparison looks at.
type upstreamType struct {
	required bool
	kind     string // a JSON Schema type, "ref" (an object of the table), "map" or "free" (a free-form object)
	format   string
	nullable bool
	enum     []string // nil: open
	object   string   // kind ref: the object's name in the table
	elem     *upstreamType
}

// parseUpstreamType reads the table's notation: "!" required, "type/format", "?" nullable,
// "enum(a|b)", "@object", "array of T", "map of T", "object" (free-form).
func parseUpstreamType(s string) (*upstreamType, error) {
	t := &upstreamType{}
	s, t.required = strings.CutPrefix(s, "!")
	switch {
	case strings.HasPrefix(s, "array of "):
		elem, err := parseUpstreamType(strings.TrimPrefix(s, "array of "))
		t.kind, t.elem = "array", elem
		return t, err
	case strings.HasPrefix(s, "map of "):
		elem, err := parseUpstreamType(strings.TrimPrefix(s, "map of "))
		t.kind, t.elem = "map", elem
		return t, err
	case strings.HasPrefix(s, "@"):
		t.kind, t.object = "ref", s[1:]
		return t, nil
	case s == "object":
		t.kind = "free"
		return t, nil
	}
	if base, values, ok := strings.Cut(s, " enum("); ok {
		if !strings.HasSuffix(values, ")") {
			return nil, fmt.Errorf("unterminated enum in %q", s)
		}
		t.enum = strings.Split(strings.TrimSuffix(values, ")"), "|")
		s = base
	}
	s, t.nullable = strings.CutSuffix(s, "?")
	t.kind, t.format, _ = strings.Cut(s, "/")
	switch t.kind {
	case "string", "integer", "number", "boolean":
		return t, nil
	}
	return nil, fmt.Errorf("unknown type %q", s)
}

// upstreamComparison collects the ways openapi.yaml differs from Stytch's document, each under
// a stable key for the list of deliberate differences: "<where>: <aspect>", where is an
// operation ("POST /v1/b2b/organizations/search") or a property of one of Stytch's objects
// ("api_organization_v1_Organization.sso_default_connection_id", with [] for array items and
// {} for map values), and aspect one of basic_auth, body, response, query.<name>,
// header.<name>, missing, extra, required, type, format, nullable, enum and shape.
type upstreamComparison struct {
	table upstreamTable
	diffs map[string]string // key → detail, the first one met
	// seen stops the walk at an object pair compared before (the same object reached through
	// several operations).
	seen map[string]bool
}

func (c *upstreamComparison) add(key, format string, args ...any) {
	if _, ok := c.diffs[key]; !ok {
		c.diffs[key] = fmt.Sprintf(format, args...)
	}
}

// compareWithUpstream lists every difference between openapi.yaml and the table.
func compareWithUpstream(t *testing.T, doc *openapi3.T, table upstreamTable) map[string]string {
	t.Helper()
	c := &upstreamComparison{table: table, diffs: map[string]string{}, seen: map[string]bool{}}
	ours := map[string]operation{}
	for _, o := range operations(doc) {
		ours[strings.ToUpper(o.method)+" "+o.path] = o
	}
	for _, route := range slices.Sorted(maps.Keys(table.Operations)) {
		up := table.Operations[route]
		o, ok := ours[route]
		if !ok {
			c.add(route+": missing", "Stytch's document has this operation; openapi.yaml does not")
			continue
		}
		security := doc.Security
		if o.op.Security != nil {
			security = *o.op.Security
		}
		if basic := len(security) > 0; basic != up.BasicAuth {
			c.add(route+": basic_auth", "Stytch's document: Basic credentials %v; here: %v", up.BasicAuth, basic)
		}
		c.compareParams(route, "query", up.Query, o)
		c.compareParams(route, "header", up.Headers, o)

		body := "none"
		var bodySchema *openapi3.SchemaRef
		if rb := o.op.RequestBody; rb != nil {
			body = "optional"
			if rb.Value.Required {
				body = "required"
			}
			if media := rb.Value.Content.Get("application/json"); media != nil {
				bodySchema = media.Schema
			}
		}
		if body != up.Body {
			c.add(route+": body", "Stytch's document: body %s; here: %s", up.Body, body)
		}
		if up.Request != "" && bodySchema != nil {
			c.compareType(route+" request", &upstreamType{kind: "ref", object: strings.TrimPrefix(up.Request, "@")}, bodySchema)
		}
		var okSchema *openapi3.SchemaRef
		if r := o.op.Responses.Status(200); r != nil {
			if media := r.Value.Content.Get("application/json"); media != nil {
				okSchema = media.Schema
			}
		}
		if okSchema == nil {
			c.add(route+": response", "no 200 application/json response here")
			continue
		}
		c.compareType(route+" response", &upstreamType{kind: "ref", object: strings.TrimPrefix(up.Response, "@")}, okSchema)
	}
	return c.diffs
}

// compareParams compares the query or header parameters of an operation (in is "query" or
// "header"); path parameters are part of the route, compared already.
func (c *upstreamComparison) compareParams(route, in string, up map[string]string, o operation) {
	ours := map[string]*openapi3.Parameter{}
	for _, p := range o.params {
		if p.Value.In == in {
			ours[p.Value.Name] = p.Value
		}
	}
	for name, typ := range up {
		key := route + ": " + in + "." + name
		want, err := parseUpstreamType(typ)
		if err != nil {
			c.add(key, "the table's type %q: %v", typ, err)
			continue
		}
		p := ours[name]
		if p == nil {
			c.add(key, "Stytch's document has this parameter; openapi.yaml does not")
			continue
		}
		if p.Required != want.required {
			c.add(key, "Stytch's document: required %v; here: %v", want.required, p.Required)
		}
		if got := schemaType(p.Schema.Value); got != want.kind {
			c.add(key, "Stytch's document: %s; here: %s", want.kind, got)
		}
	}
	for name := range ours {
		if _, ok := up[name]; !ok {
			c.add(route+": "+in+"."+name, "openapi.yaml has this parameter; Stytch's document does not")
		}
	}
}

func schemaType(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		if len(s.OneOf) > 0 {
			return "oneOf"
		}
		return "any"
	}
	return s.Type.Slice()[0]
}

// compareType compares one of our schemas with the table's type for the same value. where is
// the key prefix of the differences found: the Stytch object and property path.
func (c *upstreamComparison) compareType(where string, want *upstreamType, ref *openapi3.SchemaRef) {
	s := ref.Value
	got := schemaType(s)
	switch want.kind {
	case "ref":
		if s.Nullable {
			c.add(where+": nullable", "Stytch's document: nullable false; here: true")
		}
		c.compareObject(want.object, ref)
		return
	case "free":
		switch {
		case got != "object":
			c.add(where+": type", "Stytch's document: a free-form object; here: %s", got)
		case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
			c.add(where+": shape", "Stytch's document: a free-form object; here: an object with declared properties or typed values")
		}
		return
	case "map":
		if got != "object" || s.AdditionalProperties.Schema == nil {
			c.add(where+": shape", "Stytch's document: an object of %s values; here: %s", want.elem.kind, got)
			return
		}
		c.compareType(where+"{}", want.elem, s.AdditionalProperties.Schema)
		return
	case "array":
		if got != "array" {
			c.add(where+": type", "Stytch's document: array; here: %s", got)
			return
		}
		c.compareType(where+"[]", want.elem, s.Items)
		return
	}
	if got != want.kind {
		c.add(where+": type", "Stytch's document: %s; here: %s", want.kind, got)
		return
	}
	if s.Format != want.format {
		c.add(where+": format", "Stytch's document: format %q; here: %q", want.format, s.Format)
	}
	if s.Nullable != want.nullable {
		c.add(where+": nullable", "Stytch's document: nullable %v; here: %v", want.nullable, s.Nullable)
	}
	var enum []string
	for _, v := range s.Enum {
		enum = append(enum, fmt.Sprint(v))
	}
	switch {
	case want.enum == nil && enum != nil:
		c.add(where+": enum", "Stytch's document: any string; here: closed to %v", enum)
	case want.enum != nil && enum == nil:
		c.add(where+": enum", "Stytch's document: closed to %v; here: any string", want.enum)
	case !slices.Equal(slices.Sorted(slices.Values(want.enum)), slices.Sorted(slices.Values(enum))):
		c.add(where+": enum", "Stytch's document: %v; here: %v", want.enum, enum)
	}
}

// compareObject compares one of our object schemas with an object of the table.
func (c *upstreamComparison) compareObject(name string, ref *openapi3.SchemaRef) {
	pair := name + " " + ref.Ref + fmt.Sprintf(" %p", ref.Value)
	if c.seen[pair] {
		return
	}
	c.seen[pair] = true
	want, ok := c.table.Objects[name]
	if !ok {
		c.add(name+": missing", "the table names object %s but does not describe it", name)
		return
	}
	s := ref.Value
	if got := schemaType(s); got != "object" {
		c.add(name+": shape", "Stytch's document: an object; here: %s", got)
		return
	}
	for prop, typ := range want {
		key := name + "." + prop
		w, err := parseUpstreamType(typ)
		if err != nil {
			c.add(key+": type", "the table's type %q: %v", typ, err)
			continue
		}
		p := s.Properties[prop]
		if p == nil {
			c.add(key+": missing", "Stytch's document has this property; openapi.yaml does not")
			continue
		}
		if req := slices.Contains(s.Required, prop); req != w.required {
			c.add(key+": required", "Stytch's document: required %v; here: %v", w.required, req)
		}
		c.compareType(key, w, p)
	}
	for prop := range s.Properties {
		if _, ok := want[prop]; !ok {
			c.add(name+"."+prop+": extra", "openapi.yaml has this property; Stytch's document does not")
		}
	}
}

// upstreamChoices reads the deliberate differences from openapi.yaml's introduction: under the
// heading below, each bullet is "**Title** (`key`, `key`): reason", the keys being difference
// keys in which * stands for any text.
const upstreamChoicesHeading = "## Where this document differs from Stytch's published document"

var choiceBody = regexp.MustCompile("(?s)^\\s*\\(((?:`[^`]+`[,\\s]*)+)\\):\\s*(.*)$")

type upstreamChoice struct {
	title    string
	patterns []string
}

func upstreamChoices(t *testing.T, doc *openapi3.T) []upstreamChoice {
	t.Helper()
	desc := doc.Info.Description
	_, section, ok := strings.Cut(desc, upstreamChoicesHeading)
	if !ok {
		t.Fatalf("openapi.yaml's introduction has no %q section", upstreamChoicesHeading)
	}
	if next := strings.Index(section, "\n## "); next >= 0 {
		section = section[:next]
	}
	var choices []upstreamChoice
	bullet := regexp.MustCompile(`(?s)\n- \*\*([^*]+)\*\*(.*?)(?:\n- \*\*|\z)`)
	rest := section
	for {
		m := bullet.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		title, body := rest[m[2]:m[3]], rest[m[4]:m[5]]
		parts := choiceBody.FindStringSubmatch(body)
		if parts == nil {
			t.Errorf("choice %q must go on with the differences it covers, in backquotes between parentheses, a colon and the reason", title)
			rest = rest[m[5]:]
			continue
		}
		var patterns []string
		for _, p := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(parts[1], -1) {
			patterns = append(patterns, strings.Join(strings.Fields(p[1]), " "))
		}
		if len(strings.Fields(parts[2])) < 8 {
			t.Errorf("choice %q gives no reason", title)
		}
		choices = append(choices, upstreamChoice{title: title, patterns: patterns})
		rest = rest[m[5]:]
	}
	if len(choices) == 0 {
		t.Fatalf("the %q section lists no choices", upstreamChoicesHeading)
	}
	return choices
}

func (ch upstreamChoice) covers(key string) bool {
	for _, p := range ch.patterns {
		if globMatch(p, key) {
			return true
		}
	}
	return false
}

// globMatch reports whether key matches pattern, in which * stands for any run of characters.
func globMatch(pattern, key string) bool {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(key)
}

// TestSpecAgreesWithStytchsPublishedDocument fails on any difference between openapi.yaml and
// Stytch's published document that is not a deliberate, explained choice, and on any choice
// that no longer covers a difference.
func TestSpecAgreesWithStytchsPublishedDocument(t *testing.T) {
	doc := loadSpec(t)
	table := loadUpstreamTable(t)
	if len(table.Operations) != len(wantOperations) {
		t.Errorf("the table has %d operations, the reference's inventory %d", len(table.Operations), len(wantOperations))
	}
	diffs := compareWithUpstream(t, doc, table)
	choices := upstreamChoices(t, doc)
	used := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(diffs)) {
		covered := false
		for _, ch := range choices {
			if ch.covers(key) {
				covered, used[ch.title] = true, true
			}
		}
		if !covered {
			t.Errorf("%s — %s (make openapi.yaml agree, or list the difference as a choice, with its reason, under %q)", key, diffs[key], upstreamChoicesHeading)
		}
	}
	for _, ch := range choices {
		for _, p := range ch.patterns {
			matched := false
			for key := range diffs {
				if globMatch(p, key) {
					matched = true
				}
			}
			if !matched {
				t.Errorf("choice %q names %q, which is no longer a difference; drop it", ch.title, p)
			}
		}
	}
}
