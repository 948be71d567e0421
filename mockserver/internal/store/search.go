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

// SearchOrganizations runs an organization search.
func (p *Project) SearchOrganizations(req api.OrganizationSearchRequest) (OrganizationPage, error) {
	limit, e := pageLimit(req.Limit)
	if e != nil {
		return OrganizationPage{}, e
	}
	if q := req.Query; q != nil {
		if e := checkOperands("organization_search", len(Deref(q.Operands))); e != nil {
			return OrganizationPage{}, e
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()

	and := true
	var filters []filter[*orgRec]
	hashParts := []string{"organizations"}
	if q := req.Query; q != nil {
		if and, e = isAnd(q.Operator); e != nil {
			return OrganizationPage{}, e
		}
		hashParts = append(hashParts, string(q.Operator))
		for _, op := range Deref(q.Operands) {
			f, part, e := p.orgFilter(op)
			if e != nil {
				return OrganizationPage{}, e
			}
			filters = append(filters, f)
			hashParts = append(hashParts, part)
		}
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
	limit, e := pageLimit(req.Limit)
	if e != nil {
		return MemberPage{}, e
	}
	if len(req.OrganizationIds) == 0 {
		return MemberPage{}, invalid("member_search_organization_ids_empty", "organization_ids must contain at least one organization.")
	}
	if q := req.Query; q != nil {
		if e := checkOperands("member_search", len(Deref(q.Operands))); e != nil {
			return MemberPage{}, e
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()

	// orgs in request order without repeats; inOrg is the same as a set, so that a search over
	// many organizations does not cost the square of their number.
	var orgs []*orgRec
	inOrg := make(map[*orgRec]bool, len(req.OrganizationIds))
	hashParts := []string{"members"}
	for _, ident := range req.OrganizationIds {
		org, e := p.resolveOrg(ident)
		if e != nil {
			return MemberPage{}, e
		}
		if e := p.authorize(actor, org, resMember, "search", nil); e != nil {
			return MemberPage{}, e
		}
		if !inOrg[org] {
			inOrg[org] = true
			orgs = append(orgs, org)
			hashParts = append(hashParts, org.org.OrganizationID)
		}
	}
	inOrgs := func(m *memberRec) bool { return inOrg[m.org] }

	and, withDeleted := true, false
	var filters []filter[*memberRec]
	if q := req.Query; q != nil {
		if and, e = isAnd(q.Operator); e != nil {
			return MemberPage{}, e
		}
		hashParts = append(hashParts, string(q.Operator))
		for _, op := range Deref(q.Operands) {
			f, part, deleted, e := p.memberFilter(op, inOrgs)
			if e != nil {
				return MemberPage{}, e
			}
			withDeleted = withDeleted || deleted
			filters = append(filters, f)
			hashParts = append(hashParts, part)
		}
	}
	query := p.cursors.queryHash(hashParts...)
	cur, e := p.readCursor(req.Cursor, query)
	if e != nil {
		return MemberPage{}, e
	}
	if withDeleted {
		for i := range filters {
			if filters[i].liveOnly {
				filters[i].candidates, filters[i].indexed = nil, false
			}
		}
	}
	candidates, indexed, match := plan(and, filters)
	visible := func(m *memberRec) bool { return (withDeleted || !m.deleted()) && match(m) }
	source := func(after uint64, yield func(*memberRec) bool) {
		lists := make([][]*memberRec, len(orgs))
		for i, o := range orgs {
			lists[i] = o.members
		}
		fromSorted(memberSeq, lists...)(after, yield)
	}
	if indexed {
		source = fromSorted(memberSeq, sortedUnique(slices.DeleteFunc(candidates, func(m *memberRec) bool { return !inOrgs(m) }), memberSeq))
	}
	recs, next, total := page(p, source, memberSeq, visible, limit, cur, query)
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
