package mockserver_test

// Reliability tests of the mock under concurrency: a random workload of 64 goroutines checked
// against a model built only from the operations that succeeded, and checks that a server leaves
// no goroutines behind and keeps a steady heap across Reset.
//
// The model cannot know the order in which the server applied two concurrent requests, so every
// check is one that holds whatever that order was. Each request is bracketed by two ticks of a
// logical clock (s before it is sent, e after its answer is read); the server applied it at some
// instant between them. From that:
//
//   - an object surely exists during [s, e] when its create answered before s and no delete of it
//     was sent before e; it may exist when its create was sent before e and no successful delete
//     of it answered before s. A search total or member count must lie between the two counts.
//   - a field (a register) may hold a value during [s, e] when some successful write of that value
//     was sent before e and no other successful write both started after it ended and ended
//     before s. After the run, a field must hold a value that no later-started write superseded.
//   - metadata keys have one writer each (goroutine g owns key gNN on every object), so the model
//     knows every key's value exactly.
//   - a 404 needs a successful delete sent before the 404 was read; a conflict needs another
//     object that may have held the slug or email during the request.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

const (
	concWorkers    = 64
	concMetaOwners = 16 // goroutines 0..15 each own one metadata key (gNN) of every object
	concSlugPool   = 12 // organizations are created with slugs team-00…team-11, in either case
	concEmailPool  = 6  // members are created with user0…user5@conc.example, in either case
)

// concDuration is how long the workload runs: 2s by default, 500ms with -short, or the duration
// in STYTCHORGS_CONC_DURATION (such as 30s) for a soak.
func concDuration(t *testing.T) time.Duration {
	if v := os.Getenv("STYTCHORGS_CONC_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("STYTCHORGS_CONC_DURATION=%q: want a positive duration", v)
		}
		return d
	}
	if testing.Short() {
		return 500 * time.Millisecond
	}
	return 2 * time.Second
}

// concSeed is the workload's random seed: STYTCHORGS_CONC_SEED, or the time.
func concSeed(t *testing.T) uint64 {
	if v := os.Getenv("STYTCHORGS_CONC_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("STYTCHORGS_CONC_SEED=%q: %v", v, err)
		}
		return s
	}
	return uint64(time.Now().UnixNano())
}

// concWrite is a successful write of one field: the value, and the ticks around the request.
type concWrite struct {
	v    string
	s, e int64
}

type concSpan struct{ s, e int64 }

// concOrg is what the model knows of an organization that was created. Fields after created
// are guarded by concModel.mu.
type concOrg struct {
	id      string
	created concSpan

	delIssued int64    // the earliest tick at which a delete of it was sent; 0 if none
	del       concSpan // the delete that succeeded; zero if none

	name, slug, mfa, invites []concWrite
	meta                     map[string]any // trusted_metadata as the successful patches leave it
	members                  []*concMember
}

type concMember struct {
	id      string
	org     *concOrg
	created concSpan

	delIssued int64
	del       concSpan

	email, name []concWrite    // emails lowercased, as stored
	meta        map[string]any // untrusted_metadata
}

type concEventKind int

const (
	concOrgNotFound concEventKind = iota + 1
	concMemberNotFound
	concSlugConflict
	concEmailConflict
	concRetiredConflict
	concMetrics
	concGet
)

// concEvent is an answer whose correctness depends on what other goroutines did; they are all
// checked after the run, when the model is complete.
type concEvent struct {
	kind   concEventKind
	g      int
	op     string
	org    *concOrg
	member *concMember // the member acted on, if any
	value  string      // slug or email of a conflict, slug of a get
	value2 string      // name of a get
	n      int         // member count of a metrics call
	s, e   int64
}

// concPage is one page of a search as the transport saw it.
type concPage struct {
	s, e     int64
	cursor   bool // the request carried a cursor
	status   int
	errType  string
	total    int
	next     string
	ids      []string
	keys     []string // slugs (organizations) or emails (members)
	orgIDs   []string // members: each one's organization
	statuses []string // members: each one's status
}

// concPass is one SearchAll loop.
type concPass struct {
	g       int
	members bool       // a member search (of orgs) rather than an organization search
	orgs    []*concOrg // the organizations a member search covered
	limit   int
	pages   []concPage // appended by the transport, in the goroutine running the loop
	yielded []string
	err     error
}

type concPassKey struct{}

// concModel is the test's knowledge of what must be true.
type concModel struct {
	t     *testing.T
	clock atomic.Int64

	mu      sync.Mutex
	orgs    []*concOrg // every organization created, in order of the answers
	live    []*concOrg // those not known to be deleted, to pick from
	byID    map[string]*concOrg
	members map[string]*concMember
	events  []concEvent
	passes  []*concPass
	stats   map[string]int

	failures atomic.Int32
}

func newConcModel(t *testing.T) *concModel {
	return &concModel{t: t, byID: map[string]*concOrg{}, members: map[string]*concMember{}, stats: map[string]int{}}
}

func (m *concModel) tick() int64 { return m.clock.Add(1) }

// errorf fails the test, printing only the first failures: one bug tends to cause many.
func (m *concModel) errorf(format string, args ...any) {
	m.t.Helper()
	if n := m.failures.Add(1); n <= 25 {
		m.t.Errorf(format, args...)
	} else if n == 26 {
		m.t.Errorf("… more failures not shown")
	}
}

func (m *concModel) count(key string) {
	m.mu.Lock()
	m.stats[key]++
	m.mu.Unlock()
}

func (m *concModel) event(ev concEvent) {
	m.mu.Lock()
	m.events = append(m.events, ev)
	m.mu.Unlock()
}

// concTransport records every page of the searches whose context carries a *concPass, with the
// ticks around it, and otherwise passes requests through.
type concTransport struct {
	base  http.RoundTripper
	model *concModel
}

