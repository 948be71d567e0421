package mockserver

import (
	"crypto/subtle"
	"net/http"
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

// check accepts a project id and secret, or says why not. By default any project-test- or
// project-live- id with a non-empty secret is accepted, and the first secret seen for an id is
// the only one accepted after.
func (c *credentials) check(projectID, secret string) *apiError {
	if c.pinned != nil {
		want, ok := c.pinned[projectID]
		if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
			return unauthorized("Unauthorized credentials.")
		}
		return nil
	}
	if !strings.HasPrefix(projectID, "project-test-") && !strings.HasPrefix(projectID, "project-live-") {
		return unauthorized("Unauthorized credentials: the project id must start with project-test- or project-live-.")
	}
	if secret == "" {
		return unauthorized("Unauthorized credentials: the secret is empty.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	first, ok := c.seen[projectID]
	if !ok {
		c.seen[projectID] = secret
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(first), []byte(secret)) != 1 {
		return unauthorized("Unauthorized credentials.")
	}
	return nil
}

// reset forgets the secrets learned so far.
func (c *credentials) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = map[string]string{}
}

// checkBasic checks credentials already parsed from an Authorization header; ok is false when
// there was no Basic one.
func (c *credentials) checkBasic(id, secret string, ok bool) *apiError {
	if !ok {
		return unauthorized("Unauthorized credentials: send the project id and secret with HTTP Basic authentication.")
	}
	return c.check(id, secret)
}
