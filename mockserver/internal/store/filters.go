package store

// Search filters: the filters an operand can name, one small constructor per name, in a table
// for organization searches (orgFilters) and one for member searches (memberFilters). Adding a
// filter is adding an entry.

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// orgFilters are the filters of an organization search, by filter_name.
var orgFilters = map[string]filterFunc[*orgRec]{
	"organization_ids":          exact(false, orgHasID, (*Project).orgWithID),
	"organization_slugs":        exact(true, orgHasSlug, (*Project).orgWithSlug),
	"member_emails":             exact(true, orgHasMemberEmail, (*Project).orgsWithMemberEmail),
	"allowed_domains":           exact(true, orgAllowsDomain, nil),
	"claimed_email_domains":     exact(true, orgClaimsDomain, (*Project).orgClaiming),
	"organization_slug_fuzzy":   fuzzy(orgSlugHolds),
	"organization_name_fuzzy":   fuzzy(orgNameHolds),
	"member_email_fuzzy":        fuzzy(orgHasMemberEmailLike),
	"allowed_domain_fuzzy":      fuzzy(orgAllowsDomainLike),
	"has_active_sso_connection": flag(orgHasActiveSSO),
	"sso_connection_id":         ssoConnectionID,
}

// memberFilters are the filters of a member search, by filter_name.
var memberFilters = map[string]filterFunc[*memberRec]{
	"member_ids":                    memberIDs,
	"member_emails":                 liveOnly(exact(true, is(memberEmail), (*Project).membersWithEmail)),
	"member_email_fuzzy":            fuzzy(contains(memberEmail)),
	"member_is_breakglass":          flag(memberIsBreakglass),
	"statuses":                      memberStatuses,
	"member_mfa_phone_numbers":      exact(false, is(memberPhone), nil),
	"member_phone_numbers":          exact(false, is(memberPhone), nil),
	"member_mfa_phone_number_fuzzy": fuzzy(contains(memberPhone)),
	"member_phone_number_fuzzy":     fuzzy(contains(memberPhone)),
	"member_password_exists":        flag(memberHasPassword),
	"member_roles":                  exact(false, memberHoldsRole, nil),
}

// A filterFunc makes the filter one search operand names. With the filter it returns the
// operand's value as the query's fingerprint holds it (see canonical).
type filterFunc[T any] func(p *Project, op operand) (filter[T], any, *Error)

// valueSet is an exact filter's values.
type valueSet = map[string]bool

// An operand is one search operand as the filter constructors read it.
type operand struct {
	prefix string // of the error types: organization_search or member_search
	name   string // the filter_name
	raw    []byte // the operand's JSON
}

// searchOperand is what the generated operand unions of both searches offer.
type searchOperand interface {
	Discriminator() (string, error)
	MarshalJSON() ([]byte, error)
}

// parseFilter makes the filter of one operand with the constructor table names for it, and
// returns it with the operand's part of the query's fingerprint.
func parseFilter[T any, O searchOperand](p *Project, prefix string, table map[string]filterFunc[T], o O) (filter[T], string, *Error) {
	name, nameErr := o.Discriminator()
	raw, rawErr := o.MarshalJSON()
	op := operand{prefix: prefix, name: name, raw: raw}
	makeFilter, ok := table[name]
	if nameErr != nil || rawErr != nil || !ok {
		return filter[T]{}, "", op.notRecognized()
	}
	f, value, e := makeFilter(p, op)
	if e != nil {
		return filter[T]{}, "", e
	}
	return f, canonical(name, value), nil
}

// canonical is an operand's part of its query's fingerprint.
func canonical(name string, value any) string {
	b, _ := json.Marshal(value)
	return name + "=" + string(b)
}

func (op operand) notRecognized() *Error {
	return invalid(op.prefix+"_filter_name_not_recognized", "query.operands: %q is not a recognized filter.", op.name)
}

func (op operand) missing() *Error {
	return invalid(op.prefix+"_missing_"+op.name, "query.operands: %s needs at least one value.", op.name)
}

// filterValue decodes an operand's filter_value as V, the type the spec gives the filter's value.
// A value of another type makes the operand one no filter takes.
func filterValue[V any](op operand) (V, *Error) {
	var v struct {
		FilterValue V `json:"filter_value"`
	}
	if err := json.Unmarshal(op.raw, &v); err != nil {
		return v.FilterValue, op.notRecognized()
	}
	return v.FilterValue, nil
}

