package client

import "encoding/json"

// Filter is one condition of a search. Build organization filters with the Organization…
// constructors and member filters with the Member… constructors; combine them with All.
// The type parameter keeps the two kinds apart at compile time.
type Filter[K searchKind] struct {
	name  string
	value any
}

type searchKind interface{ organizationKind | memberKind }

type (
	organizationKind struct{}
	memberKind       struct{}
)

// OrganizationFilter is a condition of an organization search.
type OrganizationFilter = Filter[organizationKind]

// MemberFilter is a condition of a member search.
type MemberFilter = Filter[memberKind]

// Query combines filters: all of them must match (AND), or, deprecated, any may (OR).
type Query[K searchKind] struct {
	operator string
	filters  []Filter[K]
}

// OrganizationQuery is the query of an organization search.
type OrganizationQuery = Query[organizationKind]

// MemberQuery is the query of a member search.
type MemberQuery = Query[memberKind]

// All matches results that meet every filter (Stytch's AND). With no filters it matches all.
func All[K searchKind](filters ...Filter[K]) *Query[K] {
	return &Query[K]{operator: "AND", filters: filters}
}

// Any matches results that meet at least one filter (Stytch's OR operator).
//
// Deprecated: Stytch marks the OR operator deprecated: it is retained for legacy use only and
// no longer supported, and Stytch recommends breaking such a query into several searches with
// All, whose results the caller combines.
func Any[K searchKind](filters ...Filter[K]) *Query[K] {
	return &Query[K]{operator: "OR", filters: filters}
}

type wireOperand struct {
	FilterName  string `json:"filter_name"`
	FilterValue any    `json:"filter_value"`
}

type wireQuery struct {
	Operator string        `json:"operator"`
	Operands []wireOperand `json:"operands"`
}

func (q *Query[K]) wire() *wireQuery {
	if q == nil {
		return nil
	}
	w := &wireQuery{Operator: q.operator, Operands: make([]wireOperand, len(q.filters))}
	for i, f := range q.filters {
		w.Operands[i] = wireOperand{FilterName: f.name, FilterValue: f.value}
	}
	return w
}

// MarshalJSON encodes the query as Stytch takes it, for logging or custom requests.
func (q *Query[K]) MarshalJSON() ([]byte, error) { return json.Marshal(q.wire()) }

func list(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

// Organization search filters.

// OrganizationIDs matches organizations whose id is one of ids.
func OrganizationIDs(ids ...string) OrganizationFilter {
	return OrganizationFilter{"organization_ids", list(ids)}
}

// OrganizationSlugs matches organizations whose slug is one of slugs, without regard to case.
func OrganizationSlugs(slugs ...string) OrganizationFilter {
	return OrganizationFilter{"organization_slugs", list(slugs)}
}

// OrganizationSlugFuzzy matches organizations whose slug contains text (3 characters or more).
func OrganizationSlugFuzzy(text string) OrganizationFilter {
	return OrganizationFilter{"organization_slug_fuzzy", text}
}

// OrganizationNameFuzzy matches organizations whose name contains text (3 characters or more),
// without regard to case.
func OrganizationNameFuzzy(text string) OrganizationFilter {
	return OrganizationFilter{"organization_name_fuzzy", text}
}

// OrganizationMemberEmails matches organizations with a member whose email is one of emails.
func OrganizationMemberEmails(emails ...string) OrganizationFilter {
	return OrganizationFilter{"member_emails", list(emails)}
}

// OrganizationMemberEmailFuzzy matches organizations with a member whose email contains text.
func OrganizationMemberEmailFuzzy(text string) OrganizationFilter {
	return OrganizationFilter{"member_email_fuzzy", text}
}

// OrganizationAllowedDomains matches organizations whose allowed email domains include one of
// domains.
func OrganizationAllowedDomains(domains ...string) OrganizationFilter {
	return OrganizationFilter{"allowed_domains", list(domains)}
}

// OrganizationAllowedDomainFuzzy matches organizations with an allowed domain that contains text.
func OrganizationAllowedDomainFuzzy(text string) OrganizationFilter {
	return OrganizationFilter{"allowed_domain_fuzzy", text}
}

// OrganizationClaimedEmailDomains matches organizations that claimed one of domains.
func OrganizationClaimedEmailDomains(domains ...string) OrganizationFilter {
	return OrganizationFilter{"claimed_email_domains", list(domains)}
}

// OrganizationHasActiveSSOConnection matches organizations that have (true) or lack (false) an
// active SSO connection.
func OrganizationHasActiveSSOConnection(has bool) OrganizationFilter {
	return OrganizationFilter{"has_active_sso_connection", has}
}

// OrganizationSSOConnectionID matches the organization that owns an SSO connection.
func OrganizationSSOConnectionID(connectionID string) OrganizationFilter {
	return OrganizationFilter{"sso_connection_id", connectionID}
}

// Member search filters.

// MemberIDs matches members whose id is one of ids: all Stytch member ids, or all external ids.
func MemberIDs(ids ...string) MemberFilter { return MemberFilter{"member_ids", list(ids)} }

// MemberEmails matches members whose email is one of emails, without regard to case.
func MemberEmails(emails ...string) MemberFilter { return MemberFilter{"member_emails", list(emails)} }

// MemberEmailFuzzy matches members whose email contains text (3 characters or more).
func MemberEmailFuzzy(text string) MemberFilter { return MemberFilter{"member_email_fuzzy", text} }

// MemberIsBreakglass matches members whose is_breakglass equals b.
func MemberIsBreakglass(b bool) MemberFilter { return MemberFilter{"member_is_breakglass", b} }

// MemberStatuses matches members in one of statuses. Deleted members are found only by listing
// MemberDeleted here.
func MemberStatuses(statuses ...MemberStatus) MemberFilter {
	values := make([]string, len(statuses))
	for i, s := range statuses {
		values[i] = string(s)
	}
	return MemberFilter{"statuses", values}
}

// MemberMFAPhoneNumbers matches members whose MFA phone number is one of numbers (E.164).
func MemberMFAPhoneNumbers(numbers ...string) MemberFilter {
	return MemberFilter{"member_mfa_phone_numbers", list(numbers)}
}

// MemberMFAPhoneNumberFuzzy matches members whose MFA phone number contains digits.
func MemberMFAPhoneNumberFuzzy(digits string) MemberFilter {
	return MemberFilter{"member_mfa_phone_number_fuzzy", digits}
}

// MemberPasswordExists matches members that have (true) or lack (false) a password.
func MemberPasswordExists(exists bool) MemberFilter {
	return MemberFilter{"member_password_exists", exists}
}

// MemberRoles matches members holding one of roleIDs, however the role was granted.
func MemberRoles(roleIDs ...string) MemberFilter { return MemberFilter{"member_roles", list(roleIDs)} }

// searchBody is the body of both searches.
type searchBody struct {
	OrganizationIDs []string   `json:"organization_ids,omitempty"`
	Cursor          string     `json:"cursor,omitempty"`
	Limit           int        `json:"limit,omitempty"`
	Query           *wireQuery `json:"query,omitempty"`
}

type resultsMetadata struct {
	Total      int     `json:"total"`
	NextCursor *string `json:"next_cursor"`
}

func (r resultsMetadata) next() string {
	if r.NextCursor == nil {
		return ""
	}
	return *r.NextCursor
}
