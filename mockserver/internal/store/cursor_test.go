package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// cursorProject returns a project of s with n organizations, and the cursor after the first
// page of a search of all of them, one per page.
func cursorProject(t *testing.T, s *Store, id string, n int) (*Project, string) {
	t.Helper()
	p := s.Project(id)
	for i := range n {
		if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: fmt.Sprintf("Org %d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	page, err := p.SearchOrganizations(orgSearch(1))
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	return p, page.NextCursor
}

// wantBadCursor checks that a search with cursor c is refused as Stytch refuses a bad cursor.
func wantBadCursor(t *testing.T, p *Project, c string) {
	t.Helper()
	req := orgSearch(1)
	req.Cursor = &c
	page, err := p.SearchOrganizations(req)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Invalid || e.Type != "user_search_invalid_cursor" {
		t.Errorf("cursor %q: got %+v, %v; want 400 user_search_invalid_cursor", c, page, err)
	}
}

// forgedCursor is a cursor in the store's format from before cursors were authenticated:
// "v1.after.gen.total.query", query the FNV-1a hash of the query's parts, each followed by NUL.
// Anyone could write one, with any total.
func forgedCursor(after, gen uint64, total int64, parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1.%d.%d.%d.%x", after, gen, total, h.Sum64()))
}

// A caller must not be able to set the total it is told: a forged cursor is refused, whatever
// total it claims, including one past int32 that used to come back negative.
func TestSearchCursorForgedIsRefused(t *testing.T) {
	p, _ := cursorProject(t, New(Options{}), "project-test-forged", 3)
	for _, total := range []int64{2, 1_000_000, 3_000_000_000, math.MaxInt64} {
		wantBadCursor(t, p, forgedCursor(1, p.Generation(), total, "organizations"))
	}
}

// A genuine cursor changed in any bit, cut short or lengthened is refused.
func TestSearchCursorTamperedIsRefused(t *testing.T) {
	p, c := cursorProject(t, New(Options{}), "project-test-tampered", 3)
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		for bit := range 8 {
			b := append([]byte(nil), raw...)
			b[i] ^= 1 << bit
			wantBadCursor(t, p, base64.RawURLEncoding.EncodeToString(b))
		}
	}
	wantBadCursor(t, p, base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]))
	wantBadCursor(t, p, base64.RawURLEncoding.EncodeToString(append(raw, 0)))
	// The genuine cursor still works, page after page.
	req := orgSearch(1)
	for n := 1; ; n++ {
		req.Cursor = &c
		page, err := p.SearchOrganizations(req)
		if err != nil {
			t.Fatalf("page %d: %v", n+1, err)
		}
		if page.Total != 3 {
			t.Errorf("page %d: total %d, want 3", n+1, page.Total)
		}
		if c = page.NextCursor; c == "" {
			break
		}
	}
}

// A cursor belongs to the project (and the store) that made it: another project of the same
// store, a project of another store, and a project of the same id made again after a reset
// (whose generations start over) all refuse it.
func TestSearchCursorBelongsToItsProject(t *testing.T) {
	s := New(Options{})
	_, c := cursorProject(t, s, "project-test-one", 3)
	other, _ := cursorProject(t, s, "project-test-two", 3)
	wantBadCursor(t, other, c)

	elsewhere, _ := cursorProject(t, New(Options{}), "project-test-one", 3)
	wantBadCursor(t, elsewhere, c)

	s.Reset()
	again, _ := cursorProject(t, s, "project-test-one", 3)
	wantBadCursor(t, again, c)
}

// Even a cursor the store made cannot make a total wrap: the API's total is an int32.
func TestSearchTotalNeverWraps(t *testing.T) {
	p, _ := cursorProject(t, New(Options{}), "project-test-wrap", 3)
	p.mu.RLock()
	c := p.cursors.encode(cursor{after: p.orgs[0].seq, gen: p.gen, total: 3_000_000_000}, p.cursors.queryHash("organizations"))
	p.mu.RUnlock()
	req := orgSearch(1)
	req.Cursor = &c
	page, err := p.SearchOrganizations(req)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != math.MaxInt32 {
		t.Errorf("total %d, want %d (the most an int32 holds)", page.Total, math.MaxInt32)
	}
}

// With a fixed key, fixed ids and a fixed clock, the same requests give the same cursors, so a
// deterministic mock's answers repeat; another key gives other cursors.
func TestSearchCursorsRepeatWithAFixedKey(t *testing.T) {
	run := func(key string) string {
		n := 0
		s := New(Options{CursorKey: []byte(key), NewUUID: func() (u [36]byte) {
			n++
			copy(u[:], fmt.Sprintf("00000000-0000-4000-8000-%012d", n))
			return u
		}})
		_, c := cursorProject(t, s, "project-test-fixed", 3)
		return c
	}
	if a, b := run("key one"), run("key one"); a != b {
		t.Errorf("same key, same requests: cursors %q and %q", a, b)
	}
	if a, b := run("key one"), run("key two"); a == b {
		t.Errorf("two keys gave the same cursor %q", a)
	}
}
