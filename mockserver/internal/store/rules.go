package store

// Stytch's rules on values, apart from RBAC: the shapes of emails, domains, slugs, external ids,
// phone numbers and names, the checks every organization must pass, the checks of a member's
// email, external id, phone number and roles against its organization, and metadata's limits.

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// domainShape is a well-formed domain name: labels of letters, digits and inner hyphens, and a
// top-level domain of letters or an internationalized one in punycode (xn--p1ai). It is no
// pattern of openapi.yaml, because Stytch's document states none; Stytch refuses what is not
// a domain with the error types the store uses.
const domainShape = `(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])?)`

// Shapes the spec also states as patterns (slug, external id, phone), and the shapes of email
// addresses and domains, which the spec leaves to the store. The mock checks them here because
// the store is used without the HTTP layer too (fixtures).
var (
	emailPattern  = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_` + "`" + `{|}~-]{1,64}@` + domainShape + `$`)
	domainPattern = regexp.MustCompile(`^` + domainShape + `$`)
	slugPattern   = regexp.MustCompile(`^[A-Za-z0-9._~-]*[A-Za-z0-9][A-Za-z0-9._~-]*$`)
	extIDPattern  = regexp.MustCompile(`^[A-Za-z0-9._|-]{1,128}$`)
	phonePattern  = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	// numberPattern is a JSON number, which encoding/json checks a json.Number against.
	numberPattern = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)
)

// commonEmailProviders are the public email providers Stytch refuses as an organization's
// domain, by the name left of the public suffix (gmail in gmail.com or gmail.co.uk).
var commonEmailProviders = map[string]bool{
	"gmail": true, "aol": true, "yahoo": true, "icloud": true, "hotmail": true, "msn": true,
	"comcast": true, "live": true, "outlook": true, "att": true, "earthlink": true, "me": true,
	"mac": true, "sbcglobal": true, "verizon": true, "ig": true, "mail": true, "hey": true,
	"laposte": true, "wanadoo": true, "googlemail": true, "orange": true, "rediffmail": true,
	"uol": true, "bol": true, "free": true, "gmx": true, "yandex": true, "ymail": true,
	"libero": true,
}

// disposableDomains are throwaway-mail domains, refused like common ones.
var disposableDomains = map[string]bool{
	"mailinator.com": true, "guerrillamail.com": true, "10minutemail.com": true,
	"temp-mail.org": true, "yopmail.com": true, "trashmail.com": true, "sharklasers.com": true,
	"getnada.com": true, "dispostable.com": true, "maildrop.cc": true,
}

// isCommonDomain reports whether domain is a public email provider: a known provider name
// followed by a top-level domain (gmail.com, gmx.de) or a country's second-level domain
// (yahoo.co.uk, uol.com.br), and nothing else (so mail.acme.com and me.ibm.com are not).
func isCommonDomain(domain string) bool {
	provider, rest, ok := strings.Cut(domain, ".")
	if !ok || !commonEmailProviders[provider] {
		return false
	}
	second, tld, ok := strings.Cut(rest, ".")
	if !ok {
		return true // gmail.com
	}
	return secondLevelDomains[second] && len(tld) == 2 && !strings.Contains(tld, ".") // yahoo.co.uk
}

// secondLevelDomains are the labels countries put under their top-level domain for public
// registrations (co.uk, com.br, ne.jp).
var secondLevelDomains = map[string]bool{"co": true, "com": true, "net": true, "org": true, "ne": true, "or": true}

// domainKind names the three lists of domains an organization holds; each has its own error
// types.
type domainKind struct {
	field, invalid, tooCommon, disposable, duplicate string
}

var (
	allowedDomains = domainKind{
		field:      "email_allowed_domains",
		invalid:    "organization_settings_invalid_domain",
		tooCommon:  "organization_settings_domain_too_common",
		disposable: "organization_settings_disposable_domain",
		duplicate:  "organization_settings_duplicate_domain",
	}
	claimedDomains = domainKind{
		field:      "claimed_email_domains",
		invalid:    "organization_settings_invalid_claimed_domain",
		tooCommon:  "organization_settings_claimed_domain_too_common",
		disposable: "organization_settings_claimed_domain_too_common",
		duplicate:  "organization_settings_duplicate_claimed_domain",
	}
)

