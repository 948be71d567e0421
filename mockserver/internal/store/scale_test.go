package store

// Scale benchmarks: one project with 100,000 organizations and 500,000 members (5 per
// organization), loaded once per process through CreateOrganization and CreateMember.
//
//	go test ./mockserver/internal/store -run '^$' -bench Scale -benchtime 0.5s
//
// They measure the performance issue's targets (reported in its closing note and the README):
//   - an exact filter (organization_ids, organization_slugs, member_emails in an organization
//     search; member_ids, member_emails in a member search) answers in under 1 ms;
//   - organization_name_fuzzy answers in under 30 ms;
//   - paging through all results of a query costs time proportional to the results (compare
//     ns/result across page sizes);
//   - the store holds at most 4 KB per organization and 2 KB per member (BenchmarkScaleLoad).
//
// Every benchmark checks its query's number of results, so a fast wrong answer fails.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
)

const (
	scaleOrgs          = 100_000
	scaleMembersPerOrg = 5
	scaleMembers       = scaleOrgs * scaleMembersPerOrg
)

// Word lists for realistic organization names, domains and member names. A name is an
// adjective, a noun and a suffix, so names repeat across organizations (about 43,000 distinct
// names) and a fuzzy term such as an adjective matches a few percent of them.
var (
	scaleAdjectives = []string{
		"Bright", "Silver", "Blue", "Northern", "Quantum", "Rapid", "Golden", "Green", "Red", "Summit",
		"Iron", "Crystal", "Atlas", "Pioneer", "Evergreen", "Cedar", "Harbor", "Lunar", "Solar", "Prime",
		"Vertex", "Nimble", "Bold", "Clear", "Coastal", "Granite", "Maple", "Oak", "Stellar", "Urban",
		"Western", "Eastern", "Southern", "Pacific", "Atlantic", "Alpine", "Desert", "Polar", "Royal", "Swift",
		"Silent", "Hidden", "Open", "Smart", "Native", "Modern", "Classic", "Global", "Local", "United",
		"First", "Next", "Future", "Ancient", "Electric", "Digital", "Analog", "Crimson", "Amber", "Violet",
	}
	scaleNouns = []string{
		"Analytics", "Robotics", "Logistics", "Software", "Health", "Capital", "Foods", "Energy", "Media", "Networks",
		"Dynamics", "Ventures", "Works", "Studios", "Cloud", "Data", "Security", "Motors", "Biotech", "Fintech",
		"Payments", "Insurance", "Learning", "Games", "Design", "Consulting", "Legal", "Realty", "Freight", "Aviation",
		"Marine", "Mining", "Farms", "Apparel", "Retail", "Pharma", "Devices", "Semiconductors", "Telecom", "Water",
		"Solar", "Wind", "Coffee", "Brewing", "Kitchens", "Fitness", "Travel", "Hotels", "Publishing", "Records",
		"Optics", "Materials", "Chemicals", "Textiles", "Robots", "Drones", "Sensors", "Storage", "Compute", "Signals",
	}
	scaleSuffixes = []string{"Inc", "LLC", "Ltd", "Group", "Corp", "Co", "GmbH", "Partners", "Holdings", "Labs", "Technologies", "Systems"}
	scaleTLDs     = []string{"com", "com", "com", "io", "dev", "co", "net", "ai"}
	scaleFirst    = []string{
		"Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger",
		"Donald", "Radia", "John", "Katherine", "Tim", "Hedy", "Claude", "Annie", "Guido", "Sophie",
		"James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda", "David", "Elizabeth",
		"Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
		"Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley", "Steven", "Kimberly",
	}
	scaleLast = []string{
		"Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra",
		"Knuth", "Perlman", "McCarthy", "Johnson", "Berners-Lee", "Lamarr", "Shannon", "Easley", "Rossum", "Wilson",
		"Smith", "Jones", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
		"Gonzalez", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez", "White",
		"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "King", "Wright",
	}
	scalePlans = []string{"free", "starter", "pro", "enterprise"}
)

// scaleFixture is the loaded project and what the benchmarks need to address its contents.
type scaleFixture struct {
	p         *Project
	orgIDs    []string // by creation index
	slugs     []string
	domains   []string // each organization's email domain (allowed; claimed for every 5th)
	memberIDs []string // organization i's members are [i*scaleMembersPerOrg, (i+1)*scaleMembersPerOrg)
	emails    []string

	orgBytes, memberBytes float64 // live heap per organization and per member
	orgLoad, memberLoad   time.Duration
}

