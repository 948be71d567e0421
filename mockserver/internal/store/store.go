// Package store holds the mock server's state: each project's organizations, members, RBAC
// policy and member sessions, with Stytch's business rules. It knows nothing of HTTP; the mock's
// handlers turn its *Error values into Stytch error responses.
//
// Values the store returns (api.Organization, api.Member, …) share slices and maps with the
// stored state, and with each other (an empty metadata object, a role's empty details). The store
// never changes a slice or map it has handed out (an update stores new ones), so callers may read
// and encode them freely but must not modify them. In the same way the store keeps what a request
// points to (metadata objects, external ids, allowed_oauth_tenants) rather than copying it: a
// caller hands a request over and must not change it afterwards.
//
// Where things are: store.go (this file) holds the Store, its projects and errors; orgs.go,
// members.go and factors.go the operations on organizations and members; rules.go Stytch's rules
// on values; rbac.go the policy and the roles members hold; sessions.go member sessions and
// authorization; search.go, filters.go and cursor.go searches; apps.go Connected Apps; tokens.go
// provider tokens; seed.go fixtures; values.go the value helpers they share.
package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Kind classifies an Error the way HTTP statuses do.
type Kind int

const (
	Invalid      Kind = iota + 1 // 400: the request breaks a rule
	Unauthorized                 // 401
	Forbidden                    // 403: a member session lacks a permission
	NotFound                     // 404
)

// Error is a rule the request broke, with the Stytch error type that names it.
type Error struct {
	Kind    Kind
	Type    string // Stytch's error_type, such as organization_slug_already_used
	Message string // Stytch-style error_message
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

func invalid(errorType, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Type: errorType, Message: fmt.Sprintf(format, args...)}
}

func notFound(errorType, format string, args ...any) *Error {
	return &Error{Kind: NotFound, Type: errorType, Message: fmt.Sprintf(format, args...)}
}

// Options configure a Store.
type Options struct {
	// Now returns the current time; time.Now when nil. Timestamps are truncated to seconds.
	Now func() time.Time
	// NewUUID returns a fresh UUID in its 36-character text form, for ids; random version 4
	// UUIDs (UUIDv4 of math/rand/v2's bits) when nil. An array rather than a string, so that
	// an id is one allocation.
	NewUUID func() [36]byte
	// CursorKey authenticates the search cursors the store hands out, so that a cursor it did
	// not make is refused. Nil means a random key: cursors differ from run to run. A store whose
	// answers must be reproducible (fixed ids and clock) needs a fixed key; a key anyone can
	// derive lets anyone forge cursors, which is fine for a test's own mock.
	CursorKey []byte
}

// Store is every project's state. The zero value is not usable; call New.
type Store struct {
	now       func() time.Time
	newUUID   func() [36]byte
	cursorKey []byte

	mu       sync.Mutex
	projects map[string]*Project
	made     uint64 // projects made so far: each one's incarnation
}

// New returns an empty store.
func New(opts Options) *Store {
	s := &Store{now: opts.Now, newUUID: opts.NewUUID, cursorKey: opts.CursorKey, projects: map[string]*Project{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newUUID == nil {
		s.newUUID = func() [36]byte { return UUIDv4(mathrand.Uint64(), mathrand.Uint64()) }
	}
	if s.cursorKey == nil {
		s.cursorKey = make([]byte, 32)
		_, _ = rand.Read(s.cursorKey) // never returns an error
	}
	return s
}

// Project returns the state of one project, creating it empty on first use. Each project is an
// independent namespace.
func (s *Store) Project(projectID string) *Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[projectID]
	if p == nil {
		s.made++
		p = newProject(projectID, s.now, s.newUUID)
		p.cursors = cursorKey{key: s.cursorKey, incarnation: s.made}
		s.projects[projectID] = p
	}
	return p
}

// Reset forgets every project.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects = map[string]*Project{}
}

