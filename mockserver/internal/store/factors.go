package store

// Member factors: removing a member's password, MFA phone number, TOTP registration, external id
// or retired email address, and starting a change of its email address.

import (
	"slices"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// DeleteMemberPassword deletes a password of a member of the organization.
func (p *Project) DeleteMemberPassword(orgIdent, passwordID string, actor *Actor) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return MemberResult{}, e
	}
	var rec *memberRec
	for _, m := range org.members {
		if !m.deleted() && m.m.MemberPasswordID == passwordID {
			rec = m
			break
		}
	}
	if rec == nil {
		return MemberResult{}, notFound("member_password_not_found", "Member password could not be found.")
	}
	if e := p.authorizeMember(actor, org, "update.info.delete.password", rec); e != nil {
		return MemberResult{}, e
	}
	m := rec.m
	m.MemberPasswordID = ""
	p.replaceMember(rec, m)
	return p.result(rec), nil
}

// DeleteMemberMFAPhoneNumber removes a member's MFA phone number.
func (p *Project) DeleteMemberMFAPhoneNumber(orgIdent, memberIdent string, actor *Actor) (MemberResult, error) {
	return p.removeFactor(orgIdent, memberIdent, actor, "update.info.delete.mfa-phone", func(m *api.Member) *Error {
		if m.MFAPhoneNumber == "" {
			return notFound("member_phone_number_not_found", "The member has no MFA phone number.")
		}
		m.MFAPhoneNumber, m.MFAPhoneNumberVerified = "", false
		if m.DefaultMFAMethod == mfaSMSOTP {
			m.DefaultMFAMethod = ""
		}
		return nil
	})
}

// DeleteMemberTOTP removes a member's TOTP registration.
func (p *Project) DeleteMemberTOTP(orgIdent, memberIdent string, actor *Actor) (MemberResult, error) {
	return p.removeFactor(orgIdent, memberIdent, actor, "update.info.delete.mfa-totp", func(m *api.Member) *Error {
		if m.TOTPRegistrationID == "" {
			return notFound("totp_not_found", "The member has no TOTP registration.")
		}
		m.TOTPRegistrationID = ""
		if m.DefaultMFAMethod == mfaTOTP {
			m.DefaultMFAMethod = ""
		}
		return nil
	})
}

// DeleteMemberExternalID removes a member's external id; without one it changes nothing.
func (p *Project) DeleteMemberExternalID(orgIdent, memberIdent string, actor *Actor) (MemberResult, error) {
	return p.removeFactor(orgIdent, memberIdent, actor, "update.info.external-id", func(m *api.Member) *Error {
		if m.ExternalID == nil {
			return errUnchanged
		}
		m.ExternalID = nil
		return nil
	})
}

// UnlinkRetiredEmail removes one of a member's retired email addresses, named by id, address or
// both.
func (p *Project) UnlinkRetiredEmail(orgIdent, memberIdent, emailID, email string, actor *Actor) (MemberResult, error) {
	if emailID == "" && email == "" {
		return MemberResult{}, invalid("retired_email_missing_email_identifiers", "One of email_id and email_address must be provided.")
	}
	email = lowerEmail(email)
	return p.removeFactor(orgIdent, memberIdent, actor, "update.info.email", func(m *api.Member) *Error {
		i := slices.IndexFunc(m.RetiredEmailAddresses, func(r api.RetiredEmail) bool {
			return (emailID == "" || r.EmailID == emailID) && (email == "" || r.EmailAddress == email)
		})
		if i < 0 {
			return notFound("retired_email_not_found", "The member has no retired email address matching the request.")
		}
		m.RetiredEmailAddresses = slices.Delete(slices.Clone(m.RetiredEmailAddresses), i, i+1)
		return nil
	})
}

// removeFactor resolves a member, checks the action, applies change to a copy and stores it.
func (p *Project) removeFactor(orgIdent, memberIdent string, actor *Actor, action string, change func(*api.Member) *Error) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return MemberResult{}, e
	}
	if e := p.authorizeMember(actor, org, action, rec); e != nil {
		return MemberResult{}, e
	}
	m := rec.m
	switch e := change(&m); e {
	case nil:
		p.replaceMember(rec, m)
	case errUnchanged:
	default:
		return MemberResult{}, e
	}
	return p.result(rec), nil
}

// errUnchanged tells removeFactor that the change found nothing to do: success, no write.
var errUnchanged = &Error{Type: "unchanged"}

// StartEmailUpdate records a pending change of a member's email address. The member itself is
// unchanged until the new address is verified, which the mock cannot do.
func (p *Project) StartEmailUpdate(orgIdent, memberIdent, newEmail string, actor *Actor) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return MemberResult{}, e
	}
	if e := p.authorizeMember(actor, org, "update.info.email", rec); e != nil {
		return MemberResult{}, e
	}
	email, e := normalizeEmail("email_address", newEmail)
	if e != nil {
		return MemberResult{}, e
	}
	switch {
	case rec.m.Status != statusActive:
		return MemberResult{}, invalid("email_updates_available_only_for_active_members", "Only active members can update their email address.")
	case !rec.m.EmailAddressVerified:
		return MemberResult{}, invalid("member_has_no_active_verified_email", "The member must have a verified email address to update it.")
	case org.byEmail[email] != nil && org.byEmail[email] != rec:
		return MemberResult{}, invalid("duplicate_member_email", "A member with the email address %s already exists in the organization.", email)
	case org.retired[email] != nil && org.retired[email] != rec:
		return MemberResult{}, invalid("desired_email_deactivated_by_different_member", "%s is a retired email address of another member of the organization.", email)
	}
	for _, other := range org.members {
		if other != rec && !other.deleted() && other.newEmail == email {
			return MemberResult{}, invalid("desired_email_updating_for_different_member", "Another member of the organization is already changing its email address to %s.", email)
		}
	}
	rec.newEmail = email
	p.write()
	return p.result(rec), nil
}

// PendingEmail returns the address a member's started email update would change it to, for tests
// to check that StartEmailUpdate took effect.
func (p *Project) PendingEmail(memberID string) string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if m := p.memberByID[memberID]; m != nil {
		return m.newEmail
	}
	return ""
}
