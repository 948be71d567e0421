package store

// Search: pages, cursors' use, query plans and the scan shared by organization and member
// searches. The filters an operand can name are in filters.go.

import (
	"math"
	"slices"
	"sort"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Search limits: an absent or zero limit means DefaultLimit; more than MaxLimit is an error.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
	minFuzzy     = 3
)

// MaxOperands is the most operands a search query may hold. Each operand can cost a pass over
// the project, so this bounds the work of one search (the spec's choices say why this number).
const MaxOperands = 50

// checkOperands refuses a query of more than MaxOperands operands, before any is parsed.
func checkOperands(prefix string, n int) *Error {
	if n > MaxOperands {
		return invalid(prefix+"_too_many_operands", "query.operands may hold at most %d operands, not %d; split the search into several.", MaxOperands, n)
	}
	return nil
}

// OrganizationPage is one page of an organization search.
type OrganizationPage struct {
	Organizations []api.Organization
	NextCursor    string // empty on the last page
	Total         int
}

// MemberPage is one page of a member search, with the organizations of its members.
type MemberPage struct {
	Members       []api.Member
	Organizations map[string]api.Organization
	NextCursor    string
	Total         int
}

func pageLimit(limit *int32) (int, *Error) {
	switch {
	case limit == nil || *limit == 0:
		return DefaultLimit, nil
	case *limit < 0 || *limit > MaxLimit:
		return 0, invalid("user_search_invalid_limit", "limit must be between 0 and %d.", MaxLimit)
	}
	return int(*limit), nil
}

// filter is one parsed operand: a predicate, and when an index can answer it, the candidates.
type filter[T any] struct {
	match      func(T) bool
	candidates []T // when indexed: every item that can match (maybe none)
	indexed    bool
	// liveOnly: the candidates come from an index of members that are not deleted, so they
	// answer only a search that leaves deleted members out.
	liveOnly bool
	// withDeleted: the operand admits deleted members to a member search (a statuses operand
	// listing deleted).
	withDeleted bool
}

// plan combines parsed operands under an operator into candidates (nil: every item) and one
// predicate.
func plan[T any](and bool, filters []filter[T]) (candidates []T, indexed bool, match func(T) bool) {
	if len(filters) == 0 {
		return nil, false, func(T) bool { return true }
	}
	if and {
		match = func(x T) bool {
			for _, f := range filters {
				if !f.match(x) {
					return false
				}
			}
			return true
		}
		for _, f := range filters { // the smallest indexed operand bounds the result
			if f.indexed && (!indexed || len(f.candidates) < len(candidates)) {
				candidates, indexed = f.candidates, true
			}
		}
		return candidates, indexed, match
	}
	match = func(x T) bool {
		for _, f := range filters {
			if f.match(x) {
				return true
			}
		}
		return false
	}
	for _, f := range filters {
		if !f.indexed {
			return nil, false, match
		}
		candidates = append(candidates, f.candidates...)
	}
	return candidates, true, match
}

// page runs a search over a source of items in sequence order: it counts the matches (or reuses
// the cursor's count), and collects one page after the cursor. The caller holds p.mu for reading;
// source must read the project's state each time it is called (see walk).
func page[T any](p *Project, source func(after uint64, yield func(T) bool), seqOf func(T) uint64, match func(T) bool,
	limit int, cur *cursor, query uint64) (out []T, next string, total int) {
	gen := p.gen
	var after uint64
	if cur != nil {
		after = cur.after
	}
	more := false
	if cur != nil && cur.gen == gen {
		total = cur.total
		walk(p, source, seqOf, after, func(x T) bool {
			if !match(x) {
				return true
			}
			if len(out) == limit {
				more = true
				return false
			}
			out = append(out, x)
			return true
		})
	} else {
		// Counting visits every item anyway, so the same pass collects the page: a scanning
		// query (a fuzzy filter) costs one pass over the project, not two. Items come in
		// sequence order, so only those up to the first one past the cursor need their
		// sequence read (reading it for every item costs a cache miss per item).
		past := after == 0
		walk(p, source, seqOf, 0, func(x T) bool {
			if !match(x) {
				return true
			}
			total++
			switch {
			case more:
			case !past && seqOf(x) <= after:
			case len(out) < limit:
				past = true
				out = append(out, x)
			default:
				more = true
			}
			return true
		})
	}
	// The API's total is an int32. A count of items held in memory cannot reach that, and a
	// count from a cursor is one the store made, but the answer must never wrap.
	total = min(total, math.MaxInt32)
	if more {
		// gen is the generation the scan began at: when a write came in during the scan, the
		// next page finds the project changed and counts again.
		next = p.cursors.encode(cursor{after: seqOf(out[len(out)-1]), gen: gen, total: total}, query)
	}
	return out, next, total
}

