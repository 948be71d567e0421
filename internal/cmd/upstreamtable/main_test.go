package main

import (
	"bytes"
	"encoding/json"
	"os"
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