// normalizeDomains lowercases a list of domains and checks each against Stytch's rules.
func normalizeDomains(kind domainKind, domains []string) ([]string, *Error) {
	out := make([]string, 0, len(domains))
	seen := make(map[string]bool, len(domains))
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case !domainPattern.MatchString(d):
			return nil, invalid(kind.invalid, "%s: %q is not a valid domain.", kind.field, d)
		case isCommonDomain(d):
			return nil, invalid(kind.tooCommon, "%s: %s is a common email domain and can't be used as an organization's domain.", kind.field, d)
		case disposableDomains[d]:
			return nil, invalid(kind.disposable, "%s: %s is a disposable email domain and can't be used as an organization's domain.", kind.field, d)
		case seen[d]:
			return nil, invalid(kind.duplicate, "%s: %s is listed more than once.", kind.field, d)
		}
		seen[d] = true
		out = append(out, d)
	}
	return out, nil
}

// lowerEmail is an email address as the indexes hold it: trimmed and lowercased.
func lowerEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// normalizeEmail lowercases an email address and checks its shape.
func normalizeEmail(field, email string) (string, *Error) {
	email = lowerEmail(email)
	if !emailPattern.MatchString(email) {
		return "", invalid("invalid_email", "%s: %q is not a valid email address.", field, email)
	}
	return email, nil
}

func emailDomain(email string) string {
	return email[strings.LastIndexByte(email, '@')+1:]
}

func checkSlug(slug string) *Error {
	if len(slug) < 2 || len(slug) > 128 || !slugPattern.MatchString(slug) {
		return invalid("invalid_organization_slug", "The organization_slug must be at least 2 characters long and may only contain alphanumerics and the reserved characters '-', '.', '_', or '~'. At least one character must be alphanumeric.")
	}
	return nil
}