// scanChunk is how many items a search visits per hold of the read lock.
const scanChunk = 256

// walk calls visit with each item source yields after `after`, in sequence order, until visit
// returns false. The caller holds p.mu for reading.
//
// Every scanChunk items walk lets go of the lock and takes it back, so that a write waiting for
// it goes first: a long search delays a write by one chunk of its scan, not by all of it. When
// the project changed in between, walk calls source again after the last item visited, so that
// the rest of the scan reads the current state (source must read it when called, and a list it
// made before the scan, such as an index's candidates, may hold an organization deleted since);
// either way every item comes once. A search that overlaps writes thus sees each item as it was
// when the scan reached it.
func walk[T any](p *Project, source func(after uint64, yield func(T) bool), seqOf func(T) uint64, after uint64, visit func(T) bool) {
	for {
		n, restart := 0, false
		var last T
		source(after, func(x T) bool {
			if n == scanChunk {
				n = 0
				gen, lastSeq := p.gen, seqOf(last)
				p.mu.RUnlock()
				if p.scanPaused != nil {
					p.scanPaused()
				}
				p.mu.RLock()
				if p.gen != gen {
					after, restart = lastSeq, true
					return false
				}
			}
			n++
			last = x
			return visit(x)
		})
		if !restart {
			return
		}
	}
}

// fromSorted iterates items of slices already sorted by sequence, merged, after a sequence.
//
// The unread parts of the slices are kept in a min-heap by the sequence of their first item, so
// each item costs O(log len(lists)) rather than a look at every slice: a member search over
// many organizations (one slice each) stays linear in its results. The slices themselves are
// only resliced, never changed.
func fromSorted[T any](seqOf func(T) uint64, lists ...[]T) func(after uint64, yield func(T) bool) {
	return func(after uint64, yield func(T) bool) {
		heads := make([][]T, 0, len(lists))
		for _, l := range lists {
			if i := sort.Search(len(l), func(j int) bool { return seqOf(l[j]) > after }); i < len(l) {
				heads = append(heads, l[i:])
			}
		}
		if len(heads) == 1 { // the common case (all organizations, one organization's members, candidates)
			for _, x := range heads[0] {
				if !yield(x) {
					return
				}
			}
			return
		}
		down := func(i int) {
			for {
				least := i
				for _, c := range [2]int{2*i + 1, 2*i + 2} {
					if c < len(heads) && seqOf(heads[c][0]) < seqOf(heads[least][0]) {
						least = c
					}
				}
				if least == i {
					return
				}
				heads[i], heads[least] = heads[least], heads[i]
				i = least
			}
		}
		for i := len(heads)/2 - 1; i >= 0; i-- {
			down(i)
		}
		for len(heads) > 0 {
			if !yield(heads[0][0]) {
				return
			}
			if heads[0] = heads[0][1:]; len(heads[0]) == 0 {
				heads[0] = heads[len(heads)-1]
				heads = heads[:len(heads)-1]
			}
			down(0)
		}
	}
}

