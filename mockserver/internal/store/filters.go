package store

// Search filters: one constructor per filter name, for organization and member searches.

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
)

func canonical(name string, value any) string {
	b, _ := json.Marshal(value)
	return name + "=" + string(b)
}

func fuzzy(prefix, name, value string) (string, *Error) {
	if len([]rune(value)) < minFuzzy {
		return "", invalid(prefix+"_"+name+"_too_short", "query.operands: %s needs at least %d characters.", name, minFuzzy)
	}
	return strings.ToLower(value), nil
}

func stringSet(values []string, lower bool) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		if lower {
			v = strings.ToLower(v)
		}
		set[v] = true
	}
	return set
}

func missing(prefix, name string, n int) *Error {
	if n == 0 {
		return invalid(prefix+"_missing_"+name, "query.operands: %s needs at least one value.", name)
	}
	return nil
}

// orgFilter parses one organization search operand.
func (p *Project) orgFilter(op api.OrganizationSearchOperand) (filter[*orgRec], string, *Error) {
	const prefix = "organization_search"
	name, _ := op.Discriminator()
	v, err := op.ValueByDiscriminator()
	if err != nil {
		return filter[*orgRec]{}, "", invalid(prefix+"_filter_name_not_recognized", "query.operands: %q is not a recognized filter.", name)
	}
	var f filter[*orgRec]
	var value any
	var e *Error
	// exact takes an exact filter's values as a set (lowercased when lower): f matches the
	// organizations has accepts with the set, and, given an index, the organizations it holds
	// under the set's values are the candidates.
	exact := func(values []string, lower bool, has func(o *orgRec, set map[string]bool) bool, index func(string) []*orgRec) {
		if e = missing(prefix, name, len(values)); e != nil {
			return
		}
		set := stringSet(values, lower)
		f.match = func(o *orgRec) bool { return has(o, set) }
		if index != nil {
			f.indexed = true
			for k := range set {
				f.candidates = append(f.candidates, index(k)...)
			}
		}
		value = values
	}
	// fuzzyOn takes a fuzzy filter's term (lowercased): f matches the organizations has accepts
	// with it.
	fuzzyOn := func(term string, has func(o *orgRec, q string) bool) {
		var q string
		if q, e = fuzzy(prefix, name, term); e != nil {
			return
		}
		f.match = func(o *orgRec) bool { return has(o, q) }
		value = q
	}
	unique := func(m map[string]*orgRec) func(string) []*orgRec {
		return func(k string) []*orgRec {
			if o := m[k]; o != nil {
				return []*orgRec{o}
			}
			return nil
		}
	}
	anyIn := func(list []string, set map[string]bool) bool {
		return slices.ContainsFunc(list, func(d string) bool { return set[d] })
	}
	switch v := v.(type) {
	case api.OrganizationIDsFilter:
		exact(v.FilterValue, false, func(o *orgRec, ids map[string]bool) bool { return ids[o.org.OrganizationID] }, unique(p.orgByID))
	case api.OrganizationSlugsFilter:
		exact(v.FilterValue, true, func(o *orgRec, slugs map[string]bool) bool { return slugs[o.slugLower] }, unique(p.orgBySlug))
	case api.OrganizationMemberEmailsFilter:
		exact(v.FilterValue, true, func(o *orgRec, emails map[string]bool) bool {
			// Through the smaller of the two, so that neither a long list of addresses nor a
			// large organization makes each organization cost more than its own members.
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
		}, func(email string) []*orgRec {
			var orgs []*orgRec
			for _, m := range p.membersByMail[email] {
				orgs = append(orgs, m.org)
			}
			return orgs
		})
	case api.OrganizationAllowedDomainsFilter:
		exact(v.FilterValue, true, func(o *orgRec, domains map[string]bool) bool { return anyIn(o.org.EmailAllowedDomains, domains) }, nil)
	case api.OrganizationClaimedEmailDomainsFilter:
		exact(v.FilterValue, true, func(o *orgRec, domains map[string]bool) bool { return anyIn(o.org.ClaimedEmailDomains, domains) }, unique(p.claimedBy))
	case api.OrganizationSlugFuzzyFilter:
		fuzzyOn(v.FilterValue, func(o *orgRec, q string) bool { return strings.Contains(o.slugLower, q) })
	case api.OrganizationNameFuzzyFilter:
		fuzzyOn(v.FilterValue, func(o *orgRec, q string) bool { return strings.Contains(o.nameLower, q) })
	case api.OrganizationMemberEmailFuzzyFilter:
		fuzzyOn(v.FilterValue, func(o *orgRec, q string) bool {
			for email := range o.byEmail {
				if strings.Contains(email, q) {
					return true
				}
			}
			return false
		})
	case api.OrganizationAllowedDomainFuzzyFilter:
		fuzzyOn(v.FilterValue, func(o *orgRec, q string) bool {
			return slices.ContainsFunc(o.org.EmailAllowedDomains, func(d string) bool { return strings.Contains(d, q) })
		})
	case api.OrganizationHasActiveSSOConnectionFilter:
		want := v.FilterValue
		f.match = func(o *orgRec) bool { return (len(o.org.SSOActiveConnections) > 0) == want }
		value = want
	case api.OrganizationSSOConnectionIDFilter:
		if v.FilterValue == "" {
			return f, "", missing(prefix, name, 0)
		}
		id := v.FilterValue
		f.match = func(o *orgRec) bool {
			return slices.ContainsFunc(o.org.SSOActiveConnections, func(c api.SSOActiveConnection) bool { return c.ConnectionID == id })
		}
		value = id
	default:
		return f, "", invalid(prefix+"_filter_name_not_recognized", "query.operands: %q is not a recognized filter.", name)
	}
	if e != nil {
		return f, "", e
	}
	return f, canonical(name, value), nil
}

