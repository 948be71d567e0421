package store

import (
	"regexp"
	"strings"
	"unicode"
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
	labels := strings.Split(domain, ".")
	if !commonEmailProviders[labels[0]] {
		return false
	}
	switch len(labels) {
	case 2:
		return true
	case 3:
		return secondLevelDomains[labels[1]] && len(labels[2]) == 2
	}
	return false
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
