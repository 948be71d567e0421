package contracttest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// The error types the mock can answer come from three places: openapi.yaml's
// x-stytch-error-type extensions (what a request that breaks a schema is answered), the error
// examples of openapi.yaml, and Stytch's rules in mockserver/internal/store. The request
// pipeline adds a few of its own. TestErrorCatalogueIsComplete holds the suite to that list:
// each type has a rule in TestErrorTypes, or a reason in notCheckedTypes.

// pipelineErrorTypes are answered by the mock's request pipeline (mockserver/errors.go,
// credentials.go, handlers.go), before or around the store.
var pipelineErrorTypes = []string{
	"route_not_found", "method_not_allowed", "request_too_large", "request_header_fields_too_large",
	"bad_request", "unauthorized_credentials", "member_oauth_token_not_found", "member_oidc_token_not_found",
	"mock_response_invalid", "connection_dropped",
}

// dynamicStoreErrorTypes are the store's error types that it writes as a prefix and a suffix
// (organization_search or member_search, then the suffix), which no pattern below can read from
// its source. storeSuffixes are those suffixes; the test fails when the store has another.
var dynamicStoreErrorTypes = []string{
	"organization_search_too_many_operands", "member_search_too_many_operands",
	"member_search_cannot_mix_internal_and_external_member_ids",
}

var storeSuffixes = []string{
	`"_too_many_operands"`, `"_cannot_mix_internal_and_external_member_ids"`,
	// These three build the types of openapi.yaml's search filters, listed there.
	`"_filter_name_not_recognized"`, `"_missing_"`, `"_too_short"`,
}

// notCheckedType is an error type the suite has no rule for, and why.
type notCheckedType struct{ errorType, why string }

var notCheckedTypes = []notCheckedType{
	{"duplicate_member_id", "the fixture loader's, never an API request's: fixtures choose ids, the API does not"},
	{"duplicate_organization_id", "the fixture loader's, never an API request's"},
	{"duplicate_session", "the fixture loader's and the admin API's; sessions come from sign-in"},
	{"invalid_session", "the fixture loader's and the admin API's; sessions come from sign-in"},
	{"invalid_connected_app", "the fixture loader's; Connected Apps are made in Stytch's dashboard"},
	{"invalid_member_status", "the fixture loader's; the API sets no status directly"},
	{"unchanged", "not an answer: the store's signal that a removal found nothing to remove"},
	{"mock_response_invalid", "the mock's report of its own bug (an answer that breaks openapi.yaml); the run fails if any was sent"},
	{"connection_dropped", "answered only by an injected fault (a test control of the mock)"},
	{"too_many_requests", "answered only by an injected fault on the mock; the suite does not provoke Stytch's rate limits, it waits them out"},
	{"internal_server_error", "answered only by an injected fault on the mock (or a bug)"},
	{"project_not_found", "in openapi.yaml's examples only: the mock serves every project id it accepts"},
}

func notChecked() []notCheckedType { return notCheckedTypes }

// catalogue is the set of error types the mock can answer, read from its sources.
var catalogue = sync.OnceValues(func() (map[string]bool, error) {
	types := map[string]bool{}
	add := func(ts ...string) {
		for _, t := range ts {
			types[t] = true
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, err
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(j, &tree); err != nil {
		return nil, err
	}
	walkSpec(tree, add)
	add(pipelineErrorTypes...)
	add(dynamicStoreErrorTypes...)
	srcs, err := storeSources()
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		for _, re := range storePatterns {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				add(m[1])
			}
		}
	}
	return types, nil
})

// walkSpec adds every x-stytch-error-type value of the spec, and every error_type of its
// examples.
func walkSpec(v any, add func(...string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch s := x.(type) {
			case string:
				if k == "x-stytch-error-type" || k == "error_type" {
					add(s)
				}
			case map[string]any:
				if k == "x-stytch-error-type" {
					for _, t := range s {
						add(t.(string))
					}
					continue
				}
			}
			walkSpec(x, add)
		}
	case []any:
		for _, x := range v {
			walkSpec(x, add)
		}
	}
}