// sortedUnique sorts candidates by sequence and drops repeats.
func sortedUnique[T comparable](xs []T, seqOf func(T) uint64) []T {
	xs = slices.Clone(xs)
	sort.Slice(xs, func(i, j int) bool { return seqOf(xs[i]) < seqOf(xs[j]) })
	return slices.Compact(xs)
}

func orgSeq(o *orgRec) uint64       { return o.seq }
func memberSeq(m *memberRec) uint64 { return m.seq }

// isAnd reads a query's operator: true for AND, false for OR.
func isAnd(op api.SearchOperator) (bool, *Error) {
	switch op {
	case api.AND:
		return true, nil
	case api.OR:
		return false, nil
	}
	return false, invalid("user_search_invalid_operator", "query.operator must be 'AND' or 'OR'.")
}

// readCursor decodes a search request's cursor for query; nil and "" ask for the first page.
func (p *Project) readCursor(c *string, query uint64) (*cursor, *Error) {
	if s := Deref(c); s != "" {
		return p.cursors.decode(s, query)
	}
	return nil, nil
}

// parseQuery reads a search query: its operator, and one filter per operand made with the
// constructors of table. parts are the query's parts of the search's fingerprint.
func parseQuery[T any, O searchOperand](p *Project, prefix string, table map[string]filterFunc[T], operator api.SearchOperator, operands []O) (and bool, filters []filter[T], parts []string, e *Error) {
	if and, e = isAnd(operator); e != nil {
		return false, nil, nil, e
	}
	parts = append(parts, string(operator))
	for _, o := range operands {
		f, part, e := parseFilter(p, prefix, table, o)
		if e != nil {
			return false, nil, nil, e
		}
		filters = append(filters, f)
		parts = append(parts, part)
	}
	return and, filters, parts, nil
}