func (rt *concTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	pass, _ := req.Context().Value(concPassKey{}).(*concPass)
	if pass == nil {
		return rt.base.RoundTrip(req)
	}
	var reqBody struct {
		Cursor string `json:"cursor"`
	}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			_ = json.NewDecoder(rc).Decode(&reqBody)
			rc.Close()
		}
	}
	pg := concPage{s: rt.model.tick(), cursor: reqBody.Cursor != ""}
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		pg.e = rt.model.tick()
		pg.errType = "transport: " + err.Error()
		pass.pages = append(pass.pages, pg)
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	pg.e = rt.model.tick()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	pg.status = resp.StatusCode
	if err != nil {
		pg.errType = "reading: " + err.Error()
		pass.pages = append(pass.pages, pg)
		return resp, nil
	}
	var wire struct {
		ErrorType     string          `json:"error_type"`
		Organizations json.RawMessage `json:"organizations"` // a list, or for members a map
		Members       []struct {
			ID     string `json:"member_id"`
			OrgID  string `json:"organization_id"`
			Email  string `json:"email_address"`
			Status string `json:"status"`
		} `json:"members"`
		ResultsMetadata struct {
			Total      int     `json:"total"`
			NextCursor *string `json:"next_cursor"`
		} `json:"results_metadata"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		pg.errType = "decoding: " + err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		pg.errType = wire.ErrorType
	}
	pg.total = wire.ResultsMetadata.Total
	if wire.ResultsMetadata.NextCursor != nil {
		pg.next = *wire.ResultsMetadata.NextCursor
	}
	if pass.members {
		// A member search answers an "organizations" map, not a list; only members count here.
		for _, mb := range wire.Members {
			pg.ids = append(pg.ids, mb.ID)
			pg.keys = append(pg.keys, mb.Email)
			pg.orgIDs = append(pg.orgIDs, mb.OrgID)
			pg.statuses = append(pg.statuses, mb.Status)
		}
	} else if resp.StatusCode == http.StatusOK {
		var orgs []struct {
			ID   string `json:"organization_id"`
			Slug string `json:"organization_slug"`
		}
		if err := json.Unmarshal(wire.Organizations, &orgs); err != nil {
			pg.errType = "decoding: " + err.Error()
		}
		for _, o := range orgs {
			pg.ids = append(pg.ids, o.ID)
			pg.keys = append(pg.keys, o.Slug)
		}
	}
	pass.pages = append(pass.pages, pg)
	return resp, nil
}

// concClient returns a client for a fresh project of srv whose searches the model can watch,
// and a function that closes its idle connections. Retries are off so that every answer, a 5xx
// included, reaches the workload as it was.
func concClient(t *testing.T, srv *mockserver.Server, m *concModel) (*client.Client, func()) {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * concWorkers // one connection per goroutine, reused
	c, err := client.New("project-test-"+uuid.NewString(), "conc-secret",
		client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0), client.WithMaxRetries(0),
		client.WithTimeout(30*time.Second),
		client.WithHTTPClient(&http.Client{Transport: &concTransport{base: tr, model: m}}))
	if err != nil {
		t.Fatal(err)
	}
	return c, tr.CloseIdleConnections
}

// concErr classifies an error: its Stytch error type when it is one, and whether it is one of
// the expected types. Every 5xx, transport error or unexpected type fails the test.
func (m *concModel) concErr(g int, op string, err error, expected ...string) (string, bool) {
	m.t.Helper()
	var se *client.Error
	if !errors.As(err, &se) {
		m.count(op + ".error")
		m.errorf("g%02d %s: not a Stytch error: %v", g, op, err)
		return "", false
	}
	if se.StatusCode >= 500 {
		m.count(op + ".5xx")
		m.errorf("g%02d %s: server error %d %s: %v", g, op, se.StatusCode, se.ErrorType, err)
		return se.ErrorType, false
	}
	if !slices.Contains(expected, se.ErrorType) {
		m.count(op + ".unexpected")
		m.errorf("g%02d %s: unexpected error: %v", g, op, err)
		return se.ErrorType, false
	}
	switch {
	case strings.HasSuffix(se.ErrorType, "_not_found"):
		if se.StatusCode != http.StatusNotFound || !errors.Is(err, client.ErrNotFound) {
			m.errorf("g%02d %s: %s answered %d, not a 404 ErrNotFound: %v", g, op, se.ErrorType, se.StatusCode, err)
		}
	default: // every other expected type is a conflict
		if se.StatusCode != http.StatusBadRequest || !errors.Is(err, client.ErrConflict) {
			m.errorf("g%02d %s: conflict %s answered %d, not a 400 ErrConflict: %v", g, op, se.ErrorType, se.StatusCode, err)
		}
	}
	m.count(op + "." + se.ErrorType)
	return se.ErrorType, true
}

func concKey(g int) string { return fmt.Sprintf("g%02d", g) }

func concPoolSlug(rng *rand.Rand) string {
	i := rng.IntN(concSlugPool)
	if rng.IntN(2) == 0 {
		return fmt.Sprintf("Team-%02d", i)
	}
	return fmt.Sprintf("team-%02d", i)
}

func concPoolEmail(rng *rand.Rand) string {
	i := rng.IntN(concEmailPool)
	if rng.IntN(2) == 0 {
		return fmt.Sprintf("User%d@Conc.Example", i)
	}
	return fmt.Sprintf("user%d@conc.example", i)
}

// pickOrg returns a random organization not known to be deleted, or nil.
func (m *concModel) pickOrg(rng *rand.Rand) *concOrg {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.live) == 0 {
		return nil
	}
	return m.live[rng.IntN(len(m.live))]
}

// pickHotOrg is pickOrg, but half the time among the three oldest organizations, so that
// concurrent updates of one organization are common (a lost update needs them).
func (m *concModel) pickHotOrg(rng *rand.Rand) *concOrg {
	if rng.IntN(2) == 0 {
		return m.pickOrg(rng)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.live) == 0 {
		return nil
	}
	return m.live[rng.IntN(min(3, len(m.live)))]
}

// pickMember returns a random member, not known to be deleted, of an organization not known to
// be deleted, or nil.
func (m *concModel) pickMember(rng *rand.Rand) *concMember {
	o := m.pickHotOrg(rng)
	if o == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var alive []*concMember
	for _, mb := range o.members {
		if mb.del.e == 0 {
			alive = append(alive, mb)
		}
	}
	if len(alive) == 0 {
		return nil
	}
	return alive[rng.IntN(len(alive))]
}

// run runs the workload on workers goroutines until stop says so (given the goroutine's number
// of operations done), or the test has failed too often.
func (m *concModel) run(c *client.Client, workers int, seed uint64, stop func(ops int) bool) {
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			for n := 0; !stop(n) && m.failures.Load() < 50; n++ {
				m.step(c, g, n, rng)
			}
		})
	}
	wg.Wait()
}

// step does one random operation.
func (m *concModel) step(c *client.Client, g, n int, rng *rand.Rand) {
	ctx := context.Background()
	switch r := rng.IntN(100); {
	case r < 6:
		m.createOrg(ctx, c, g, n, rng, true)
	case r < 8:
		m.createOrg(ctx, c, g, n, rng, false)
	case r < 24:
		m.updateOrg(ctx, c, g, n, rng)
	case r < 27:
		m.deleteOrg(ctx, c, g, rng)
	case r < 50:
		m.createMember(ctx, c, g, n, rng)
	case r < 70:
		m.updateMember(ctx, c, g, n, rng)
	case r < 78:
		m.deleteMember(ctx, c, g, rng)
	case r < 84:
		m.searchOrgs(ctx, c, g, rng)
	case r < 90:
		m.searchMembers(ctx, c, g, rng)
	case r < 95:
		m.metrics(ctx, c, g, rng)
	default:
		m.getOrg(ctx, c, g, rng)
	}
}

var concDerivedSlug = regexp.MustCompile(`^conc-derived(-[0-9]+)?$`)

func (m *concModel) createOrg(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand, withSlug bool) {
	const op = "createOrg"
	params := client.OrganizationCreateParams{
		Name:            fmt.Sprintf("Conc org %s-%d", concKey(g), n),
		TrustedMetadata: client.Metadata{"creator": concKey(g), "n": strconv.Itoa(n)},
	}
	if withSlug {
		params.Slug = concPoolSlug(rng)
	} else {
		params.Name = "Conc Derived" // the slug is derived: conc-derived, conc-derived-2, …
	}
	s := m.tick()
	org, err := c.Organizations.Create(ctx, params)
	e := m.tick()
	if err != nil {
		if _, ok := m.concErr(g, op, err, "organization_slug_already_used"); ok {
			m.event(concEvent{kind: concSlugConflict, g: g, op: op, value: params.Slug, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	switch {
	case withSlug && org.Slug != params.Slug:
		m.errorf("g%02d %s: slug %q was stored as %q", g, op, params.Slug, org.Slug)
	case !withSlug && !concDerivedSlug.MatchString(org.Slug):
		m.errorf("g%02d %s: name %q got the slug %q, want conc-derived or conc-derived-N", g, op, params.Name, org.Slug)
	case org.Name != params.Name:
		m.errorf("g%02d %s: name %q was stored as %q", g, op, params.Name, org.Name)
	case !reflect.DeepEqual(map[string]any(org.TrustedMetadata), map[string]any(params.TrustedMetadata)):
		m.errorf("g%02d %s: trusted_metadata %v was stored as %v", g, op, params.TrustedMetadata, org.TrustedMetadata)
	}
	sp := concSpan{s, e}
	o := &concOrg{
		id: org.ID, created: sp,
		name:    []concWrite{{org.Name, s, e}},
		slug:    []concWrite{{org.Slug, s, e}},
		mfa:     []concWrite{{string(org.MFAPolicy), s, e}},
		invites: []concWrite{{string(org.EmailInvites), s, e}},
		meta:    maps.Clone(map[string]any(params.TrustedMetadata)),
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID[o.id] != nil {
		m.errorf("g%02d %s: organization id %s was handed out twice", g, op, o.id)
		return
	}
	m.byID[o.id] = o
	m.orgs = append(m.orgs, o)
	m.live = append(m.live, o)
}

func (m *concModel) updateOrg(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
	const op = "updateOrg"
	o := m.pickHotOrg(rng)
	if o == nil {
		return
	}
	var params client.OrganizationUpdateParams
	var name, slug, mfa, invites string
	var metaKey string
	var metaVal any // nil: the key is deleted
	kind := rng.IntN(5)
	if g >= concMetaOwners && kind >= 3 {
		kind = rng.IntN(3) // only the owners of metadata keys patch metadata
	}
	switch kind {
	case 0:
		name = fmt.Sprintf("Conc org %s-%d renamed", concKey(g), n)
		params.Name = client.Set(name)
	case 1:
		slug = concPoolSlug(rng)
		params.Slug = client.Set(slug)
	case 2:
		mfa, invites = string(client.MFAOptional), string(client.AccessAllAllowed)
		if rng.IntN(2) == 0 {
			mfa = string(client.MFARequiredForAll)
		}
		if rng.IntN(2) == 0 {
			invites = string(client.AccessNotAllowed)
		}
		params.MFAPolicy = client.Set(client.MFAPolicy(mfa))
		params.EmailInvites = client.Set(client.AccessSetting(invites))
	case 3, 4:
		metaKey = concKey(g)
		if rng.IntN(4) == 0 {
			params.TrustedMetadata = client.MetadataPatch{}.Delete(metaKey)
		} else {
			metaVal = fmt.Sprintf("v%d", n)
			params.TrustedMetadata = client.MetadataPatch{}.Set(metaKey, metaVal)
		}
		if kind == 4 { // and a name in the same request: both or neither
			name = fmt.Sprintf("Conc org %s-%d renamed with metadata", concKey(g), n)
			params.Name = client.Set(name)
		}
	}
	s := m.tick()
	org, err := c.Organizations.Update(ctx, o.id, params)
	e := m.tick()
	if err != nil {
		if typ, ok := m.concErr(g, op, err, "organization_not_found", "organization_slug_already_used"); ok {
			if typ == "organization_not_found" {
				m.event(concEvent{kind: concOrgNotFound, g: g, op: op, org: o, s: s, e: e})
			} else {
				if slug == "" {
					m.errorf("g%02d %s: %s for an update that set no slug", g, op, typ)
				}
				m.event(concEvent{kind: concSlugConflict, g: g, op: op, org: o, value: slug, s: s, e: e})
			}
		}
		return
	}
	m.count(op + ".ok")
	// The answer is the organization right after this update, so what it set must show.
	check := func(field, want, got string) {
		if want != "" && want != got {
			m.errorf("g%02d %s: %s set to %q answered %q", g, op, field, want, got)
		}
	}
	check("name", name, org.Name)
	check("slug", slug, org.Slug)
	check("mfa_policy", mfa, string(org.MFAPolicy))
	check("email_invites", invites, string(org.EmailInvites))
	if metaKey != "" {
		got, has := org.TrustedMetadata[metaKey]
		if (metaVal == nil) == has || (metaVal != nil && got != metaVal) {
			m.errorf("g%02d %s: trusted_metadata.%s patched to %v answered %v (present %v)", g, op, metaKey, metaVal, got, has)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	add := func(ws *[]concWrite, v string) {
		if v != "" {
			*ws = append(*ws, concWrite{v, s, e})
		}
	}
	add(&o.name, name)
	add(&o.slug, slug)
	add(&o.mfa, mfa)
	add(&o.invites, invites)
	if metaKey != "" {
		if metaVal == nil {
			delete(o.meta, metaKey)
		} else {
			o.meta[metaKey] = metaVal
		}
	}
}

func (m *concModel) deleteOrg(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "deleteOrg"
	o := m.pickOrg(rng)
	if o == nil {
		return
	}
	m.mu.Lock()
	s := m.tick()
	if o.delIssued == 0 {
		o.delIssued = s
	}
	m.mu.Unlock()
	err := c.Organizations.Delete(ctx, o.id)
	e := m.tick()
	if err != nil {
		if _, ok := m.concErr(g, op, err, "organization_not_found"); ok {
			m.event(concEvent{kind: concOrgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.mu.Lock()
	defer m.mu.Unlock()
	if o.del.e != 0 {
		m.errorf("g%02d %s: organization %s deleted twice", g, op, o.id)
	}
	o.del = concSpan{s, e}
	m.live = slices.DeleteFunc(m.live, func(x *concOrg) bool { return x == o })
}

func (m *concModel) createMember(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
	const op = "createMember"
	o := m.pickOrg(rng)
	if o == nil {
		return
	}
	params := client.MemberCreateParams{
		EmailAddress:      concPoolEmail(rng),
		Name:              fmt.Sprintf("Member %s-%d", concKey(g), n),
		UntrustedMetadata: client.Metadata{"by": concKey(g)},
	}
	email := strings.ToLower(params.EmailAddress)
	s := m.tick()
	mb, err := c.Members.Create(ctx, o.id, params)
	e := m.tick()
	if err != nil {
		if typ, ok := m.concErr(g, op, err, "organization_not_found", "duplicate_member_email", "retired_member_email"); ok {
			switch typ {
			case "organization_not_found":
				m.event(concEvent{kind: concOrgNotFound, g: g, op: op, org: o, s: s, e: e})
			case "duplicate_member_email":
				m.event(concEvent{kind: concEmailConflict, g: g, op: op, org: o, value: email, s: s, e: e})
			default:
				m.event(concEvent{kind: concRetiredConflict, g: g, op: op, org: o, value: email, s: s, e: e})
			}
		}
		return
	}
	m.count(op + ".ok")
	switch {
	case mb.EmailAddress != email:
		m.errorf("g%02d %s: email %q was stored as %q, want it lowercased", g, op, params.EmailAddress, mb.EmailAddress)
	case mb.OrganizationID != o.id:
		m.errorf("g%02d %s: member of %s answered organization %s", g, op, o.id, mb.OrganizationID)
	case mb.Status != client.MemberActive:
		m.errorf("g%02d %s: a new member is %s, want active", g, op, mb.Status)
	case !reflect.DeepEqual(map[string]any(mb.UntrustedMetadata), map[string]any(params.UntrustedMetadata)):
		m.errorf("g%02d %s: untrusted_metadata %v was stored as %v", g, op, params.UntrustedMetadata, mb.UntrustedMetadata)
	}
	rec := &concMember{
		id: mb.ID, org: o, created: concSpan{s, e},
		email: []concWrite{{email, s, e}},
		name:  []concWrite{{params.Name, s, e}},
		meta:  maps.Clone(map[string]any(params.UntrustedMetadata)),
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.members[rec.id] != nil {
		m.errorf("g%02d %s: member id %s was handed out twice", g, op, rec.id)
		return
	}
	m.members[rec.id] = rec
	o.members = append(o.members, rec)
}

func (m *concModel) updateMember(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
	const op = "updateMember"
	mb := m.pickMember(rng)
	if mb == nil {
		return
	}
	var params client.MemberUpdateParams
	var name, email, metaKey string
	var metaVal any
	kind := rng.IntN(3)
	if g >= concMetaOwners && kind == 2 {
		kind = rng.IntN(2)
	}
	switch kind {
	case 0:
		name = fmt.Sprintf("Member %s-%d renamed", concKey(g), n)
		params.Name = client.Set(name)
	case 1:
		email = concPoolEmail(rng)
		params.EmailAddress = client.Set(email)
		email = strings.ToLower(email)
	case 2:
		metaKey = concKey(g)
		if rng.IntN(4) == 0 {
			params.UntrustedMetadata = client.MetadataPatch{}.Delete(metaKey)
		} else {
			metaVal = fmt.Sprintf("v%d", n)
			params.UntrustedMetadata = client.MetadataPatch{}.Set(metaKey, metaVal)
		}
	}
	s := m.tick()
	got, err := c.Members.Update(ctx, mb.org.id, mb.id, params)
	e := m.tick()
	if err != nil {
		expected := []string{"organization_not_found", "member_not_found"}
		if email != "" {
			expected = append(expected, "duplicate_member_email", "retired_member_email")
		}
		if typ, ok := m.concErr(g, op, err, expected...); ok {
			ev := concEvent{g: g, op: op, org: mb.org, member: mb, value: email, s: s, e: e}
			switch typ {
			case "organization_not_found":
				ev.kind = concOrgNotFound
			case "member_not_found":
				ev.kind = concMemberNotFound
			case "duplicate_member_email":
				ev.kind = concEmailConflict
			default:
				ev.kind = concRetiredConflict
			}
			m.event(ev)
		}
		return
	}
	m.count(op + ".ok")
	if name != "" && got.Name != name {
		m.errorf("g%02d %s: name set to %q answered %q", g, op, name, got.Name)
	}
	if email != "" && got.EmailAddress != email {
		m.errorf("g%02d %s: email set to %q answered %q", g, op, email, got.EmailAddress)
	}
	if metaKey != "" {
		v, has := got.UntrustedMetadata[metaKey]
		if (metaVal == nil) == has || (metaVal != nil && v != metaVal) {
			m.errorf("g%02d %s: untrusted_metadata.%s patched to %v answered %v (present %v)", g, op, metaKey, metaVal, v, has)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if name != "" {
		mb.name = append(mb.name, concWrite{name, s, e})
	}
	if email != "" {
		mb.email = append(mb.email, concWrite{email, s, e})
	}
	if metaKey != "" {
		if metaVal == nil {
			delete(mb.meta, metaKey)
		} else {
			mb.meta[metaKey] = metaVal
		}
	}
}

func (m *concModel) deleteMember(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "deleteMember"
	mb := m.pickMember(rng)
	if mb == nil {
		return
	}
	m.mu.Lock()
	s := m.tick()
	if mb.delIssued == 0 {
		mb.delIssued = s
	}
	m.mu.Unlock()
	err := c.Members.Delete(ctx, mb.org.id, mb.id)
	e := m.tick()
	if err != nil {
		if typ, ok := m.concErr(g, op, err, "organization_not_found", "member_not_found"); ok {
			kind := concMemberNotFound
			if typ == "organization_not_found" {
				kind = concOrgNotFound
			}
			m.event(concEvent{kind: kind, g: g, op: op, org: mb.org, member: mb, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.mu.Lock()
	defer m.mu.Unlock()
	if mb.del.e != 0 {
		m.errorf("g%02d %s: member %s deleted twice", g, op, mb.id)
	}
	mb.del = concSpan{s, e}
}

func (m *concModel) searchOrgs(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	pass := &concPass{g: g, limit: 1 + rng.IntN(8)}
	ctx = context.WithValue(ctx, concPassKey{}, pass)
	for org, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Limit: pass.limit}) {
		if err != nil {
			pass.err = err
			m.concErr(g, "searchOrgs", err)
			break
		}
		pass.yielded = append(pass.yielded, org.ID)
	}
	if pass.err == nil {
		m.count("searchOrgs.ok")
	}
	m.mu.Lock()
	m.passes = append(m.passes, pass)
	m.mu.Unlock()
}

func (m *concModel) searchMembers(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	pass := &concPass{g: g, members: true, limit: 1 + rng.IntN(4)}
	for range 1 + rng.IntN(2) {
		if o := m.pickOrg(rng); o != nil && !slices.Contains(pass.orgs, o) {
			pass.orgs = append(pass.orgs, o)
		}
	}
	if len(pass.orgs) == 0 {
		return
	}
	params := client.MemberSearchParams{Limit: pass.limit}
	for _, o := range pass.orgs {
		params.OrganizationIDs = append(params.OrganizationIDs, o.id)
	}
	ctx = context.WithValue(ctx, concPassKey{}, pass)
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			pass.err = err
			m.concErr(g, "searchMembers", err, "organization_not_found")
			break
		}
		pass.yielded = append(pass.yielded, mb.ID)
	}
	if pass.err == nil {
		m.count("searchMembers.ok")
	}
	m.mu.Lock()
	m.passes = append(m.passes, pass)
	m.mu.Unlock()
}

func (m *concModel) metrics(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "metrics"
	o := m.pickOrg(rng)
	if o == nil {
		return
	}
	s := m.tick()
	got, err := c.Organizations.Metrics(ctx, o.id)
	e := m.tick()
	if err != nil {
		if _, ok := m.concErr(g, op, err, "organization_not_found"); ok {
			m.event(concEvent{kind: concOrgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.event(concEvent{kind: concMetrics, g: g, op: op, org: o, n: int(got.MemberCount), s: s, e: e})
}

func (m *concModel) getOrg(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "getOrg"
	o := m.pickHotOrg(rng)
	if o == nil {
		return
	}
	s := m.tick()
	got, err := c.Organizations.Get(ctx, o.id)
	e := m.tick()
	if err != nil {
		if _, ok := m.concErr(g, op, err, "organization_not_found"); ok {
			m.event(concEvent{kind: concOrgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.event(concEvent{kind: concGet, g: g, op: op, org: o, value: got.Slug, value2: got.Name, s: s, e: e})
}

// The model's reasoning about time. All of it runs after the workload, under no lock.

func (o *concOrg) mayExist(s, e int64) bool {
	return o.created.s < e && (o.del.e == 0 || o.del.e > s)
}

func (o *concOrg) surelyExists(s, e int64) bool {
	return o.created.e < s && (o.delIssued == 0 || o.delIssued > e)
}

// The member conditions leave the organization out: callers check it when it matters.
func (mb *concMember) mayExist(s, e int64) bool {
	return mb.created.s < e && (mb.del.e == 0 || mb.del.e > s)
}

func (mb *concMember) surelyExists(s, e int64) bool {
	return mb.created.e < s && (mb.delIssued == 0 || mb.delIssued > e)
}

// mayHold reports whether a field with these successful writes may have held a value matching
// eq at some instant of [s, e].
func mayHold(writes []concWrite, eq func(string) bool, s, e int64) bool {
	for _, w := range writes {
		if !eq(w.v) || w.s >= e {
			continue
		}
		superseded := false
		for _, w2 := range writes {
			if w2.s > w.e && w2.e < s { // started after w ended, and ended before the window
				superseded = true
				break
			}
		}
		if !superseded {
			return true
		}
	}
	return false
}

// finalValues lists the values a field may hold once every write has ended.
func finalValues(writes []concWrite) []string {
	var out []string
	for _, w := range writes {
		if mayHold(writes, func(v string) bool { return v == w.v }, math.MaxInt64, math.MaxInt64) && !slices.Contains(out, w.v) {
			out = append(out, w.v)
		}
	}
	return out
}

func equalTo(v string) func(string) bool { return func(x string) bool { return x == v } }

func equalFold(v string) func(string) bool {
	return func(x string) bool { return strings.EqualFold(x, v) }
}

// verifyHistory checks every answer recorded during the run against the complete model.
func (m *concModel) verifyHistory() {
	m.t.Helper()
	for _, ev := range m.events {
		switch ev.kind {
		case concOrgNotFound:
			if ev.org.del.s == 0 || ev.org.del.s > ev.e {
				m.errorf("g%02d %s: organization_not_found for %s, which no successful delete had been sent for (answer at %d, delete sent at %d)",
					ev.g, ev.op, ev.org.id, ev.e, ev.org.del.s)
			}
		case concMemberNotFound:
			if ev.member.del.s == 0 || ev.member.del.s > ev.e {
				m.errorf("g%02d %s: member_not_found for %s, which no successful delete had been sent for (answer at %d, delete sent at %d)",
					ev.g, ev.op, ev.member.id, ev.e, ev.member.del.s)
			}
		case concSlugConflict:
			if !slices.ContainsFunc(m.orgs, func(o *concOrg) bool {
				return o != ev.org && o.mayExist(ev.s, ev.e) && mayHold(o.slug, equalFold(ev.value), ev.s, ev.e)
			}) {
				m.errorf("g%02d %s: organization_slug_already_used for %q, which no other organization could hold then", ev.g, ev.op, ev.value)
			}
		case concEmailConflict, concRetiredConflict:
			if !slices.ContainsFunc(ev.org.members, func(o *concMember) bool {
				if o == ev.member || !o.mayExist(ev.s, ev.e) {
					return false
				}
				if ev.kind == concEmailConflict {
					return mayHold(o.email, equalTo(ev.value), ev.s, ev.e)
				}
				return slices.ContainsFunc(o.email, func(w concWrite) bool { return w.v == ev.value && w.s < ev.e })
			}) {
				m.errorf("g%02d %s: conflict on %q in %s, which no other member could hold then (retired: %v)",
					ev.g, ev.op, ev.value, ev.org.id, ev.kind == concRetiredConflict)
			}
		case concMetrics:
			lo, hi := 0, 0
			for _, mb := range ev.org.members {
				if mb.surelyExists(ev.s, ev.e) {
					lo++
				}
				if mb.mayExist(ev.s, ev.e) {
					hi++
				}
			}
			if ev.n < lo || ev.n > hi {
				m.errorf("g%02d metrics: member_count of %s was %d, want between %d and %d", ev.g, ev.org.id, ev.n, lo, hi)
			}
		case concGet:
			if !mayHold(ev.org.slug, equalTo(ev.value), ev.s, ev.e) || !mayHold(ev.org.name, equalTo(ev.value2), ev.s, ev.e) {
				m.errorf("g%02d get: %s answered slug %q and name %q, which it could not hold then", ev.g, ev.org.id, ev.value, ev.value2)
			}
		}
	}
	for _, p := range m.passes {
		m.verifyPass(p)
	}
}

// verifyPass checks one SearchAll loop: each page against the model at its time, and the loop
// as a whole for repeats and skips.
func (m *concModel) verifyPass(p *concPass) {
	m.t.Helper()
	what := "organization search"
	if p.members {
		what = "member search"
	}
	var pageIDs []string
	for i, pg := range p.pages {
		where := fmt.Sprintf("g%02d %s (limit %d) page %d", p.g, what, p.limit, i+1)
		if pg.status != http.StatusOK {
			if pg.errType == "organization_not_found" && p.members && slices.ContainsFunc(p.orgs, func(o *concOrg) bool {
				return o.del.s != 0 && o.del.s < pg.e
			}) {
				continue // an organization searched was being deleted
			}
			m.errorf("%s: answered %d %s", where, pg.status, pg.errType)
			continue
		}
		if pg.errType != "" {
			m.errorf("%s: %s", where, pg.errType)
			continue
		}
		pageIDs = append(pageIDs, pg.ids...)
		switch n := len(pg.ids); {
		case n > p.limit:
			m.errorf("%s: %d results, more than the limit", where, n)
		case n > pg.total:
			m.errorf("%s: %d results but a total of %d", where, n, pg.total)
		case !pg.cursor && pg.next == "" && n != pg.total:
			m.errorf("%s: a single page of %d results reported a total of %d", where, n, pg.total)
		}
		// One page is one snapshot: no repeats, no two organizations with one slug, no two
		// members of an organization with one email.
		seenID, seenKey := map[string]bool{}, map[string]bool{}
		for j, id := range pg.ids {
			key := strings.ToLower(pg.keys[j])
			if p.members {
				key = pg.orgIDs[j] + " " + key
			}
			if seenID[id] {
				m.errorf("%s: %s twice in one page", where, id)
			}
			if seenKey[key] {
				m.errorf("%s: %q twice in one page", where, key)
			}
			seenID[id], seenKey[key] = true, true
		}
		lo, hi := 0, 0
		if p.members {
			for j, id := range pg.ids {
				mb := m.members[id]
				switch {
				case mb == nil:
					m.errorf("%s: member %s was never created", where, id)
				case !slices.Contains(p.orgs, mb.org) || pg.orgIDs[j] != mb.org.id:
					m.errorf("%s: member %s of %s is not in the organizations searched", where, id, pg.orgIDs[j])
				case pg.statuses[j] != string(client.MemberActive):
					m.errorf("%s: member %s is %s; a search without a statuses filter finds active members only here", where, id, pg.statuses[j])
				case !mb.mayExist(pg.s, pg.e):
					m.errorf("%s: member %s could not exist then", where, id)
				case !mayHold(mb.email, equalTo(pg.keys[j]), pg.s, pg.e):
					m.errorf("%s: member %s had the email %q, which it could not hold then", where, id, pg.keys[j])
				}
			}
			// The page succeeded, so every organization searched existed when it was made.
			for _, o := range p.orgs {
				for _, mb := range o.members {
					if mb.surelyExists(pg.s, pg.e) {
						lo++
					}
					if mb.mayExist(pg.s, pg.e) {
						hi++
					}
				}
			}
		} else {
			for j, id := range pg.ids {
				o := m.byID[id]
				switch {
				case o == nil:
					m.errorf("%s: organization %s was never created", where, id)
				case !o.mayExist(pg.s, pg.e):
					m.errorf("%s: organization %s could not exist then", where, id)
				case !mayHold(o.slug, equalTo(pg.keys[j]), pg.s, pg.e):
					m.errorf("%s: organization %s had the slug %q, which it could not hold then", where, id, pg.keys[j])
				}
			}
			for _, o := range m.orgs {
				if o.surelyExists(pg.s, pg.e) {
					lo++
				}
				if o.mayExist(pg.s, pg.e) {
					hi++
				}
			}
		}
		if pg.total < lo || pg.total > hi {
			m.errorf("%s: total %d, but between %d and %d matched then", where, pg.total, lo, hi)
		}
	}
	if !slices.Equal(pageIDs, p.yielded) && p.err == nil {
		m.errorf("g%02d %s: SearchAll yielded %d results, its pages held %d", p.g, what, len(p.yielded), len(pageIDs))
	}
	seen := map[string]bool{}
	for _, id := range p.yielded {
		if seen[id] {
			m.errorf("g%02d %s (limit %d): SearchAll yielded %s twice", p.g, what, p.limit, id)
		}
		seen[id] = true
	}
	if p.err != nil || len(p.pages) == 0 {
		return
	}
	// Nothing that existed throughout the loop may be skipped.
	s, e := p.pages[0].s, p.pages[len(p.pages)-1].e
	if p.members {
		for _, o := range p.orgs {
			for _, mb := range o.members {
				if mb.surelyExists(s, e) && !seen[mb.id] {
					m.errorf("g%02d %s (limit %d): skipped member %s, which existed throughout", p.g, what, p.limit, mb.id)
				}
			}
		}
		return
	}
	for _, o := range m.orgs {
		if o.surelyExists(s, e) && !seen[o.id] {
			m.errorf("g%02d %s (limit %d): skipped organization %s, which existed throughout", p.g, what, p.limit, o.id)
		}
	}
}

// verifyFinal compares the server's state, once the workload is over, with the model.
func (m *concModel) verifyFinal(c *client.Client) {
	m.t.Helper()
	ctx := context.Background()
	var want []string
	for _, o := range m.orgs {
		if o.del.e == 0 {
			want = append(want, o.id)
		}
	}
	var got []string
	slugs := map[string]string{}
	for org, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Limit: 7}) {
		if err != nil {
			m.errorf("final organization search: %v", err)
			return
		}
		got = append(got, org.ID)
		if other, dup := slugs[strings.ToLower(org.Slug)]; dup {
			m.errorf("organizations %s and %s share the slug %q", other, org.ID, org.Slug)
		}
		slugs[strings.ToLower(org.Slug)] = org.ID
	}
	if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
		m.errorf("final organizations: the server has %d, the model %d\nserver: %v\nmodel:  %v", len(got), len(want), got, want)
	}
	if page, err := c.Organizations.Search(ctx, client.OrganizationSearchParams{Limit: 1}); err != nil {
		m.errorf("final organization search: %v", err)
	} else if page.Total != len(want) {
		m.errorf("final organization search total %d, want %d", page.Total, len(want))
	}

	for _, o := range m.orgs {
		if o.del.e != 0 {
			if _, err := c.Organizations.Get(ctx, o.id); !errors.Is(err, client.ErrNotFound) {
				m.errorf("deleted organization %s: Get answered %v, want ErrNotFound", o.id, err)
			}
			continue
		}
		m.verifyFinalOrg(ctx, c, o)
	}
}

func (m *concModel) verifyFinalOrg(ctx context.Context, c *client.Client, o *concOrg) {
	m.t.Helper()
	org, err := c.Organizations.Get(ctx, o.id)
	if err != nil {
		m.errorf("final Get %s: %v", o.id, err)
		return
	}
	field := func(name, got string, writes []concWrite) {
		if want := finalValues(writes); !slices.Contains(want, got) {
			m.errorf("organization %s: %s is %q, want one of %q (writes %v)", o.id, name, got, want, writes)
		}
	}
	field("name", org.Name, o.name)
	field("slug", org.Slug, o.slug)
	field("mfa_policy", string(org.MFAPolicy), o.mfa)
	field("email_invites", string(org.EmailInvites), o.invites)
	if !reflect.DeepEqual(map[string]any(org.TrustedMetadata), o.meta) {
		m.errorf("organization %s: trusted_metadata is %v, the model %v", o.id, org.TrustedMetadata, o.meta)
	}

	var live []*concMember
	for _, mb := range o.members {
		if mb.del.e == 0 {
			live = append(live, mb)
		}
	}
	if got, err := c.Organizations.Metrics(ctx, o.id); err != nil {
		m.errorf("final Metrics %s: %v", o.id, err)
	} else if int(got.MemberCount) != len(live) {
		m.errorf("organization %s: member_count %d, the model %d", o.id, got.MemberCount, len(live))
	}

	params := client.MemberSearchParams{OrganizationIDs: []string{o.id}, Limit: 4}
	var gotIDs []string
	emails := map[string]string{}
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			m.errorf("final member search of %s: %v", o.id, err)
			return
		}
		gotIDs = append(gotIDs, mb.ID)
		if other, dup := emails[mb.EmailAddress]; dup {
			m.errorf("organization %s: members %s and %s share the email %s", o.id, other, mb.ID, mb.EmailAddress)
		}
		emails[mb.EmailAddress] = mb.ID
		rec := m.members[mb.ID]
		if rec == nil {
			m.errorf("organization %s: member %s was never created", o.id, mb.ID)
			continue
		}
		if want := finalValues(rec.email); !slices.Contains(want, mb.EmailAddress) {
			m.errorf("member %s: email %q, want one of %q", mb.ID, mb.EmailAddress, want)
		}
		if want := finalValues(rec.name); !slices.Contains(want, mb.Name) {
			m.errorf("member %s: name %q, want one of %q", mb.ID, mb.Name, want)
		}
		if !reflect.DeepEqual(map[string]any(mb.UntrustedMetadata), rec.meta) {
			m.errorf("member %s: untrusted_metadata is %v, the model %v", mb.ID, mb.UntrustedMetadata, rec.meta)
		}
	}
	var wantIDs []string
	for _, mb := range live {
		wantIDs = append(wantIDs, mb.id)
	}
	if !slices.Equal(sortedCopy(gotIDs), sortedCopy(wantIDs)) {
		m.errorf("organization %s: members %v, the model %v", o.id, gotIDs, wantIDs)
	}
	if page, err := c.Members.Search(ctx, client.MemberSearchParams{OrganizationIDs: []string{o.id}, Limit: 1}); err != nil {
		m.errorf("final member search of %s: %v", o.id, err)
	} else if page.Total != len(live) {
		m.errorf("organization %s: member search total %d, the model %d", o.id, page.Total, len(live))
	}

	// With deleted members: every member ever created, deleted exactly when the model says.
	params.Query = client.All(client.MemberStatuses(client.MemberActive, client.MemberPending, client.MemberInvited, client.MemberDeleted))
	n := 0
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			m.errorf("final member search of %s with deleted members: %v", o.id, err)
			return
		}
		n++
		rec := m.members[mb.ID]
		if rec == nil {
			m.errorf("organization %s: member %s was never created", o.id, mb.ID)
			continue
		}
		if deleted := mb.Status == client.MemberDeleted; deleted != (rec.del.e != 0) {
			m.errorf("member %s: status %s, but the model says deleted=%v", mb.ID, mb.Status, rec.del.e != 0)
		}
	}
	if n != len(o.members) {
		m.errorf("organization %s: %d members counting deleted ones, the model %d", o.id, n, len(o.members))
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// concCheckServer fails the test for any response of the mock that broke the spec or any 5xx
// it answered (among the last requests it keeps).
func concCheckServer(t *testing.T, srv *mockserver.Server) {
	t.Helper()
	for _, err := range srv.ContractViolations() {
		t.Errorf("contract violation: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Status >= 500 && !r.Fault {
			t.Errorf("%s %s answered %d %s", r.Method, r.Path, r.Status, r.ErrorType)
		}
	}
}

func TestConcurrentWorkloadMatchesSerialModel(t *testing.T) {
	srv := mockserver.Start(t)
	m := newConcModel(t)
	c, closeIdle := concClient(t, srv, m)
	defer closeIdle()
	d, seed := concDuration(t), concSeed(t)
	t.Logf("%d goroutines for %v, seed %d (STYTCHORGS_CONC_SEED, STYTCHORGS_CONC_DURATION)", concWorkers, d, seed)

	start := time.Now()
	deadline := start.Add(d)
	m.run(c, concWorkers, seed, func(int) bool { return time.Now().After(deadline) })
	elapsed := time.Since(start)

	m.verifyHistory()
	m.verifyFinal(c)
	concCheckServer(t, srv)

	ops := 0
	keys := slices.Sorted(maps.Keys(m.stats))
	var b strings.Builder
	for _, k := range keys {
		ops += m.stats[k]
		fmt.Fprintf(&b, "  %-45s %6d\n", k, m.stats[k])
	}
	pages := 0
	for _, p := range m.passes {
		pages += len(p.pages)
	}
	t.Logf("%d operations (%d search passes, %d pages) in %v, %.0f/s; %d organizations created, %d members created:\n%s",
		ops, len(m.passes), pages, elapsed.Round(time.Millisecond), float64(ops)/elapsed.Seconds(), len(m.orgs), len(m.members), b.String())
	// The workload must have exercised what it is meant to.
	for _, k := range []string{"createOrg.organization_slug_already_used", "createMember.duplicate_member_email", "deleteOrg.ok", "deleteMember.ok", "searchOrgs.ok", "searchMembers.ok"} {
		if m.stats[k] == 0 && !testing.Short() {
			t.Errorf("the workload never produced %s", k)
		}
	}
}

// concBurst runs a short fixed workload (ops operations on each of workers goroutines) on a
// fresh project of srv and checks it like the concurrent test does. With one goroutine, the same
// seed sends the same requests.
func concBurst(t *testing.T, srv *mockserver.Server, seed uint64, workers, ops int) {
	t.Helper()
	m := newConcModel(t)
	c, closeIdle := concClient(t, srv, m)
	defer closeIdle()
	m.run(c, workers, seed, func(n int) bool { return n >= ops })
	m.verifyHistory()
	m.verifyFinal(c)
}

func TestMockLeaksNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	func() {
		srv, err := mockserver.New()
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		concBurst(t, srv, 1, 8, 60)

		// Faults: a latency the client waits out, one it gives up on, and dropped connections
		// on a read (retried) and on a create (not retried).
		c, err := client.New("project-test-"+uuid.NewString(), "secret", client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Leak Test", Slug: "leak-test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []mockserver.Fault{
			{Method: "GET", Latency: 50 * time.Millisecond},
			{Method: "GET", Latency: 2 * time.Second},
			{Method: "GET", DropConnection: true},
			{Method: "POST", DropConnection: true},
		} {
			if err := srv.InjectFault(f); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Organizations.Get(ctx, org.ID); err != nil {
			t.Errorf("Get after a 50ms latency: %v", err)
		}
		if _, err := c.Organizations.Get(ctx, org.ID, client.WithRequestTimeout(100*time.Millisecond), client.WithRequestMaxRetries(0)); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get during a 2s latency with a 100ms timeout: %v, want context.DeadlineExceeded", err)
		}
		if _, err := c.Organizations.Get(ctx, org.ID); err != nil {
			t.Errorf("Get after a dropped connection (retried): %v", err)
		}
		if _, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Dropped"}); err == nil {
			t.Errorf("Create on a dropped connection succeeded; a create must not be retried")
		}
		if n := len(srv.PendingFaults()); n != 0 {
			t.Errorf("%d faults left unused", n)
		}
		concCheckServer(t, srv)
	}()
	goleak.VerifyNone(t, ignore)
}

// TestMockHeapSteadyAcrossResets runs one identical burst on a Reset server three times: after the first
// has warmed every cache and pool, the heap after the third must be about the one after the
// second (each holds the state of one burst). State that Reset does not free, or anything kept
// per request beyond it (the request log, cursors, credentials, faults), would grow it by about a
// kilobyte per request.
func TestMockHeapSteadyAcrossResets(t *testing.T) {
	srv := mockserver.Start(t)
	type sample struct{ inuse, alloc uint64 }
	measure := func() sample {
		var ms runtime.MemStats
		for range 3 {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		return sample{ms.HeapInuse, ms.HeapAlloc}
	}
	var s [3]sample
	var requests [3]int
	for i := range s {
		srv.ResetAll()
		concBurst(t, srv, 7, 1, 400)
		requests[i] = len(srv.Requests())
		s[i] = measure()
	}
	// Each burst sends the same requests, about 500: a kilobyte kept per request would be 500 KB.
	// HeapAlloc after a GC counts live bytes exactly; HeapInuse counts whole spans, so it moves
	// by up to a megabyte with fragmentation alone and gets a looser bound.
	const allocBound, inuseBound = 256 << 10, 2 << 20
	inuse, alloc := int64(s[2].inuse)-int64(s[1].inuse), int64(s[2].alloc)-int64(s[1].alloc)
	t.Logf("bursts of %v requests; HeapInuse after each %v, HeapAlloc %v; growth from the second to the third: HeapInuse %+d, HeapAlloc %+d bytes",
		requests, []uint64{s[0].inuse, s[1].inuse, s[2].inuse}, []uint64{s[0].alloc, s[1].alloc, s[2].alloc}, inuse, alloc)
	if inuse > inuseBound {
		t.Errorf("HeapInuse grew by %d bytes between two identical bursts on a Reset server (bound %d)", inuse, inuseBound)
	}
	if alloc > allocBound {
		t.Errorf("HeapAlloc grew by %d bytes between two identical bursts on a Reset server (bound %d)", alloc, allocBound)
	}
}