// storePatterns find the error types the store writes literally: invalid("…", notFound("…",
// &Error{Kind: …, Type: "…"}, and the fields of its domain kinds.
var storePatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:invalid|notFound)\("([a-z_]+)"`),
	regexp.MustCompile(`&Error\{Kind: \w+, Type: "([a-z_]+)"`),
	regexp.MustCompile(`(?m)^\s+(?:invalid|tooCommon|disposable|duplicate):\s+"([a-z_]+)"`),
	regexp.MustCompile(`errUnchanged = &Error\{Type: "([a-z_]+)"`),
}

// storeSources returns the store's source files, tests left out.
func storeSources() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join("..", "internal", "store", "*.go"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no store sources found (%v)", err)
	}
	var srcs []string
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, string(b))
	}
	return srcs, nil
}

// Every error type the mock can answer has a rule, or a reason why not; and the suite names no
// type the mock cannot answer.
func TestErrorCatalogueIsComplete(t *testing.T) {
	types, err := catalogue()
	if err != nil {
		t.Fatal(err)
	}
	if len(types) < 100 {
		t.Fatalf("only %d error types found; reading the sources is broken", len(types))
	}
	covered := map[string]string{}
	for _, e := range errorCases {
		if prev, ok := covered[e.errorType]; ok {
			t.Errorf("%s has two rules: %s and %s", e.errorType, prev, e.says)
		}
		covered[e.errorType] = e.says
	}
	for _, n := range notCheckedTypes {
		if _, ok := covered[n.errorType]; ok {
			t.Errorf("%s has a rule and is also listed as not checked", n.errorType)
		}
		covered[n.errorType] = n.why
	}
	var missing, unknown []string
	for typ := range types {
		if _, ok := covered[typ]; !ok {
			missing = append(missing, typ)
		}
	}
	for typ := range covered {
		if !types[typ] {
			unknown = append(unknown, typ)
		}
	}
	sort.Strings(missing)
	sort.Strings(unknown)
	if len(missing) > 0 {
		t.Errorf("error types the mock can answer with no rule in errorCases and no reason in notCheckedTypes: %v", missing)
	}
	if len(unknown) > 0 {
		t.Errorf("error types the suite names that none of the mock's sources has: %v", unknown)
	}
	srcs, err := storeSources()
	if err != nil {
		t.Fatal(err)
	}
	dynamic := regexp.MustCompile(`prefix\s*\+\s*("_[a-z_]+")`)
	for _, src := range srcs {
		for _, m := range dynamic.FindAllStringSubmatch(src, -1) {
			if !slices.Contains(storeSuffixes, m[1]) {
				t.Errorf("the store builds error types ending in %s; list them in dynamicStoreErrorTypes and storeSuffixes", m[1])
			}
		}
	}
}

// specChoices returns the items of the two lists of openapi.yaml's introduction that the suite
// records answers for: the choices it makes where Stytch's documentation is silent, and where it
// differs from Stytch's published document. Each item starts "- **Name**".
func specChoices() ([]string, error) {
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		return nil, err
	}
	var items []string
	inList := false
	for line := range strings.Lines(doc.Info.Description) {
		if strings.HasPrefix(line, "## ") {
			inList = strings.HasPrefix(line, "## Choices this document makes") ||
				strings.HasPrefix(line, "## Where this document differs")
			continue
		}
		if rest, ok := strings.CutPrefix(line, "- **"); ok && inList {
			name, _, ok := strings.Cut(rest, "**")
			if ok {
				// Rules name choices as plain text: "`allowed_oauth_tenants`" as "allowed_oauth_tenants".
				items = append(items, strings.ReplaceAll(name, "`", ""))
			}
		}
	}
	if len(items) < 20 {
		return nil, fmt.Errorf("only %d choices found in openapi.yaml's introduction; reading it is broken", len(items))
	}
	return items, nil
}

// completeness lists what a run of the whole suite left out: a choice of the spec with no rule,
// or a rule naming a choice the spec does not have.
func completeness(recs []*record) []string {
	choices, err := specChoices()
	if err != nil {
		return []string{err.Error()}
	}
	named := map[string]bool{}
	for _, r := range recs {
		if r.choice != "" {
			named[r.choice] = true
		}
	}
	var problems []string
	for _, c := range choices {
		if !named[c] {
			problems = append(problems, fmt.Sprintf("openapi.yaml's choice %q has no rule", c))
		}
		delete(named, c)
	}
	for c := range named {
		problems = append(problems, fmt.Sprintf("a rule names the choice %q, which openapi.yaml does not list", c))
	}
	sort.Strings(problems)
	return problems
}