// memberFilter parses one member search operand. deleted reports whether it admits deleted
// members (a statuses operand listing deleted).
func (p *Project) memberFilter(op api.MemberSearchOperand, inOrgs func(*memberRec) bool) (f filter[*memberRec], part string, deleted bool, err *Error) {
	const prefix = "member_search"
	name, _ := op.Discriminator()
	v, verr := op.ValueByDiscriminator()
	if verr != nil {
		return f, "", false, invalid(prefix+"_filter_name_not_recognized", "query.operands: %q is not a recognized filter.", name)
	}
	var value any
	exact := func(values []string, lower bool, get func(*memberRec) string) *Error {
		if e := missing(prefix, name, len(values)); e != nil {
			return e
		}
		set := stringSet(values, lower)
		delete(set, "") // an absent external id or phone number matches nothing
		f.match = func(m *memberRec) bool { return set[get(m)] }
		value = values
		return nil
	}
	fuzzyOn := func(s string, get func(*memberRec) string) *Error {
		q, e := fuzzy(prefix, name, s)
		if e != nil {
			return e
		}
		f.match = func(m *memberRec) bool { return strings.Contains(strings.ToLower(get(m)), q) }
		value = q
		return nil
	}
	phone := func(m *memberRec) string { return m.m.MFAPhoneNumber }
	var e *Error
	switch v := v.(type) {
	case api.MemberIDsFilter:
		internal := 0
		for _, id := range v.FilterValue {
			if strings.HasPrefix(id, "member-test-") || strings.HasPrefix(id, "member-live-") {
				internal++
			}
		}
		if internal != 0 && internal != len(v.FilterValue) {
			return f, "", false, invalid(prefix+"_cannot_mix_internal_and_external_member_ids", "query.operands: member_ids may hold Stytch member ids or external ids, not both.")
		}
		if internal > 0 {
			e = exact(v.FilterValue, false, func(m *memberRec) string { return m.m.MemberID })
			f.indexed = true
			for _, id := range v.FilterValue {
				if m := p.memberByID[id]; m != nil && inOrgs(m) {
					f.candidates = append(f.candidates, m)
				}
			}
		} else {
			e = exact(v.FilterValue, false, func(m *memberRec) string { return Deref(m.m.ExternalID) })
		}
	case api.MemberEmailsFilter:
		e = exact(v.FilterValue, true, func(m *memberRec) string { return m.m.EmailAddress })
		// p.membersByMail lists the members that are not deleted by their (lowercased) address,
		// exactly those the predicate accepts among them; SearchMembers drops these candidates
		// when the search admits deleted members.
		f.indexed, f.liveOnly = true, true
		for _, email := range v.FilterValue {
			for _, m := range p.membersByMail[strings.ToLower(email)] {
				if inOrgs(m) {
					f.candidates = append(f.candidates, m)
				}
			}
		}
	case api.MemberEmailFuzzyFilter:
		e = fuzzyOn(v.FilterValue, func(m *memberRec) string { return m.m.EmailAddress })
	case api.MemberIsBreakglassFilter:
		want := v.FilterValue
		f.match = func(m *memberRec) bool { return m.m.IsBreakglass == want }
		value = want
	case api.MemberStatusesFilter:
		values := make([]string, len(v.FilterValue))
		for i, s := range v.FilterValue {
			if !s.Valid() {
				return f, "", false, invalid("search_invalid_status_filter", "query.operands: %s is not a member status.", s)
			}
			values[i] = string(s)
		}
		deleted = slices.Contains(values, statusDeleted)
		e = exact(values, false, func(m *memberRec) string { return string(m.m.Status) })
	case api.MemberMFAPhoneNumbersFilter:
		e = exact(v.FilterValue, false, phone)
	case api.MemberPhoneNumbersFilter:
		e = exact(v.FilterValue, false, phone)
	case api.MemberMFAPhoneNumberFuzzyFilter:
		e = fuzzyOn(v.FilterValue, phone)
	case api.MemberPhoneNumberFuzzyFilter:
		e = fuzzyOn(v.FilterValue, phone)
	case api.MemberPasswordExistsFilter:
		want := v.FilterValue
		f.match = func(m *memberRec) bool { return (m.m.MemberPasswordID != "") == want }
		value = want
	case api.MemberRolesFilter:
		if e = missing(prefix, name, len(v.FilterValue)); e == nil {
			roles := stringSet(v.FilterValue, false)
			f.match = func(m *memberRec) bool {
				return slices.ContainsFunc(m.roleIDs(), func(r string) bool { return roles[r] })
			}
			value = v.FilterValue
		}
	default:
		e = invalid(prefix+"_filter_name_not_recognized", "query.operands: %q is not a recognized filter.", name)
	}
	if e != nil {
		return f, "", false, e
	}
	return f, canonical(name, value), deleted, nil
}