// exact makes filters of a list of values to match exactly (lowercased when lower): each matches
// the items has accepts with the values' set. With an index, the items it holds under the
// values are the candidates.
func exact[T any](lower bool, has func(T, valueSet) bool, index func(*Project, string) []T) filterFunc[T] {
	return func(p *Project, op operand) (filter[T], any, *Error) {
		values, e := filterValue[[]string](op)
		if e != nil {
			return filter[T]{}, nil, e
		}
		f, e := exactOf(p, op, values, lower, has, index)
		return f, values, e
	}
}

// exactOf is the filter exact makes, from values already read.
func exactOf[T any](p *Project, op operand, values []string, lower bool, has func(T, valueSet) bool, index func(*Project, string) []T) (filter[T], *Error) {
	if len(values) == 0 {
		return filter[T]{}, op.missing()
	}
	set := make(valueSet, len(values))
	for _, v := range values {
		if lower {
			v = strings.ToLower(v)
		}
		set[v] = true
	}
	f := filter[T]{match: func(x T) bool { return has(x, set) }}
	if index != nil {
		f.indexed = true
		for k := range set {
			f.candidates = append(f.candidates, index(p, k)...)
		}
	}
	return f, nil
}

// fuzzy makes filters of a term of at least minFuzzy characters, lowercased: each matches the
// items has accepts with it.
func fuzzy[T any](has func(x T, term string) bool) filterFunc[T] {
	return func(_ *Project, op operand) (filter[T], any, *Error) {
		value, e := filterValue[string](op)
		if e != nil {
			return filter[T]{}, nil, e
		}
		if len([]rune(value)) < minFuzzy {
			return filter[T]{}, nil, invalid(op.prefix+"_"+op.name+"_too_short", "query.operands: %s needs at least %d characters.", op.name, minFuzzy)
		}
		term := strings.ToLower(value)
		return filter[T]{match: func(x T) bool { return has(x, term) }}, term, nil
	}
}

// flag makes filters of a boolean: each matches the items for which has says the same.
func flag[T any](has func(T) bool) filterFunc[T] {
	return func(_ *Project, op operand) (filter[T], any, *Error) {
		want, e := filterValue[bool](op)
		if e != nil {
			return filter[T]{}, nil, e
		}
		return filter[T]{match: func(x T) bool { return has(x) == want }}, want, nil
	}
}

// liveOnly marks the candidates of inner's filters as drawn from members that are not deleted.
func liveOnly(inner filterFunc[*memberRec]) filterFunc[*memberRec] {
	return func(p *Project, op operand) (filter[*memberRec], any, *Error) {
		f, value, e := inner(p, op)
		f.liveOnly = true
		return f, value, e
	}
}

// ssoConnectionID matches the organizations with an active SSO connection of one id.
func ssoConnectionID(_ *Project, op operand) (filter[*orgRec], any, *Error) {
	id, e := filterValue[string](op)
	switch {
	case e != nil:
		return filter[*orgRec]{}, nil, e
	case id == "":
		return filter[*orgRec]{}, nil, op.missing()
	}
	return filter[*orgRec]{match: func(o *orgRec) bool {
		return slices.ContainsFunc(o.org.SSOActiveConnections, func(c api.SSOActiveConnection) bool { return c.ConnectionID == id })
	}}, id, nil
}

// memberIDs matches members by Stytch member id (indexed) or by external id, never both kinds in
// one operand.
func memberIDs(p *Project, op operand) (filter[*memberRec], any, *Error) {
	ids, e := filterValue[[]string](op)
	if e != nil {
		return filter[*memberRec]{}, nil, e
	}
	internal := 0
	for _, id := range ids {
		if strings.HasPrefix(id, "member-test-") || strings.HasPrefix(id, "member-live-") {
			internal++
		}
	}
	var f filter[*memberRec]
	switch {
	case internal != 0 && internal != len(ids):
		return f, nil, invalid(op.prefix+"_cannot_mix_internal_and_external_member_ids", "query.operands: member_ids may hold Stytch member ids or external ids, not both.")
	case internal > 0:
		f, e = exactOf(p, op, ids, false, is(func(m *memberRec) string { return m.m.MemberID }), (*Project).memberWithID)
	default:
		f, e = exactOf(p, op, ids, false, is(func(m *memberRec) string { return Deref(m.m.ExternalID) }), nil)
	}
	return f, ids, e
}

// memberStatuses matches members by status; listing deleted admits deleted members to the search.
func memberStatuses(p *Project, op operand) (filter[*memberRec], any, *Error) {
	statuses, e := filterValue[[]api.MemberStatusesFilterFilterValue](op)
	if e != nil {
		return filter[*memberRec]{}, nil, e
	}
	values := make([]string, len(statuses))
	for i, s := range statuses {
		if !s.Valid() {
			return filter[*memberRec]{}, nil, invalid("search_invalid_status_filter", "query.operands: %s is not a member status.", s)
		}
		values[i] = string(s)
	}
	f, e := exactOf(p, op, values, false, is(func(m *memberRec) string { return string(m.m.Status) }), nil)
	f.withDeleted = slices.Contains(values, statusDeleted)
	return f, values, e
}