// Forget forgets one project: its next use starts it empty. Requests already holding the
// project finish on the old state.
func (s *Store) Forget(projectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.projects, projectID)
}

// Env returns "live" for project ids that start with project-live- and "test" for every other,
// the rule Stytch's SDKs use to pick a host.
func Env(projectID string) string {
	if strings.HasPrefix(projectID, "project-live-") {
		return "live"
	}
	return "test"
}

// Project is one project's state. Its methods are safe for concurrent use: reads share a lock,
// writes hold it alone, and a write that fails changes nothing.
type Project struct {
	id, env string
	now     func() time.Time
	newUUID func() [36]byte
	cursors cursorKey
	// scanPaused, when set (by tests), is called each time a search lets go of the lock in the
	// middle of its scan.
	scanPaused func()

	mu   sync.RWMutex
	gen  uint64 // bumped by every write; search totals are reused while it is unchanged
	seq  uint64 // creation counter: the order of search results
	orgs []*orgRec

	orgByID    map[string]*orgRec
	orgBySlug  map[string]*orgRec // lowercased slug
	orgByExtID map[string]*orgRec

	memberByID    map[string]*memberRec   // every member, deleted ones included
	membersByMail map[string][]*memberRec // lowercased email → members that are not deleted, any org
	claimedBy     map[string]*orgRec      // claimed email domain → organization

	policy   policy
	sessions map[string]*Session     // session token or JWT → session
	apps     map[string]ConnectedApp // Connected Apps by id

	// slugNext is, by lowercased derived slug, the suffix to try first when the slug is taken:
	// deriving a slug for a name many organizations share costs one try, not one per namesake.
	slugNext map[string]int
}

func newProject(id string, now func() time.Time, newUUID func() [36]byte) *Project {
	return &Project{
		id: id, env: Env(id), now: now, newUUID: newUUID,
		orgByID:       map[string]*orgRec{},
		orgBySlug:     map[string]*orgRec{},
		orgByExtID:    map[string]*orgRec{},
		memberByID:    map[string]*memberRec{},
		membersByMail: map[string][]*memberRec{},
		claimedBy:     map[string]*orgRec{},
		policy:        defaultPolicy(),
		sessions:      map[string]*Session{},
		apps:          map[string]ConnectedApp{},
		slugNext:      map[string]int{},
	}
}

// ID returns the project id.
func (p *Project) ID() string { return p.id }

// Env returns "test" or "live".
func (p *Project) Env() string { return p.env }

// newID returns a Stytch-style id such as organization-test-<uuid>.
func (p *Project) newID(kind string) string {
	u := p.newUUID()
	var b [64]byte
	return string(append(append(append(append(append(b[:0], kind...), '-'), p.env...), '-'), u[:]...))
}

// timestamp returns the current time as Stytch shows it: UTC, whole seconds.
func (p *Project) timestamp() time.Time {
	return p.now().UTC().Truncate(time.Second)
}

// write marks a change of state: search totals computed before it are stale.
func (p *Project) write() { p.gen++ }

func (p *Project) nextSeq() uint64 {
	p.seq++
	return p.seq
}

// Generation returns a counter that every change of the project's state bumps: equal values
// mean nothing changed in between.
func (p *Project) Generation() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.gen
}

// UUIDv4 formats 128 bits as the text of a version 4 (RFC 4122 variant) UUID, overwriting the
// six bits those take. Ids need to be unique, not unpredictable, so callers may take the bits
// from math/rand/v2, which costs no system call; the text comes back as an array, so that
// making an id is one allocation (its string) or none.
func UUIDv4(hi, lo uint64) (s [36]byte) {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], hi)
	binary.BigEndian.PutUint64(u[8:], lo)
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	hex.Encode(s[0:8], u[0:4])
	hex.Encode(s[9:13], u[4:6])
	hex.Encode(s[14:18], u[6:8])
	hex.Encode(s[19:23], u[8:10])
	hex.Encode(s[24:36], u[10:16])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return s
}