var (
	scaleOnce sync.Once
	scale     *scaleFixture
	scaleErr  error
)

// loadScale returns the process's fixture, loading it on first use.
func loadScale(tb testing.TB) *scaleFixture {
	tb.Helper()
	scaleOnce.Do(func() { scale, scaleErr = buildScale() })
	if scaleErr != nil {
		tb.Fatal(scaleErr)
	}
	return scale
}

// liveHeap returns the live heap after a full collection.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// scaleUUID returns a version 4 UUID from a seeded source, so that runs load the same data.
func scaleUUID(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	a = a&^0xf000 | 0x4000               // version 4
	b = b&^(0xc<<60) | 0x8<<60           // variant 10
	s := fmt.Sprintf("%016x%016x", a, b) // 32 hex digits
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// buildScale loads the organizations, then their members, measuring the live heap each adds.
// The fixture's own slices are allocated before the first measurement; the strings it keeps are
// the ones the store holds (the store keeps lowercase input strings as given), so they are not
// counted twice.
func buildScale() (*scaleFixture, error) {
	f := &scaleFixture{
		orgIDs:    make([]string, scaleOrgs),
		slugs:     make([]string, scaleOrgs),
		domains:   make([]string, scaleOrgs),
		memberIDs: make([]string, scaleMembers),
		emails:    make([]string, scaleMembers),
	}
	uuids := rand.New(rand.NewPCG(1, 2))
	pick := rand.New(rand.NewPCG(3, 4))
	s := New(Options{NewUUID: func() (u [36]byte) {
		copy(u[:], scaleUUID(uuids))
		return u
	}})

	before := liveHeap()
	p := s.Project("project-test-scale")
	start := time.Now()
	for i := range scaleOrgs {
		adj := scaleAdjectives[pick.IntN(len(scaleAdjectives))]
		noun := scaleNouns[pick.IntN(len(scaleNouns))]
		name := adj + " " + noun + " " + scaleSuffixes[pick.IntN(len(scaleSuffixes))]
		tag := strconv.FormatInt(int64(i), 36)
		slug := deriveSlug(name) + "-" + tag
		domain := strings.ToLower(adj+noun) + tag + "." + scaleTLDs[pick.IntN(len(scaleTLDs))]
		req := api.OrganizationCreateRequest{OrganizationName: name, OrganizationSlug: &slug, EmailAllowedDomains: &[]string{domain}}
		if i%2 == 0 {
			ext := "crm-" + strconv.Itoa(1_000_000+i)
			req.OrganizationExternalID = &ext
		}
		if i%5 == 0 {
			req.ClaimedEmailDomains = &[]string{domain}
		}
		if i%3 == 0 {
			md := api.Metadata{"plan": scalePlans[i%len(scalePlans)], "seats": float64(5 + i%200)}
			req.TrustedMetadata = &md
		}
		o, err := p.CreateOrganization(req, nil)
		if err != nil {
			return nil, fmt.Errorf("organization %d (%s): %w", i, name, err)
		}
		f.orgIDs[i], f.slugs[i], f.domains[i] = o.OrganizationID, o.OrganizationSlug, domain
	}
	f.orgLoad = time.Since(start)
	afterOrgs := liveHeap()

	start = time.Now()
	people := len(scaleFirst) * len(scaleLast)
	for i := range scaleOrgs {
		for j := range scaleMembersPerOrg {
			k := i*scaleMembersPerOrg + j
			who := (i*7919 + j*503) % people // 5 different people in each organization
			first, last := scaleFirst[who%len(scaleFirst)], scaleLast[who/len(scaleFirst)]
			name := first + " " + last
			email := strings.ToLower(first+"."+last) + "@" + f.domains[i]
			req := api.MemberCreateRequest{EmailAddress: email, Name: &name}
			if j == 0 {
				req.Roles = &[]string{RoleAdmin}
			}
			if k%2 == 0 {
				ext := "emp-" + strconv.Itoa(10_000_000+k)
				req.ExternalID = &ext
			}
			if k%3 == 0 {
				phone := fmt.Sprintf("+1415555%04d", k%10_000)
				req.MFAPhoneNumber = &phone
			}
			r, err := p.CreateMember(f.orgIDs[i], req, nil, nil)
			if err != nil {
				return nil, fmt.Errorf("member %d of organization %d (%s): %w", j, i, email, err)
			}
			f.memberIDs[k], f.emails[k] = r.Member.MemberID, email
		}
	}
	f.memberLoad = time.Since(start)
	afterMembers := liveHeap()
	runtime.KeepAlive(p)

	f.p = p
	f.orgBytes = float64(int64(afterOrgs)-int64(before)) / scaleOrgs
	f.memberBytes = float64(int64(afterMembers)-int64(afterOrgs)) / scaleMembers
	return f, nil
}

func scaleOrgOp(tb testing.TB, name string, value any) api.OrganizationSearchOperand {
	tb.Helper()
	var op api.OrganizationSearchOperand
	b, _ := json.Marshal(map[string]any{"filter_name": name, "filter_value": value})
	if err := op.UnmarshalJSON(b); err != nil {
		tb.Fatal(err)
	}
	return op
}

func scaleMemberOp(tb testing.TB, name string, value any) api.MemberSearchOperand {
	tb.Helper()
	var op api.MemberSearchOperand
	b, _ := json.Marshal(map[string]any{"filter_name": name, "filter_value": value})
	if err := op.UnmarshalJSON(b); err != nil {
		tb.Fatal(err)
	}
	return op
}

func orgSearch(limit int32, ops ...api.OrganizationSearchOperand) api.OrganizationSearchRequest {
	req := api.OrganizationSearchRequest{Limit: &limit}
	if len(ops) > 0 {
		req.Query = &api.OrganizationSearchQuery{Operator: api.AND, Operands: &ops}
	}
	return req
}

func memberSearch(orgIDs []string, limit int32, ops ...api.MemberSearchOperand) api.MemberSearchRequest {
	req := api.MemberSearchRequest{OrganizationIds: orgIDs, Limit: &limit}
	if len(ops) > 0 {
		req.Query = &api.MemberSearchQuery{Operator: api.AND, Operands: &ops}
	}
	return req
}

// poolSize is how many different requests a lookup benchmark cycles through, so that it does
// not measure one cached organization.
const poolSize = 512

// scaleQuery is a search the benchmarks time: run performs one request of a pool and returns
// the number of results of the whole query.
type scaleQuery struct {
	name string
	run  func(i int) (total int, err error)
	want int // expected total; -1 when it varies
}

// exactOrgQueries are the organization searches by exact filters, each over poolSize different
// requests with one match each.
func exactOrgQueries(tb testing.TB, f *scaleFixture) []scaleQuery {
	ids, slugs, emails, claimed := make([]api.OrganizationSearchRequest, poolSize), make([]api.OrganizationSearchRequest, poolSize),
		make([]api.OrganizationSearchRequest, poolSize), make([]api.OrganizationSearchRequest, poolSize)
	for n := range poolSize {
		i := (n * 7919) % scaleOrgs
		ids[n] = orgSearch(100, scaleOrgOp(tb, "organization_ids", []string{f.orgIDs[i]}))
		slugs[n] = orgSearch(100, scaleOrgOp(tb, "organization_slugs", []string{strings.ToUpper(f.slugs[i])}))
		emails[n] = orgSearch(100, scaleOrgOp(tb, "member_emails", []string{f.emails[i*scaleMembersPerOrg+n%scaleMembersPerOrg]}))
		claimed[n] = orgSearch(100, scaleOrgOp(tb, "claimed_email_domains", []string{f.domains[i-i%5]}))
	}
	return []scaleQuery{
		orgQuery("organization_ids", f, ids, 1),
		orgQuery("organization_slugs", f, slugs, 1),
		orgQuery("member_emails", f, emails, 1),
		orgQuery("claimed_email_domains", f, claimed, 1),
	}
}

func orgQuery(name string, f *scaleFixture, reqs []api.OrganizationSearchRequest, want int) scaleQuery {
	return scaleQuery{name: name, want: want, run: func(i int) (int, error) {
		page, err := f.p.SearchOrganizations(reqs[i%len(reqs)])
		return page.Total, err
	}}
}

func memberQuery(name string, f *scaleFixture, reqs []api.MemberSearchRequest, want int) scaleQuery {
	return scaleQuery{name: name, want: want, run: func(i int) (int, error) {
		page, err := f.p.SearchMembers(reqs[i%len(reqs)], nil)
		return page.Total, err
	}}
}

// exactMemberQueries are member searches by exact filters: within one organization, the usual
// call, and across 1,000 organizations.
func exactMemberQueries(tb testing.TB, f *scaleFixture) []scaleQuery {
	var out []scaleQuery
	for _, orgs := range []int{1, 1000} {
		ids, emails := make([]api.MemberSearchRequest, poolSize), make([]api.MemberSearchRequest, poolSize)
		for n := range poolSize {
			first := (n * 7919) % (scaleOrgs - orgs)
			target := (first+n%orgs)*scaleMembersPerOrg + n%scaleMembersPerOrg
			in := f.orgIDs[first : first+orgs]
			ids[n] = memberSearch(in, 100, scaleMemberOp(tb, "member_ids", []string{f.memberIDs[target]}))
			emails[n] = memberSearch(in, 100, scaleMemberOp(tb, "member_emails", []string{strings.ToUpper(f.emails[target])}))
		}
		suffix := fmt.Sprintf("/orgs=%d", orgs)
		// With 1,000 organizations, resolving their ids is most of the time (about 0.3 ms).
		out = append(out, memberQuery("member_ids"+suffix, f, ids, 1), memberQuery("member_emails"+suffix, f, emails, 1))
	}
	return out
}

// fuzzyNameTerms are organization_name_fuzzy values: a common one, an adjective (a few percent of
// the names), a rare combination and one that matches nothing (a full scan with no result).
var fuzzyNameTerms = []string{"tech", "quantum", "quantum robotics labs", "no such organization"}

func fuzzyOrgQueries(tb testing.TB, f *scaleFixture) []scaleQuery {
	var out []scaleQuery
	for _, term := range fuzzyNameTerms {
		out = append(out, orgQuery("organization_name_fuzzy="+term, f,
			[]api.OrganizationSearchRequest{orgSearch(100, scaleOrgOp(tb, "organization_name_fuzzy", term))}, -1))
	}
	return out
}

// otherOrgQueries are the remaining filters, for information: they are not among the targets.
func otherOrgQueries(tb testing.TB, f *scaleFixture) []scaleQuery {
	allowed := make([]api.OrganizationSearchRequest, poolSize)
	for n := range poolSize {
		allowed[n] = orgSearch(100, scaleOrgOp(tb, "allowed_domains", []string{f.domains[(n*7919)%scaleOrgs]}))
	}
	one := func(name string, value any) api.OrganizationSearchRequest {
		return orgSearch(100, scaleOrgOp(tb, name, value))
	}
	return []scaleQuery{
		orgQuery("allowed_domains", f, allowed, 1),
		orgQuery("organization_slug_fuzzy=robotics", f, []api.OrganizationSearchRequest{one("organization_slug_fuzzy", "robotics")}, -1),
		orgQuery("allowed_domain_fuzzy=robotics", f, []api.OrganizationSearchRequest{one("allowed_domain_fuzzy", "robotics")}, -1),
		orgQuery("member_email_fuzzy=lovelace", f, []api.OrganizationSearchRequest{one("member_email_fuzzy", "lovelace")}, -1),
		orgQuery("has_active_sso_connection=false", f, []api.OrganizationSearchRequest{one("has_active_sso_connection", false)}, scaleOrgs),
		orgQuery("no_query", f, []api.OrganizationSearchRequest{orgSearch(100)}, scaleOrgs),
	}
}

// benchQueries runs each query as a sub-benchmark, reporting ms/op.
func benchQueries(b *testing.B, queries []scaleQuery) {
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			total, err := q.run(0)
			if err != nil {
				b.Fatal(err)
			}
			if q.want >= 0 && total != q.want {
				b.Fatalf("%d results, want %d", total, q.want)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := q.run(i); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
			b.ReportMetric(float64(total), "results")
		})
	}
}

