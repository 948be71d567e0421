package conctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/b2bkit/stytchorgs/client"
)

func (m *model) classify(g int, op string, err error, expected ...string) (string, bool) {
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

func ownKey(g int) string { return fmt.Sprintf("g%02d", g) }

func poolSlug(rng *rand.Rand) string {
	i := rng.IntN(slugPool)
	if rng.IntN(2) == 0 {
		return fmt.Sprintf("Team-%02d", i)
	}
	return fmt.Sprintf("team-%02d", i)
}

func poolEmail(rng *rand.Rand) string {
	i := rng.IntN(emailPool)
	if rng.IntN(2) == 0 {
		return fmt.Sprintf("User%d@Conc.Example", i)
	}
	return fmt.Sprintf("user%d@conc.example", i)
}

// pickOrg returns a random organization not known to be deleted, or nil.
func (m *model) pickOrg(rng *rand.Rand) *orgRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.live) == 0 {
		return nil
	}
	return m.live[rng.IntN(len(m.live))]
}

// pickHotOrg is pickOrg, but half the time among the three oldest organizations, so that
// concurrent updates of one organization are common (a lost update needs them).
func (m *model) pickHotOrg(rng *rand.Rand) *orgRecord {
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
func (m *model) pickMember(rng *rand.Rand) *memberRecord {
	o := m.pickHotOrg(rng)
	if o == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var alive []*memberRecord
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
func (m *model) run(c *client.Client, workers int, seed uint64, stop func(ops int) bool) {
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
func (m *model) step(c *client.Client, g, n int, rng *rand.Rand) {
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

var derivedSlug = regexp.MustCompile(`^conc-derived(-[0-9]+)?$`)

func (m *model) createOrg(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand, withSlug bool) {
	const op = "createOrg"
	params := client.OrganizationCreateParams{
		Name:            fmt.Sprintf("Conc org %s-%d", ownKey(g), n),
		TrustedMetadata: client.Metadata{"creator": ownKey(g), "n": strconv.Itoa(n)},
	}
	if withSlug {
		params.Slug = poolSlug(rng)
	} else {
		params.Name = "Conc Derived" // the slug is derived: conc-derived, conc-derived-2, …
	}
	s := m.tick()
	org, err := c.Organizations.Create(ctx, params)
	e := m.tick()
	if err != nil {
		if _, ok := m.classify(g, op, err, "organization_slug_already_used"); ok {
			m.addEvent(event{kind: slugConflict, g: g, op: op, value: params.Slug, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	switch {
	case withSlug && org.Slug != params.Slug:
		m.errorf("g%02d %s: slug %q was stored as %q", g, op, params.Slug, org.Slug)
	case !withSlug && !derivedSlug.MatchString(org.Slug):
		m.errorf("g%02d %s: name %q got the slug %q, want conc-derived or conc-derived-N", g, op, params.Name, org.Slug)
	case org.Name != params.Name:
		m.errorf("g%02d %s: name %q was stored as %q", g, op, params.Name, org.Name)
	case !reflect.DeepEqual(map[string]any(org.TrustedMetadata), map[string]any(params.TrustedMetadata)):
		m.errorf("g%02d %s: trusted_metadata %v was stored as %v", g, op, params.TrustedMetadata, org.TrustedMetadata)
	}
	sp := span{s, e}
	o := &orgRecord{
		id: org.ID, created: sp,
		name:    []write{{org.Name, s, e}},
		slug:    []write{{org.Slug, s, e}},
		mfa:     []write{{string(org.MFAPolicy), s, e}},
		invites: []write{{string(org.EmailInvites), s, e}},
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

func (m *model) updateOrg(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
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
	if g >= metaOwners && kind >= 3 {
		kind = rng.IntN(3) // only the owners of metadata keys patch metadata
	}
	switch kind {
	case 0:
		name = fmt.Sprintf("Conc org %s-%d renamed", ownKey(g), n)
		params.Name = client.Set(name)
	case 1:
		slug = poolSlug(rng)
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
		metaKey = ownKey(g)
		if rng.IntN(4) == 0 {
			params.TrustedMetadata = client.MetadataPatch{}.Delete(metaKey)
		} else {
			metaVal = fmt.Sprintf("v%d", n)
			params.TrustedMetadata = client.MetadataPatch{}.Set(metaKey, metaVal)
		}
		if kind == 4 { // and a name in the same request: both or neither
			name = fmt.Sprintf("Conc org %s-%d renamed with metadata", ownKey(g), n)
			params.Name = client.Set(name)
		}
	}
	s := m.tick()
	org, err := c.Organizations.Update(ctx, o.id, params)
	e := m.tick()
	if err != nil {
		if typ, ok := m.classify(g, op, err, "organization_not_found", "organization_slug_already_used"); ok {
			if typ == "organization_not_found" {
				m.addEvent(event{kind: orgNotFound, g: g, op: op, org: o, s: s, e: e})
			} else {
				if slug == "" {
					m.errorf("g%02d %s: %s for an update that set no slug", g, op, typ)
				}
				m.addEvent(event{kind: slugConflict, g: g, op: op, org: o, value: slug, s: s, e: e})
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
	add := func(ws *[]write, v string) {
		if v != "" {
			*ws = append(*ws, write{v, s, e})
		}
	}
	add(&o.name, name)
	add(&o.slug, slug)
	add(&o.mfa, mfa)
	add(&o.invites, invites)
	patchMeta(o.meta, metaKey, metaVal)
}

func (m *model) deleteOrg(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
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
		if _, ok := m.classify(g, op, err, "organization_not_found"); ok {
			m.addEvent(event{kind: orgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.mu.Lock()
	defer m.mu.Unlock()
	if o.del.e != 0 {
		m.errorf("g%02d %s: organization %s deleted twice", g, op, o.id)
	}
	o.del = span{s, e}
	m.live = slices.DeleteFunc(m.live, func(x *orgRecord) bool { return x == o })
}

func (m *model) createMember(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
	const op = "createMember"
	o := m.pickOrg(rng)
	if o == nil {
		return
	}
	params := client.MemberCreateParams{
		EmailAddress:      poolEmail(rng),
		Name:              fmt.Sprintf("Member %s-%d", ownKey(g), n),
		UntrustedMetadata: client.Metadata{"by": ownKey(g)},
	}
	email := strings.ToLower(params.EmailAddress)
	s := m.tick()
	mb, err := c.Members.Create(ctx, o.id, params)
	e := m.tick()
	if err != nil {
		if typ, ok := m.classify(g, op, err, "organization_not_found", "duplicate_member_email", "retired_member_email"); ok {
			switch typ {
			case "organization_not_found":
				m.addEvent(event{kind: orgNotFound, g: g, op: op, org: o, s: s, e: e})
			case "duplicate_member_email":
				m.addEvent(event{kind: emailConflict, g: g, op: op, org: o, value: email, s: s, e: e})
			default:
				m.addEvent(event{kind: retiredConflict, g: g, op: op, org: o, value: email, s: s, e: e})
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
	rec := &memberRecord{
		id: mb.ID, org: o, created: span{s, e},
		email: []write{{email, s, e}},
		name:  []write{{params.Name, s, e}},
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

func (m *model) updateMember(ctx context.Context, c *client.Client, g, n int, rng *rand.Rand) {
	const op = "updateMember"
	mb := m.pickMember(rng)
	if mb == nil {
		return
	}
	var params client.MemberUpdateParams
	var name, email, metaKey string
	var metaVal any
	kind := rng.IntN(3)
	if g >= metaOwners && kind == 2 {
		kind = rng.IntN(2)
	}
	switch kind {
	case 0:
		name = fmt.Sprintf("Member %s-%d renamed", ownKey(g), n)
		params.Name = client.Set(name)
	case 1:
		email = poolEmail(rng)
		params.EmailAddress = client.Set(email)
		email = strings.ToLower(email)
	case 2:
		metaKey = ownKey(g)
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
		if typ, ok := m.classify(g, op, err, expected...); ok {
			ev := event{g: g, op: op, org: mb.org, member: mb, value: email, s: s, e: e}
			switch typ {
			case "organization_not_found":
				ev.kind = orgNotFound
			case "member_not_found":
				ev.kind = memberNotFound
			case "duplicate_member_email":
				ev.kind = emailConflict
			default:
				ev.kind = retiredConflict
			}
			m.addEvent(ev)
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
		mb.name = append(mb.name, write{name, s, e})
	}
	if email != "" {
		mb.email = append(mb.email, write{email, s, e})
	}
	patchMeta(mb.meta, metaKey, metaVal)
}

func (m *model) deleteMember(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
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
		if typ, ok := m.classify(g, op, err, "organization_not_found", "member_not_found"); ok {
			kind := memberNotFound
			if typ == "organization_not_found" {
				kind = orgNotFound
			}
			m.addEvent(event{kind: kind, g: g, op: op, org: mb.org, member: mb, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.mu.Lock()
	defer m.mu.Unlock()
	if mb.del.e != 0 {
		m.errorf("g%02d %s: member %s deleted twice", g, op, mb.id)
	}
	mb.del = span{s, e}
}

func (m *model) searchOrgs(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	pass := &pass{g: g, limit: 1 + rng.IntN(8)}
	ctx = context.WithValue(ctx, passKey{}, pass)
	for org, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Limit: pass.limit}) {
		if err != nil {
			pass.err = err
			m.classify(g, "searchOrgs", err)
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

func (m *model) searchMembers(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	pass := &pass{g: g, members: true, limit: 1 + rng.IntN(4)}
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
	ctx = context.WithValue(ctx, passKey{}, pass)
	for mb, err := range c.Members.SearchAll(ctx, params) {
		if err != nil {
			pass.err = err
			m.classify(g, "searchMembers", err, "organization_not_found")
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

func (m *model) metrics(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "metrics"
	o := m.pickOrg(rng)
	if o == nil {
		return
	}
	s := m.tick()
	got, err := c.Organizations.Metrics(ctx, o.id)
	e := m.tick()
	if err != nil {
		if _, ok := m.classify(g, op, err, "organization_not_found"); ok {
			m.addEvent(event{kind: orgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.addEvent(event{kind: metricsEvent, g: g, op: op, org: o, n: int(got.MemberCount), s: s, e: e})
}

func (m *model) getOrg(ctx context.Context, c *client.Client, g int, rng *rand.Rand) {
	const op = "getOrg"
	o := m.pickHotOrg(rng)
	if o == nil {
		return
	}
	s := m.tick()
	got, err := c.Organizations.Get(ctx, o.id)
	e := m.tick()
	if err != nil {
		if _, ok := m.classify(g, op, err, "organization_not_found"); ok {
			m.addEvent(event{kind: orgNotFound, g: g, op: op, org: o, s: s, e: e})
		}
		return
	}
	m.count(op + ".ok")
	m.addEvent(event{kind: getEvent, g: g, op: op, org: o, value: got.Slug, value2: got.Name, s: s, e: e})
}

// patchMeta applies one key of a metadata patch to the model's copy: a nil value deletes the
// key, as Stytch's merge does; an empty key means the patch touched no metadata.
func patchMeta(meta map[string]any, key string, val any) {
	switch {
	case key == "":
	case val == nil:
		delete(meta, key)
	default:
		meta[key] = val
	}
}