// is matches the members whose field get reads is among an exact filter's values; an absent
// value ("") matches nothing.
func is(get func(*memberRec) string) func(*memberRec, valueSet) bool {
	return func(m *memberRec, set valueSet) bool {
		v := get(m)
		return v != "" && set[v]
	}
}

// contains matches the members whose field get reads holds a fuzzy filter's term, ignoring case.
func contains(get func(*memberRec) string) func(*memberRec, string) bool {
	return func(m *memberRec, term string) bool { return strings.Contains(strings.ToLower(get(m)), term) }
}

// What the filters read of an organization.

func orgHasID(o *orgRec, ids valueSet) bool     { return ids[o.org.OrganizationID] }
func orgHasSlug(o *orgRec, slugs valueSet) bool { return slugs[o.slugLower] }
func orgAllowsDomain(o *orgRec, domains valueSet) bool {
	return anyIn(o.org.EmailAllowedDomains, domains)
}
func orgClaimsDomain(o *orgRec, domains valueSet) bool {
	return anyIn(o.org.ClaimedEmailDomains, domains)
}
func orgSlugHolds(o *orgRec, term string) bool { return strings.Contains(o.slugLower, term) }
func orgNameHolds(o *orgRec, term string) bool { return strings.Contains(o.nameLower, term) }
func orgHasActiveSSO(o *orgRec) bool           { return len(o.org.SSOActiveConnections) > 0 }

func orgAllowsDomainLike(o *orgRec, term string) bool {
	return slices.ContainsFunc(o.org.EmailAllowedDomains, func(d string) bool { return strings.Contains(d, term) })
}

// anyIn reports whether any of list is in set.
func anyIn(list []string, set valueSet) bool {
	return slices.ContainsFunc(list, func(d string) bool { return set[d] })
}

// orgHasMemberEmail reports whether a member of o, not deleted, has one of the addresses: through
// the smaller of the two, so that neither a long list of addresses nor a large organization makes
// each organization cost more than its own members.
func orgHasMemberEmail(o *orgRec, emails valueSet) bool {
	if len(emails) <= len(o.byEmail) {
		for e := range emails {
			if o.byEmail[e] != nil {
				return true
			}
		}
		return false
	}
	for e := range o.byEmail {
		if emails[e] {
			return true
		}
	}
	return false
}

// orgHasMemberEmailLike reports whether a member of o, not deleted, has an address holding term.
func orgHasMemberEmailLike(o *orgRec, term string) bool {
	for email := range o.byEmail {
		if strings.Contains(email, term) {
			return true
		}
	}
	return false
}

// What the filters read of a member. An absent external id or phone number ("") matches no
// value of an exact filter (see is).

func memberEmail(m *memberRec) string      { return m.m.EmailAddress }
func memberPhone(m *memberRec) string      { return m.m.MFAPhoneNumber }
func memberIsBreakglass(m *memberRec) bool { return m.m.IsBreakglass }
func memberHasPassword(m *memberRec) bool  { return m.m.MemberPasswordID != "" }

func memberHoldsRole(m *memberRec, roles valueSet) bool {
	return m.anyRole(func(r string) bool { return roles[r] })
}

// The indexes exact filters draw their candidates from.

func (p *Project) orgWithID(id string) []*orgRec       { return oneOrg(p.orgByID[id]) }
func (p *Project) orgWithSlug(slug string) []*orgRec   { return oneOrg(p.orgBySlug[slug]) }
func (p *Project) orgClaiming(domain string) []*orgRec { return oneOrg(p.claimedBy[domain]) }

// membersWithEmail lists the members that are not deleted with an address, exactly those the
// member_emails predicate accepts among them: its candidates answer only a search that leaves
// deleted members out (liveOnly).
func (p *Project) membersWithEmail(email string) []*memberRec { return p.membersByMail[email] }

func (p *Project) orgsWithMemberEmail(email string) []*orgRec {
	var orgs []*orgRec
	for _, m := range p.membersByMail[email] {
		orgs = append(orgs, m.org)
	}
	return orgs
}

func (p *Project) memberWithID(id string) []*memberRec {
	if m := p.memberByID[id]; m != nil {
		return []*memberRec{m}
	}
	return nil
}

func oneOrg(o *orgRec) []*orgRec {
	if o == nil {
		return nil
	}
	return []*orgRec{o}
}