// BenchmarkScaleLoad reports what loading the fixture took: live heap per organization and per
// member, and the load times. Its loop does nothing.
func BenchmarkScaleLoad(b *testing.B) {
	f := loadScale(b)
	for b.Loop() {
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(f.orgBytes, "B/org")
	b.ReportMetric(f.memberBytes, "B/member")
	b.ReportMetric(f.orgLoad.Seconds(), "s-load-orgs")
	b.ReportMetric(f.memberLoad.Seconds(), "s-load-members")
}

func BenchmarkScaleSearchOrganizationsExact(b *testing.B) {
	f := loadScale(b)
	benchQueries(b, exactOrgQueries(b, f))
}

func BenchmarkScaleSearchOrganizationsFuzzy(b *testing.B) {
	f := loadScale(b)
	benchQueries(b, fuzzyOrgQueries(b, f))
}

func BenchmarkScaleSearchOrganizationsOther(b *testing.B) {
	f := loadScale(b)
	benchQueries(b, otherOrgQueries(b, f))
}

func BenchmarkScaleSearchMembersExact(b *testing.B) {
	f := loadScale(b)
	benchQueries(b, exactMemberQueries(b, f))
}

// pager pages through every result of one query and returns the number of results and pages.
type pager struct {
	name string
	run  func() (results, pages int, err error)
}

func orgPager(name string, f *scaleFixture, req api.OrganizationSearchRequest) pager {
	return pager{name: name, run: func() (results, pages int, err error) {
		req := req
		for {
			page, err := f.p.SearchOrganizations(req)
			if err != nil {
				return 0, 0, err
			}
			results += len(page.Organizations)
			pages++
			if page.NextCursor == "" {
				if results != page.Total {
					return 0, 0, fmt.Errorf("paging returned %d results, total says %d", results, page.Total)
				}
				return results, pages, nil
			}
			req.Cursor = &page.NextCursor
		}
	}}
}

func memberPager(name string, f *scaleFixture, req api.MemberSearchRequest) pager {
	return pager{name: name, run: func() (results, pages int, err error) {
		req := req
		for {
			page, err := f.p.SearchMembers(req, nil)
			if err != nil {
				return 0, 0, err
			}
			results += len(page.Members)
			pages++
			if page.NextCursor == "" {
				if results != page.Total {
					return 0, 0, fmt.Errorf("paging returned %d results, total says %d", results, page.Total)
				}
				return results, pages, nil
			}
			req.Cursor = &page.NextCursor
		}
	}}
}

// pagers are the paging runs: every organization with two limits (a quadratic cost would make
// the smaller limit dearer per result in proportion to the number of pages), the results of
// fuzzy queries with a small and a large limit, and every member of 1,000 organizations.
//
// A fuzzy query's cost is mostly the scan of every organization, whatever its results. Every
// member page request names the 1,000 organizations, and resolving them costs about 150 µs a
// page: smaller pages are dearer per result by the size of the request.
func pagers(tb testing.TB, f *scaleFixture) []pager {
	fuzzy := func(term string, limit int32) pager {
		return orgPager(fmt.Sprintf("orgs/organization_name_fuzzy=%s/limit=%d", term, limit), f,
			orgSearch(limit, scaleOrgOp(tb, "organization_name_fuzzy", term)))
	}
	var out []pager
	for _, limit := range []int32{1000, 100} {
		out = append(out, orgPager(fmt.Sprintf("orgs/all/limit=%d", limit), f, orgSearch(limit)))
	}
	for _, term := range []string{"tech", "quantum"} {
		for _, limit := range []int32{1000, 100, 10} {
			out = append(out, fuzzy(term, limit))
		}
	}
	for _, limit := range []int32{1000, 100} {
		out = append(out, memberPager(fmt.Sprintf("members/orgs=1000/limit=%d", limit), f, memberSearch(f.orgIDs[5000:6000], limit)))
	}
	return out
}

// BenchmarkScalePaging pages through every result of a query per op, reporting ns per result.
func BenchmarkScalePaging(b *testing.B) {
	f := loadScale(b)
	for _, pg := range pagers(b, f) {
		b.Run(pg.name, func(b *testing.B) {
			results, pages, err := pg.run()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := pg.run(); err != nil {
					b.Fatal(err)
				}
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perOp/1e6, "ms/op")
			b.ReportMetric(perOp/float64(results), "ns/result")
			b.ReportMetric(float64(results), "results")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}