// blank reports whether a name shows nothing: it holds only white space, control characters
// (such as NUL) and invisible formatting characters (such as a zero-width space).
func blank(name string) bool {
	for _, r := range name {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

func checkPhone(phone string) *Error {
	if !phonePattern.MatchString(phone) {
		return invalid("invalid_phone_number", "mfa_phone_number: %q is not a phone number in E.164 format, such as +12025550123.", phone)
	}
	return nil
}

// deriveSlug turns an organization name into a slug as the spec says: lowercased, every run of
// characters a slug cannot hold replaced by one '-', trimmed of '-', cut to 128 characters.
func deriveSlug(name string) string {
	var b strings.Builder
	inRun := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' || r == '~' || r == '-' {
			b.WriteRune(r)
			inRun = false
			continue
		}
		if !inRun {
			b.WriteByte('-')
			inRun = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

// checkEmailFree checks that email may become m's address in org (m is nil for a new member).
func (p *Project) checkEmailFree(org *orgRec, m *memberRec, email string) *Error {
	if other := org.byEmail[email]; other != nil && other != m {
		return invalid("duplicate_member_email", "A member with the email address %s already exists in the organization.", email)
	}
	if other := org.retired[email]; other != nil && other != m {
		return invalid("retired_member_email", "%s is a retired email address of another member of the organization; unlink it first.", email)
	}
	if owner := p.claimedBy[emailDomain(email)]; owner != nil && owner != org {
		return invalid("action_not_allowed_email_domain_is_claimed", "%s is in a domain claimed by another organization.", email)
	}
	return nil
}

// checkExtIDFree checks that ext is a well-formed external id that may become m's in org (m is
// nil for a new member).
func checkExtIDFree(org *orgRec, m *memberRec, ext string) *Error {
	if !extIDPattern.MatchString(ext) {
		return invalid("invalid_external_id", "external_id may only contain alphanumerics and the characters '.', '_', '-' and '|', and be at most 128 characters long.")
	}
	if other := org.byExtID[ext]; other != nil && other != m {
		return invalid("duplicate_member_external_id", "A member with the external_id %s already exists in the organization.", ext)
	}
	return nil
}

// checkPhoneFree checks that no member of org uses phone as its MFA phone number. Only a member
// without one may take one, so the member itself never holds it.
func checkPhoneFree(org *orgRec, phone string) *Error {
	if org.byPhone[phone] != nil {
		return invalid("duplicate_member_phone_number", "Another member of the organization uses the MFA phone number %s.", phone)
	}
	return nil
}

// checkRoles validates explicitly assigned role ids and returns them without duplicates.
func (p *Project) checkRoles(org *orgRec, roles []string) ([]string, *Error) {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		switch {
		case r == RoleMember:
			return nil, invalid("cannot_assign_default_rbac_role_id", "stytch_member is assigned to every member implicitly and can't be assigned.")
		case !p.roleExists(org, r):
			return nil, invalid("invalid_role", "The role %s does not exist in the project or the organization's policy.", r)
		case !slices.Contains(out, r):
			out = append(out, r)
		}
	}
	return out, nil
}

// checkMetadata checks a metadata object (nil: none) against Stytch's limits.
func checkMetadata(field string, m *map[string]any) *Error {
	if m == nil || metadataFits(*m) {
		return nil
	}
	if err := metadata.Check(field, *m); err != nil {
		return metadataError(err)
	}
	return nil
}

// metadataFits reports whether m is surely within Stytch's limits without encoding it: it has at
// most MaxKeys keys, and its JSON would be within MaxBytes even if every byte of every string took
// the longest escape. False means "not sure": metadata.Check then decides, exactly, by encoding m,
// which costs allocations that the usual small object need not pay on every create and update.
func metadataFits(m map[string]any) bool {
	return len(m) <= metadata.MaxKeys && jsonBound(m, metadata.MaxBytes) <= metadata.MaxBytes
}

// jsonBound returns at least the length of v's compact JSON, or more than limit once the bound
// passes it or v holds what it cannot bound: a type JSON decoding does not make, a float JSON
// cannot hold, a json.Number that is no number.
func jsonBound(v any, limit int) int {
	const escaped = 6 // the longest escape of one byte, \u00XX (\ufffd for a byte of bad UTF-8)
	switch v := v.(type) {
	case nil:
		return len("null")
	case bool:
		return len("false")
	case string:
		return escaped*len(v) + 2
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return limit + 1
		}
		return 32 // encoding/json writes at most 25 characters
	case json.Number:
		if v != "" && !numberPattern.MatchString(string(v)) {
			return limit + 1
		}
		return max(len(v), 1) // "" is written as 0
	case []any:
		n := 2 + len(v) // brackets and commas
		for _, x := range v {
			if n > limit {
				break
			}
			n += jsonBound(x, limit-n)
		}
		return n
	case map[string]any:
		n := 2 + len(v) // braces and commas
		for k, x := range v {
			if n += escaped*len(k) + 3; n > limit { // the key, its quotes and a colon
				break
			}
			n += jsonBound(x, limit-n)
		}
		return n
	}
	return limit + 1
}

// checkName checks a member's name; "" is no name.
func checkName(name string) *Error {
	if name != "" && blank(name) {
		return invalid("invalid_name", "name must hold a visible character, not only spaces or control characters; send \"\" for no name.")
	}
	return nil
}

func cannotUpdateTrustedMetadata() *Error {
	return &Error{Kind: Unauthorized, Type: "cannot_update_trusted_metadata",
		Message: "trusted_metadata can't be updated when authorizing with a member session; update it with the project secret alone."}
}

// checkOrganization applies the rules every organization must satisfy, to o as it would be
// after a create (old == nil) or an update of old. The caller holds the lock.
func (p *Project) checkOrganization(old *orgRec, o *api.Organization) *Error {
	if e := checkOrgName(o.OrganizationName); e != nil {
		return e
	}
	if e := p.checkOrgIdentifiers(old, o); e != nil {
		return e
	}
	if e := checkOrgSettings(o); e != nil {
		return e
	}
	// Metadata an update leaves alone was checked when it was stored.
	if old == nil || o.TrustedMetadata != old.org.TrustedMetadata {
		return checkMetadata("trusted_metadata", o.TrustedMetadata)
	}
	return nil
}

func checkOrgName(name string) *Error {
	switch {
	case name == "" || utf8.RuneCountInString(name) > 128:
		return invalid("invalid_organization_name", "organization_name must be 1 to 128 characters long.")
	case blank(name):
		return invalid("invalid_organization_name", "organization_name must hold a visible character, not only spaces or control characters.")
	}
	return nil
}

// checkOrgIdentifiers checks what must be unique to o (or old, the same organization) in the
// project: its slug, its external id and its claimed domains.
func (p *Project) checkOrgIdentifiers(old *orgRec, o *api.Organization) *Error {
	if e := checkSlug(o.OrganizationSlug); e != nil {
		return e
	}
	if other := p.orgBySlug[strings.ToLower(o.OrganizationSlug)]; other != nil && other != old {
		return invalid("organization_slug_already_used", "The provided organization_slug is already used in another organization.")
	}
	if ext := o.OrganizationExternalID; ext != nil {
		switch other := p.orgByExtID[*ext]; {
		case !extIDPattern.MatchString(*ext):
			return invalid("invalid_organization_external_id", "organization_external_id may only contain alphanumerics and the characters '.', '_', '-' and '|', and be at most 128 characters long.")
		case *ext == o.OrganizationID:
			return invalid("external_organization_id_same_as_organization_id", "organization_external_id can't be the organization's own id.")
		case other != nil && other != old:
			return invalid("organization_external_id_already_used", "The provided organization_external_id is already used by another organization.")
		}
	}
	for _, d := range o.ClaimedEmailDomains {
		if other := p.claimedBy[d]; other != nil && other != old {
			return invalid("organization_settings_claimed_domain_already_claimed", "claimed_email_domains: %s is already claimed by another organization.", d)
		}
	}
	return nil
}

// checkOrgSettings checks that o's settings agree with each other.
func checkOrgSettings(o *api.Organization) *Error {
	switch {
	case o.AuthMethods == restricted && len(o.AllowedAuthMethods) == 0:
		return invalid("allowed_auth_methods_required_for_restricted", "Allowed auth methods must be set for 'RESTRICTED' auth methods.")
	case o.MFAMethods == restricted && len(o.AllowedMFAMethods) == 0:
		return invalid("allowed_mfa_methods_required_for_restricted", "Allowed MFA methods must be set for 'RESTRICTED' MFA methods.")
	case (o.EmailInvites == restricted || o.EmailJITProvisioning == restricted) && len(o.EmailAllowedDomains) == 0:
		return invalid("invalid_restricted_email_setting", "email_invites and email_jit_provisioning can only be 'RESTRICTED' when email_allowed_domains is not empty.")
	case o.SSOJITProvisioning == notAllowed && o.EmailJITProvisioning == notAllowed && o.EmailInvites == notAllowed:
		return invalid("invalid_organization_auth_factor_setting", "sso_jit_provisioning, email_jit_provisioning and email_invites can't all be 'NOT_ALLOWED'.")
	}
	return nil
}

// implicitRoles checks the email implicit role assignments a request sends and returns them with
// their domains lowercased, in a new slice. org is nil on create; customRoles are those the
// organization will have. Only assignments a request sends are checked, so that removing a
// custom role later does not block every other update of the organization.
func (p *Project) implicitRoles(org *orgRec, customRoles []api.PolicyRole, in []api.EmailImplicitRoleAssignment) ([]api.EmailImplicitRoleAssignment, *Error) {
	out := make([]api.EmailImplicitRoleAssignment, len(in))
	for i, a := range in {
		d := strings.ToLower(a.Domain)
		switch {
		case !domainPattern.MatchString(d):
			return nil, invalid("rbac_invalid_domain", "rbac_email_implicit_role_assignments: %q is not a valid domain.", a.Domain)
		case isCommonDomain(d):
			return nil, invalid("rbac_domain_too_common", "rbac_email_implicit_role_assignments: %s is a common email domain.", d)
		case !p.roleExists(org, a.RoleID) && !slices.ContainsFunc(customRoles, func(r api.PolicyRole) bool { return r.RoleID == a.RoleID }):
			return nil, invalid("invalid_rbac_role_assignment", "rbac_email_implicit_role_assignments: role %s does not exist.", a.RoleID)
		}
		out[i] = api.EmailImplicitRoleAssignment{Domain: d, RoleID: a.RoleID}
	}
	return out, nil
}