// SearchOrganizations runs an organization search.
func (p *Project) SearchOrganizations(req api.OrganizationSearchRequest) (OrganizationPage, error) {
	const prefix = "organization_search"
	limit, e := pageLimit(req.Limit)
	if e != nil {
		return OrganizationPage{}, e
	}
	if q := req.Query; q != nil {
		if e := checkOperands(prefix, len(Deref(q.Operands))); e != nil {
			return OrganizationPage{}, e
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()

	and, hashParts := true, []string{"organizations"}
	var filters []filter[*orgRec]
	if q := req.Query; q != nil {
		var parts []string
		if and, filters, parts, e = parseQuery(p, prefix, orgFilters, q.Operator, Deref(q.Operands)); e != nil {
			return OrganizationPage{}, e
		}
		hashParts = append(hashParts, parts...)
	}
	query := p.cursors.queryHash(hashParts...)
	cur, e := p.readCursor(req.Cursor, query)
	if e != nil {
		return OrganizationPage{}, e
	}
	candidates, indexed, match := plan(and, filters)
	source := func(after uint64, yield func(*orgRec) bool) { fromSorted(orgSeq, p.orgs)(after, yield) }
	if indexed {
		// The candidates were taken from the indexes before the scan; one may be deleted by the
		// time the scan reaches it.
		source = fromSorted(orgSeq, sortedUnique(candidates, orgSeq))
		matches := match
		match = func(o *orgRec) bool { return !o.gone && matches(o) }
	}
	recs, next, total := page(p, source, orgSeq, match, limit, cur, query)
	out := OrganizationPage{Organizations: make([]api.Organization, len(recs)), NextCursor: next, Total: total}
	for i, r := range recs {
		out.Organizations[i] = r.org
	}
	return out, nil
}

// SearchMembers runs a member search across some organizations.
func (p *Project) SearchMembers(req api.MemberSearchRequest, actor *Actor) (MemberPage, error) {
	const prefix = "member_search"
	limit, e := pageLimit(req.Limit)
	if e != nil {
		return MemberPage{}, e
	}
	if len(req.OrganizationIds) == 0 {
		return MemberPage{}, invalid("member_search_organization_ids_empty", "organization_ids must contain at least one organization.")
	}
	if q := req.Query; q != nil {
		if e := checkOperands(prefix, len(Deref(q.Operands))); e != nil {
			return MemberPage{}, e
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()

	orgs, inOrgs, hashParts, e := p.searchedOrgs(req.OrganizationIds, actor)
	if e != nil {
		return MemberPage{}, e
	}
	and := true
	var filters []filter[*memberRec]
	if q := req.Query; q != nil {
		var parts []string
		if and, filters, parts, e = parseQuery(p, prefix, memberFilters, q.Operator, Deref(q.Operands)); e != nil {
			return MemberPage{}, e
		}
		hashParts = append(hashParts, parts...)
	}
	query := p.cursors.queryHash(hashParts...)
	cur, e := p.readCursor(req.Cursor, query)
	if e != nil {
		return MemberPage{}, e
	}
	source, match := memberPlan(orgs, inOrgs, and, filters)
	recs, next, total := page(p, source, memberSeq, match, limit, cur, query)
	// An organization searched may be deleted while the scan lets writes in (see walk); the
	// search then answers as it would have after the delete.
	if slices.ContainsFunc(orgs, func(o *orgRec) bool { return o.gone }) {
		return MemberPage{}, notFound("organization_not_found", "Organization could not be found.")
	}
	out := MemberPage{Members: make([]api.Member, len(recs)), Organizations: map[string]api.Organization{}, NextCursor: next, Total: total}
	for i, m := range recs {
		out.Members[i] = p.view(m)
		out.Organizations[m.org.org.OrganizationID] = m.org.org
	}
	return out, nil
}

// searchedOrgs resolves the organizations a member search names, checking that the actor may
// search each: orgs in request order without repeats, inOrgs reporting whether a member belongs
// to one of them (through a set, so that a search over many organizations does not cost the
// square of their number), and the search's fingerprint so far. The caller holds the lock.
func (p *Project) searchedOrgs(idents []string, actor *Actor) (orgs []*orgRec, inOrgs func(*memberRec) bool, parts []string, e *Error) {
	in := make(map[*orgRec]bool, len(idents))
	parts = []string{"members"}
	for _, ident := range idents {
		org, e := p.resolveOrg(ident)
		if e != nil {
			return nil, nil, nil, e
		}
		if e := p.authorize(actor, org, resMember, "search", nil); e != nil {
			return nil, nil, nil, e
		}
		if !in[org] {
			in[org] = true
			orgs = append(orgs, org)
			parts = append(parts, org.org.OrganizationID)
		}
	}
	return orgs, func(m *memberRec) bool { return in[m.org] }, parts, nil
}

// memberPlan combines a member search's filters into the source of the members to visit and the
// predicate they must pass. Deleted members are left out unless an operand admits them, and then
// no index of members that are not deleted may supply the candidates.
func memberPlan(orgs []*orgRec, inOrgs func(*memberRec) bool, and bool, filters []filter[*memberRec]) (func(after uint64, yield func(*memberRec) bool), func(*memberRec) bool) {
	withDeleted := slices.ContainsFunc(filters, func(f filter[*memberRec]) bool { return f.withDeleted })
	for i := range filters {
		f := &filters[i]
		if withDeleted && f.liveOnly {
			f.candidates, f.indexed = nil, false
		}
		f.candidates = slices.DeleteFunc(f.candidates, func(m *memberRec) bool { return !inOrgs(m) })
	}
	candidates, indexed, match := plan(and, filters)
	visible := func(m *memberRec) bool { return (withDeleted || !m.deleted()) && match(m) }
	if indexed {
		return fromSorted(memberSeq, sortedUnique(candidates, memberSeq)), visible
	}
	return func(after uint64, yield func(*memberRec) bool) {
		lists := make([][]*memberRec, len(orgs))
		for i, o := range orgs {
			lists[i] = o.members
		}
		fromSorted(memberSeq, lists...)(after, yield)
	}, visible
}
