package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testCommit    = "0123456789abcdef0123456789abcdef01234567"
	testCommitted = "2026-01-02"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runTool runs the command as main does, with ours standing for openapi.yaml.
func runTool(t *testing.T, ours []byte, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errs bytes.Buffer
	err = run(args, ours, &out, &errs)
	return out.String(), err
}

// The table of testdata/upstream.yml, checked by hand once: every construct of the notation,
// the operations of ours.yml and nothing else (not the DELETE, not the Unused object).
func TestTableOfSmallDocument(t *testing.T) {
	t.Parallel()
	got, err := runTool(t, readFile(t, "testdata/ours.yml"),
		"-spec", "testdata/upstream.yml", "-commit", testCommit, "-committed", testCommitted)
	if err != nil {
		t.Fatal(err)
	}
	want := string(readFile(t, "testdata/upstream-table.json"))
	if got != want {
		t.Errorf("the table of testdata/upstream.yml differs from testdata/upstream-table.json; got:\n%s", got)
	}
	var parsed map[string]any
	if err := json.Unmarshal([]byte(got), &parsed); err != nil {
		t.Errorf("the table is not JSON: %v", err)
	}
}

// An operation of openapi.yaml that Stytch's document lacks is an error naming the operation,
// and nothing is written: a redirected table must not come out half made.
func TestMissingOperationIsAnError(t *testing.T) {
	t.Parallel()
	for _, route := range []string{
		"GET /v1/gadgets",               // no such path
		"PATCH /v1/widgets/{widget_id}", // the path, but not the method
	} {
		method, path, _ := strings.Cut(route, " ")
		ours := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n" +
			"  /v1/widgets:\n    post:\n      responses: {'200': {description: ok}}\n" +
			"  " + path + ":\n    " + strings.ToLower(method) + ":\n      responses: {'200': {description: ok}}\n"
		out, err := runTool(t, []byte(ours),
			"-spec", "testdata/upstream.yml", "-commit", testCommit, "-committed", testCommitted)
		if err == nil || !strings.Contains(err.Error(), route) {
			t.Errorf("%s: err = %v, want an error naming the operation", route, err)
		}
		if out != "" {
			t.Errorf("%s: wrote %d bytes despite the error", route, len(out))
		}
	}
}

// A fact the notation cannot say is an error naming where it is, not a table that says less
// than Stytch's document.
func TestUnsayableSchemasAreErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, response, schemas, want string
	}{
		{"composition", `{$ref: "#/components/schemas/R"}`,
			`R: {type: object, properties: {a: {allOf: [{type: string}]}}}`, "R.a: allOf"},
		{"inline object", `{$ref: "#/components/schemas/R"}`,
			`R: {type: object, properties: {a: {type: object, properties: {b: {type: string}}}}}`, "R.a: an object with properties but no $ref"},
		{"undeclared required", `{$ref: "#/components/schemas/R"}`,
			`R: {type: object, required: [b], properties: {a: {type: string}}}`, "required property b"},
		{"no type", `{$ref: "#/components/schemas/R"}`,
			`R: {type: object, properties: {a: {type: array, items: {description: anything}}}}`, "R.a[]: no type"},
		{"closed empty object", `{$ref: "#/components/schemas/R"}`,
			`R: {type: object, properties: {a: {type: object, additionalProperties: false}}}`, "R.a: an object that allows no property"},
		{"inline response", `{type: object, properties: {a: {type: string}}}`,
			`R: {type: object}`, "200 response schema is not a $ref"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/r:\n    get:\n      responses:\n" +
				"        '200':\n          description: ok\n          content: {application/json: {schema: " + c.response + "}}\n" +
				"components:\n  schemas:\n    " + c.schemas + "\n"
			spec := t.TempDir() + "/openapi.yml"
			if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			ours := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/r:\n    get:\n      responses: {'200': {description: ok}}\n"
			out, err := runTool(t, []byte(ours), "-spec", spec, "-commit", testCommit, "-committed", testCommitted)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "GET /v1/r") {
				t.Errorf("err = %v, want one naming GET /v1/r and saying %q", err, c.want)
			}
			if out != "" {
				t.Errorf("wrote %d bytes despite the error", len(out))
			}
		})
	}
}

// A table must name a source one can check it against.
func TestFlagsAreChecked(t *testing.T) {
	t.Parallel()
	ours := readFile(t, "testdata/ours.yml")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-commit", testCommit, "-committed", testCommitted}, "-spec is required"},
		{[]string{"-spec", "testdata/upstream.yml", "-commit", "43fe0d65", "-committed", testCommitted}, "not a full commit"},
		{[]string{"-spec", "testdata/upstream.yml", "-commit", testCommit, "-committed", "5 Feb 2026"}, "not a date"},
		{[]string{"-spec", "testdata/upstream.yml", "-commit", testCommit, "-committed", testCommitted, "extra"}, "unexpected arguments"},
		{[]string{"-spec", "testdata/absent.yml", "-commit", testCommit, "-committed", testCommitted}, "testdata/absent.yml"},
	} {
		out, err := runTool(t, ours, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want one saying %q", c.args, err, c.want)
		}
		if out != "" {
			t.Errorf("%q: wrote %d bytes despite the error", c.args, len(out))
		}
	}
}

// With -o, the table replaces the file whole; a run that fails leaves the file as it was.
func TestOutputFileIsReplacedWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "table.json")
	const old = "the committed table\n"
	if err := os.WriteFile(out, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-spec", "testdata/upstream.yml", "-commit", testCommit, "-committed", testCommitted, "-o", out}

	missing := []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/gadgets:\n    get:\n      responses: {'200': {description: ok}}\n")
	if stdout, err := runTool(t, missing, args...); err == nil || !strings.Contains(err.Error(), "GET /v1/gadgets") || stdout != "" {
		t.Fatalf("a missing operation: err %v, stdout %q; want an error naming it and nothing written", err, stdout)
	}
	if got := string(readFile(t, out)); got != old {
		t.Errorf("a failed run changed the file to %q", got)
	}

	if stdout, err := runTool(t, readFile(t, "testdata/ours.yml"), args...); err != nil || stdout != "" {
		t.Fatalf("err %v, stdout %q; want the table in the file only", err, stdout)
	}
	if got, want := string(readFile(t, out)), string(readFile(t, "testdata/upstream-table.json")); got != want {
		t.Errorf("-o wrote:\n%s\nwant testdata/upstream-table.json", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the table: a temporary file was left", len(entries))
	}
}
