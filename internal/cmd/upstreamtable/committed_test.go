package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs"
)

const committedTablePath = "../../../testdata/stytch-openapi-table.json"

// committedTable reads the repository's table back into the tool's form.
func committedTable(t *testing.T) (*table, source) {
	t.Helper()
	var j struct {
		Source struct{ Commit, Committed string }
		// The fields of an operation, as render writes them.
		Operations map[string]struct {
			BasicAuth               bool `json:"basic_auth"`
			Query, Headers          map[string]string
			Body, Request, Response string
		}
		Objects map[string]map[string]string
	}
	if err := json.Unmarshal(readFile(t, committedTablePath), &j); err != nil {
		t.Fatal(err)
	}
	tab := &table{operations: map[string]*operation{}, objects: j.Objects}
	for route, o := range j.Operations {
		tab.operations[route] = &operation{basicAuth: o.BasicAuth, query: o.Query, headers: o.Headers, body: o.Body,
			request: strings.TrimPrefix(o.Request, "@"), response: strings.TrimPrefix(o.Response, "@")}
	}
	return tab, source{commit: j.Source.Commit, committed: j.Source.Committed}
}

// The tool writes the committed table's layout byte for byte, so that a refresh shows in a
// diff only as changed facts. (That it also finds the same facts in Stytch's file needs that
// file, which the repository does not hold; the README says how to check.)
func TestRenderKeepsCommittedLayout(t *testing.T) {
	t.Parallel()
	tab, src := committedTable(t)
	if got := render(tab, src); string(got) != string(readFile(t, committedTablePath)) {
		t.Errorf("render of the committed table's facts differs from %s; got:\n%s", committedTablePath, got)
	}
}

// Every operation of openapi.yaml is in the committed table, and no other: an operation added
// to openapi.yaml needs a refresh of the table, or spec_upstream_test.go would not compare it.
func TestCommittedTableHasEveryOperation(t *testing.T) {
	t.Parallel()
	ours, err := routes(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := committedTable(t)
	if got := slices.Sorted(maps.Keys(tab.operations)); !slices.Equal(got, ours) {
		t.Errorf("the operations of %s:\n%s\ndiffer from those of openapi.yaml:\n%s\nrefresh the table (see README, \"Other commands\")",
			committedTablePath, strings.Join(got, "\n"), strings.Join(ours, "\n"))
	}
}
