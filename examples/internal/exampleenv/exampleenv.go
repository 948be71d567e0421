// Package exampleenv connects the example programs to Stytch, or to the mock server when there
// are no credentials, so that every example runs offline with no setup.
//
//	c, srv, done := exampleenv.Connect("quickstart")
//	defer done()
//	// srv is nil against Stytch's API
//
// The environment variables it reads:
//
//	STYTCH_PROJECT_ID, STYTCH_SECRET  both set: call Stytch's API (test or live, by project id)
//	STYTCH_BASE_URL                   with both of them: send requests elsewhere, such as to the
//	                                  mock run as a process (go run ./mockserver/cmd/stytchmock);
//	                                  set alone, it is an error, not ignored
package exampleenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The credentials the examples use with the in-process mock. The mock accepts any project-test-
// id, with the first secret used for it; a fixture seeded into it must name the same project
// (c.ProjectID()).
const (
	MockProjectID = "project-test-11111111-2222-4333-8444-555555555555"
	MockSecret    = "secret-test-examples"
)

// suffix is appended by Unique: empty against the mock, "-" and a random token against Stytch.
var suffix string

// Connect returns a client for Stytch's API when STYTCH_PROJECT_ID and STYTCH_SECRET are both
// set, and nil for the server. Otherwise it starts the mock server in this process and returns a
// client pointed at it, and the server. It prints one line saying which, prefixed with name.
// opts are added to the client's options. Call the returned function when done; it stops the
// mock. Connect exits the program if the client cannot be made.
func Connect(name string, opts ...client.Option) (*client.Client, *mockserver.Server, func()) {
	t, err := targetOf(os.Getenv)
	if err != nil {
		fail(name, err)
	}
	if t.projectID == "" {
		return startMock(name, t.note, opts)
	}
	where := "Stytch's API at https://test.stytch.com"
	if strings.HasPrefix(t.projectID, "project-live-") {
		where = "Stytch's API at https://api.stytch.com"
	}
	if t.baseURL != "" {
		where = "the API at " + t.baseURL
		opts = append(opts, client.WithBaseURL(t.baseURL))
	}
	c, err := client.New(t.projectID, t.secret, opts...)
	if err != nil {
		fail(name, err)
	}
	// Names the example creates get a random suffix, so that they never collide with the
	// project's own organizations or with another run.
	suffix = "-" + randomToken()
	fmt.Printf("%s: using %s, project %s\n", name, where, t.projectID)
	return c, nil, func() {}
}

// target is where an example's requests go, as the environment says.
type target struct {
	projectID, secret, baseURL string // no projectID: the in-process mock
	note                       string // with the mock: why it is used, for the first line
}

// targetOf reads the environment through getenv. STYTCH_BASE_URL without both credentials is
// an error rather than a fallback to the in-process mock: whoever set it meant another server,
// and a run that quietly went elsewhere would look like a run against it.
func targetOf(getenv func(string) string) (target, error) {
	projectID, secret, base := getenv("STYTCH_PROJECT_ID"), getenv("STYTCH_SECRET"), getenv("STYTCH_BASE_URL")
	switch {
	case projectID != "" && secret != "":
		return target{projectID: projectID, secret: secret, baseURL: base}, nil
	case base != "":
		return target{}, fmt.Errorf("STYTCH_BASE_URL is set, but it is used only with both STYTCH_PROJECT_ID and STYTCH_SECRET: " +
			"set them too (against stytchmock, for example STYTCH_PROJECT_ID=project-test-demo STYTCH_SECRET=secret-test-demo), " +
			"or unset STYTCH_BASE_URL to run against the in-process mock")
	case projectID == "" && secret == "":
		return target{note: "set STYTCH_PROJECT_ID and STYTCH_SECRET to call Stytch's API instead"}, nil
	}
	return target{note: "STYTCH_PROJECT_ID and STYTCH_SECRET must both be set to call Stytch's API"}, nil
}

// ConnectMock is Connect for the examples that need the mock's test controls (fault injection,
// fixtures): it always starts the mock, and says why, and which variables it ignores, when
// any of them is set.
func ConnectMock(name, why string, opts ...client.Option) (*client.Client, *mockserver.Server, func()) {
	return startMock(name, mockOnlyNote(why, os.Getenv), opts)
}

// mockOnlyNote is the first line's note of an example that always uses the mock.
func mockOnlyNote(why string, getenv func(string) string) string {
	note := "needs " + why
	var ignored []string
	for _, v := range []string{"STYTCH_PROJECT_ID", "STYTCH_SECRET", "STYTCH_BASE_URL"} {
		if getenv(v) != "" {
			ignored = append(ignored, v)
		}
	}
	if len(ignored) > 0 {
		note += "; " + strings.Join(ignored, ", ") + " ignored"
	}
	return note
}

// startMock starts the mock server in this process and points a client at it.
func startMock(name, note string, opts []client.Option) (*client.Client, *mockserver.Server, func()) {
	srv, err := mockserver.New()
	if err != nil {
		fail(name, err)
	}
	c, err := client.New(MockProjectID, MockSecret, append([]client.Option{client.WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		srv.Close()
		fail(name, err)
	}
	suffix = ""
	fmt.Printf("%s: using the in-process mock server at %s (%s)\n", name, srv.URL, note)
	return c, srv, srv.Close
}

// Unique returns s unchanged against the mock, which starts empty each run, and s with a random
// suffix such as "-3f9a1c" against Stytch. Use it for slugs, external ids and anything else a
// project holds only once.
func Unique(s string) string { return s + suffix }

// fail ends the program when it cannot even connect.
func fail(name string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(1)
}

func randomToken() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
