package exampleenv

import (
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// Where the examples send their requests, for each combination of the variables; in
// particular, STYTCH_BASE_URL alone is an error, not quietly the in-process mock.
func TestTargetOf(t *testing.T) {
	const id, secret, base = "project-test-demo", "secret-test-demo", "http://127.0.0.1:4010"
	for name, tc := range map[string]struct {
		vars                map[string]string
		want                target
		wantErr, wantInNote string
	}{
		"nothing set":          {vars: nil, wantInNote: "set STYTCH_PROJECT_ID and STYTCH_SECRET"},
		"credentials":          {vars: map[string]string{"STYTCH_PROJECT_ID": id, "STYTCH_SECRET": secret}, want: target{projectID: id, secret: secret}},
		"credentials and base": {vars: map[string]string{"STYTCH_PROJECT_ID": id, "STYTCH_SECRET": secret, "STYTCH_BASE_URL": base}, want: target{projectID: id, secret: secret, baseURL: base}},
		"only the project id":  {vars: map[string]string{"STYTCH_PROJECT_ID": id}, wantInNote: "must both be set"},
		"only the base URL":    {vars: map[string]string{"STYTCH_BASE_URL": base}, wantErr: "STYTCH_BASE_URL is set, but it is used only with both"},
		"base URL and an id":   {vars: map[string]string{"STYTCH_BASE_URL": base, "STYTCH_PROJECT_ID": id}, wantErr: "STYTCH_BASE_URL is set"},
	} {
		got, err := targetOf(env(tc.vars))
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: got %+v, %v; want an error containing %q", name, got, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.wantInNote != "":
			if got.projectID != "" || !strings.Contains(got.note, tc.wantInNote) {
				t.Errorf("%s: got %+v, want the mock with a note containing %q", name, got, tc.wantInNote)
			}
		case got != tc.want:
			t.Errorf("%s: got %+v, want %+v", name, got, tc.want)
		}
	}
}

// An example that always uses the mock says which of the variables it ignores.
func TestMockOnlyNote(t *testing.T) {
	if got := mockOnlyNote("fault injection", env(nil)); got != "needs fault injection" {
		t.Errorf("nothing set: %q", got)
	}
	got := mockOnlyNote("fault injection", env(map[string]string{"STYTCH_BASE_URL": "http://127.0.0.1:4010"}))
	if got != "needs fault injection; STYTCH_BASE_URL ignored" {
		t.Errorf("base URL set: %q", got)
	}
}
