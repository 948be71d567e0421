package mockserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// credentials decides which project id and secret pairs the mock accepts.
type credentials struct {
	pinned map[string]string // when set, exactly these pairs and no others

	mu   sync.Mutex
	seen map[string]string // project id → the first secret used with it
}

func newCredentials(pinned map[string]string) *credentials {
	return &credentials{pinned: pinned, seen: map[string]string{}}
}

func unauthorized(format string, args ...any) *apiError {
	return newError(http.StatusUnauthorized, "unauthorized_credentials", format, args...)
}

// check accepts a project id and secret, or says why not. By default any project id of the
// shape validProjectID accepts is accepted with a non-empty secret, and the first secret seen for
// an id is the only one accepted after.
func (c *credentials) check(projectID string, secret []byte) *apiError {
	if c.pinned != nil {
		want, ok := c.pinned[projectID]
		switch {
		case !ok:
			return unauthorized("Unauthorized credentials: this mock accepts only the project ids and secrets pinned with -credentials (mockserver.WithCredentials), and this project id is not one of them.")
		case subtle.ConstantTimeCompare([]byte(want), secret) != 1:
			return unauthorized("Unauthorized credentials: this is not the secret pinned for %s with -credentials (mockserver.WithCredentials).", projectID)
		}
		return nil
	}
	if !validProjectID(projectID) {
		return unauthorized("Unauthorized credentials: %s", projectIDRule)
	}
	if len(secret) == 0 {
		return unauthorized("Unauthorized credentials: the secret is empty.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	first, ok := c.seen[projectID]
	if !ok {
		c.seen[projectID] = string(secret)
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(first), secret) != 1 {
		return errOtherSecret(projectID)
	}
	return nil
}

// errOtherSecret is the 401 for a secret other than the one the mock learned for projectID.
// Without it, a newcomer who tried one secret in a README's curl and another in an example gets
// a bare "Unauthorized credentials." from a mock that accepted the first a minute ago: it says
// what happened and the ways out, and quotes neither secret.
func errOtherSecret(projectID string) *apiError {
	return unauthorized("Unauthorized credentials: project id %[1]s was first used with another secret, and this mock accepts only that one for it. "+
		"Send that secret, or make the mock forget it: POST %[2]sreset with {\"project_id\":\"%[1]s\"} (ResetProject in Go), or restart the mock. "+
		"To fix the pair from the start, run stytchmock -credentials %[1]s:SECRET (WithCredentials in Go).", projectID, AdminPrefix)
}

// reset forgets the secrets learned so far.
func (c *credentials) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = map[string]string{}
}

// forget forgets the secret learned for one project id.
func (c *credentials) forget(projectID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, projectID)
}

// checkBasic checks credentials already parsed from an Authorization header; ok is false when
// there was no Basic one.
func (c *credentials) checkBasic(id string, secret []byte, ok bool) *apiError {
	if !ok {
		return unauthorized("Unauthorized credentials: send the project id and secret with HTTP Basic authentication.")
	}
	return c.check(id, secret)
}

// basicAuth reads a request's HTTP Basic credentials as r.BasicAuth does, but decodes them into
// buf (falling back to r.BasicAuth when they do not fit), so that only the project id becomes a
// string, and that one only the first time ids sees it. ok is false when the request has no
// Basic credentials.
func basicAuth(r *http.Request, buf []byte, ids *projectIDs) (projectID string, secret []byte, ok bool) {
	const prefix = "Basic "
	auth := r.Header.Get("Authorization")
	if len(auth) < len(prefix) || !asciiEqualFold(auth[:len(prefix)], prefix) {
		return "", nil, false
	}
	encoded := auth[len(prefix):]
	if base64.StdEncoding.DecodedLen(len(encoded)) > len(buf) {
		id, s, ok := r.BasicAuth()
		return id, []byte(s), ok
	}
	n, err := base64.StdEncoding.Decode(buf, []byte(encoded))
	if err != nil {
		return "", nil, false
	}
	id, secret, ok := bytes.Cut(buf[:n], []byte(":"))
	if !ok {
		return "", nil, false
	}
	return ids.intern(id), secret, true
}

// projectIDs are the project ids requests named, each kept as one string that every later
// request naming it shares: a client names the same few ids again and again, and a request
// then makes no string of its own. The zero value is ready to use.
type projectIDs struct {
	mu  sync.RWMutex
	ids map[string]string
}

// maxProjectIDs bounds projectIDs: past it, a new id is a string of its own, as before, so that
// a client that sends endless ids cannot grow the set without bound.
const maxProjectIDs = 1024

// intern returns id as a string, the one kept for it if there is one.
func (p *projectIDs) intern(id []byte) string {
	p.mu.RLock()
	s, ok := p.ids[string(id)] // a lookup by string(id) makes no string
	p.mu.RUnlock()
	if ok {
		return s
	}
	s = string(id)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids == nil {
		p.ids = map[string]string{}
	}
	if len(p.ids) < maxProjectIDs {
		p.ids[s] = s
	}
	return s
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// projectIDPattern is the shape of the project ids the mock accepts unless credentials are
// pinned. Stytch issues project-test- or project-live- and a UUID; the mock also takes any other
// suffix of the same characters (project-test-demo, project-test-ci-42), because tests name their
// projects, but bounds it: an id becomes a key of the mock's state, and an unbounded one (30 KB,
// NUL bytes, an empty suffix) is no id Stytch would issue.
var projectIDPattern = regexp.MustCompile(`^project-(test|live)-[A-Za-z0-9_-]{1,64}$`)

// projectIDRule says what projectIDPattern requires, for error messages.
const projectIDRule = "the project id must be project-test- or project-live- followed by 1 to 64 letters, digits, hyphens or underscores (Stytch issues project-test- and a UUID)."

// validProjectID reports whether id matches projectIDPattern; it runs for every request, so it
// is spelled out (credentials_internal_test.go holds it to the pattern).
func validProjectID(id string) bool {
	rest, ok := strings.CutPrefix(id, "project-test-")
	if !ok {
		if rest, ok = strings.CutPrefix(id, "project-live-"); !ok {
			return false
		}
	}
	if len(rest) < 1 || len(rest) > 64 {
		return false
	}
	for i := range len(rest) {
		switch c := rest[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// wellFormed reports whether projectID is one the mock can name (in the request log, in the
// admin API): of the accepted shape, or pinned with WithCredentials, which takes any id.
func (c *credentials) wellFormed(projectID string) bool {
	if _, ok := c.pinned[projectID]; ok {
		return true
	}
	return validProjectID(projectID)
}
