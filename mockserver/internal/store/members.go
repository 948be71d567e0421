package store

// Members: the stored record, its indexes and its view, and the member operations (create, get,
// update, delete, reactivate). Removing factors and starting an email change are in factors.go.

import (
	"slices"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// memberRec is a stored member. Its roles and is_admin are derived when it is read, because
// they depend on the organization's implicit role assignments too.
type memberRec struct {
	seq         uint64
	m           api.Member // Roles and IsAdmin are filled in by view
	org         *orgRec
	directRoles []string         // explicitly assigned role ids, stytch_member not among them
	extraRoles  []api.MemberRole // roles granted by SSO or SCIM (fixtures only)
	tokens      ProviderTokens
	grants      []Grant
	newEmail    string // an email update started and not yet completed
}

// Member statuses, MFA methods and role sources as the store writes them. openapi.yaml leaves
// them open strings in responses (Stytch may add values), so the generated Member holds plain
// strings.
const (
	statusPending = "pending"
	statusActive  = "active"
	statusDeleted = "deleted"

	mfaSMSOTP = "sms_otp"
	mfaTOTP   = "totp"

	sourceDirect = "direct_assignment"
	sourceEmail  = "email_assignment"
)

func (m *memberRec) deleted() bool { return m.m.Status == statusDeleted }

// MemberResult is a member together with its organization, the shape most member operations
// answer with.
type MemberResult struct {
	Member       api.Member
	Organization api.Organization
}

// view returns the member as the API shows it.
func (p *Project) view(m *memberRec) api.Member {
	v := m.m
	v.Roles = m.roles()
	v.IsAdmin = slices.ContainsFunc(v.Roles, func(r api.MemberRole) bool { return r.RoleID == RoleAdmin })
	return v
}

func (p *Project) result(m *memberRec) MemberResult {
	return MemberResult{Member: p.view(m), Organization: m.org.org}
}

// findMember resolves a member of org by Stytch id or external id; deleted members are not
// found. The caller holds the lock.
func (p *Project) findMember(org *orgRec, ident string) (*memberRec, *Error) {
	if m := p.memberByID[ident]; m != nil && m.org == org && !m.deleted() {
		return m, nil
	}
	if m := org.byExtID[ident]; m != nil {
		return m, nil
	}
	return nil, notFound("member_not_found", "Member could not be found.")
}

// resolveMember resolves an organization and one of its members.
func (p *Project) resolveMember(orgIdent, memberIdent string) (*orgRec, *memberRec, *Error) {
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return nil, nil, e
	}
	m, e := p.findMember(org, memberIdent)
	return org, m, e
}

// indexMember adds a member that is not deleted to the lookup indexes.
func (p *Project) indexMember(m *memberRec) {
	if m.deleted() {
		return
	}
	org, email := m.org, m.m.EmailAddress
	put(&org.byEmail, email, m)
	if m.m.ExternalID != nil {
		put(&org.byExtID, *m.m.ExternalID, m)
	}
	for _, r := range m.m.RetiredEmailAddresses {
		put(&org.retired, r.EmailAddress, m)
	}
	if m.m.MFAPhoneNumber != "" {
		put(&org.byPhone, m.m.MFAPhoneNumber, m)
	}
	p.membersByMail[email] = append(p.membersByMail[email], m)
}

// put adds a member to an index of its organization, making the index on first use.
func put(index *map[string]*memberRec, key string, m *memberRec) {
	if *index == nil {
		*index = map[string]*memberRec{}
	}
	(*index)[key] = m
}

// unindexMember removes a member from the lookup indexes.
func (p *Project) unindexMember(m *memberRec) {
	org, email := m.org, m.m.EmailAddress
	if org.byEmail[email] == m {
		delete(org.byEmail, email)
	}
	if m.m.ExternalID != nil && org.byExtID[*m.m.ExternalID] == m {
		delete(org.byExtID, *m.m.ExternalID)
	}
	for _, r := range m.m.RetiredEmailAddresses {
		if org.retired[r.EmailAddress] == m {
			delete(org.retired, r.EmailAddress)
		}
	}
	if org.byPhone[m.m.MFAPhoneNumber] == m {
		delete(org.byPhone, m.m.MFAPhoneNumber)
	}
	list := slices.DeleteFunc(p.membersByMail[email], func(x *memberRec) bool { return x == m })
	if len(list) == 0 {
		delete(p.membersByMail, email)
	} else {
		p.membersByMail[email] = list
	}
}

// replaceMember stores next in place of m's current state, keeping the indexes right.
func (p *Project) replaceMember(m *memberRec, next api.Member) {
	p.unindexMember(m)
	now := p.timestamp()
	next.UpdatedAt = &now
	next.Roles, next.IsAdmin = nil, false
	m.m = next
	p.indexMember(m)
	p.write()
}

// CreateMember creates a member of an organization. seed may be nil.
func (p *Project) CreateMember(orgIdent string, req api.MemberCreateRequest, actor *Actor, seed *MemberSeed) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.createMember(orgIdent, req, actor, seed)
}

// createMember is CreateMember for a caller that holds the lock.
func (p *Project) createMember(orgIdent string, req api.MemberCreateRequest, actor *Actor, seed *MemberSeed) (MemberResult, error) {
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return MemberResult{}, e
	}
	if actor != nil && req.TrustedMetadata != nil {
		return MemberResult{}, cannotUpdateTrustedMetadata()
	}
	if e := p.authorize(actor, org, resMember, "create", nil); e != nil {
		return MemberResult{}, e
	}
	email, roles, e := p.checkNewMember(org, &req)
	if e != nil {
		return MemberResult{}, e
	}
	rec := &memberRec{org: org, directRoles: roles, m: p.newMember(org, email, &req)}
	if seed != nil {
		if e := p.applyMemberSeed(rec, seed); e != nil {
			return MemberResult{}, e
		}
	}
	rec.seq = p.nextSeq()
	org.members = append(org.members, rec)
	p.memberByID[rec.m.MemberID] = rec
	p.indexMember(rec)
	p.write()
	return p.result(rec), nil
}

// checkNewMember applies the rules a create request must pass in org, and returns the member's
// email address, normalized, and its direct roles without repeats.
func (p *Project) checkNewMember(org *orgRec, req *api.MemberCreateRequest) (email string, roles []string, e *Error) {
	if email, e = normalizeEmail("email_address", req.EmailAddress); e != nil {
		return "", nil, e
	}
	if e := p.checkEmailFree(org, nil, email); e != nil {
		return "", nil, e
	}
	if ext := req.ExternalID; ext != nil {
		if e := checkExtIDFree(org, nil, *ext); e != nil {
			return "", nil, e
		}
	}
	if e := checkName(Deref(req.Name)); e != nil {
		return "", nil, e
	}
	if phone := Deref(req.MFAPhoneNumber); phone != "" {
		if e := checkPhone(phone); e != nil {
			return "", nil, e
		}
		if e := checkPhoneFree(org, phone); e != nil {
			return "", nil, e
		}
	}
	if roles, e = p.checkRoles(org, Deref(req.Roles)); e != nil {
		return "", nil, e
	}
	if e := checkMetadata("trusted_metadata", (*map[string]any)(req.TrustedMetadata)); e != nil {
		return "", nil, e
	}
	if e := checkMetadata("untrusted_metadata", (*map[string]any)(req.UntrustedMetadata)); e != nil {
		return "", nil, e
	}
	return email, roles, nil
}

// newMember is the member a checked create request makes, with a new id.
func (p *Project) newMember(org *orgRec, email string, req *api.MemberCreateRequest) api.Member {
	now := p.timestamp()
	m := api.Member{
		OrganizationID:        org.org.OrganizationID,
		MemberID:              p.newID("member"),
		EmailAddress:          email,
		Status:                statusActive,
		Name:                  Deref(req.Name),
		SSORegistrations:      []api.SSORegistration{},
		IsBreakglass:          Deref(req.IsBreakglass),
		OauthRegistrations:    []api.OAuthRegistration{},
		TOTPRegistrationID:    "",
		RetiredEmailAddresses: []api.RetiredEmail{},
		MFAEnrolled:           Deref(req.MFAEnrolled),
		MFAPhoneNumber:        Deref(req.MFAPhoneNumber),
		DefaultMFAMethod:      "",
		ExternalID:            req.ExternalID,
		TrustedMetadata:       metadataOrEmpty((*map[string]any)(req.TrustedMetadata)),
		UntrustedMetadata:     metadataOrEmpty((*map[string]any)(req.UntrustedMetadata)),
		CreatedAt:             &now,
		UpdatedAt:             &now,
	}
	if Deref(req.CreateMemberAsPending) {
		m.Status = statusPending
	}
	return m
}

// GetMember returns a member of an organization by id or external id, or by email address;
// exactly one of the two must be given.
func (p *Project) GetMember(orgIdent, memberIdent, email string) (MemberResult, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if (memberIdent == "") == (email == "") {
		return MemberResult{}, invalid("invalid_member_get_fields", "Exactly one of member_id and email_address must be provided.")
	}
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return MemberResult{}, e
	}
	var m *memberRec
	if memberIdent != "" {
		if m, e = p.findMember(org, memberIdent); e != nil {
			return MemberResult{}, e
		}
	} else if m = org.byEmail[lowerEmail(email)]; m == nil {
		return MemberResult{}, notFound("member_not_found", "Member could not be found.")
	}
	return p.result(m), nil
}

// memberUpdateActions lists the action each field of a member update needs.
func memberUpdateActions(r *api.MemberUpdateRequest) []string {
	var actions []string
	add := func(set bool, action string) {
		if set {
			actions = append(actions, action)
		}
	}
	add(r.Name != nil, "update.info.name")
	add(r.UntrustedMetadata != nil, "update.info.untrusted-metadata")
	add(r.MFAPhoneNumber != nil, "update.info.mfa-phone")
	add(r.EmailAddress != nil, "update.info.email")
	add(r.ExternalID != nil, "update.info.external-id")
	add(r.IsBreakglass != nil, "update.settings.is-breakglass")
	add(r.MFAEnrolled != nil, "update.settings.mfa-enrolled")
	add(r.Roles != nil, "update.settings.roles")
	add(r.DefaultMFAMethod != nil, "update.settings.default-mfa-method")
	return actions
}

// UpdateMember applies a partial update to a member. Either every change is made or none.
func (p *Project) UpdateMember(orgIdent, memberIdent string, req api.MemberUpdateRequest, actor *Actor) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return MemberResult{}, e
	}
	if e := p.authorizeMemberUpdate(actor, org, rec, &req); e != nil {
		return MemberResult{}, e
	}
	m, roles, e := p.updatedMember(org, rec, &req)
	if e != nil {
		return MemberResult{}, e
	}
	if m.EmailAddress != rec.m.EmailAddress {
		rec.newEmail = "" // a started email update ends when the address changes
	}
	rec.directRoles = roles
	p.replaceMember(rec, m)
	return p.result(rec), nil
}

// authorizeMemberUpdate checks that actor may make every change of a member update.
func (p *Project) authorizeMemberUpdate(actor *Actor, org *orgRec, rec *memberRec, req *api.MemberUpdateRequest) *Error {
	if actor != nil && req.TrustedMetadata != nil {
		return cannotUpdateTrustedMetadata()
	}
	for _, action := range memberUpdateActions(req) {
		if e := p.authorizeMember(actor, org, action, rec); e != nil {
			return e
		}
	}
	if actor.isMember(rec) && req.EmailAddress != nil {
		return invalid("member_cannot_update_their_email_address", "Members can't change their own email address.")
	}
	return nil
}

// updatedMember returns rec's member with an update's changes, and its direct roles after the
// update, or the first rule a change breaks. rec is not changed.
func (p *Project) updatedMember(org *orgRec, rec *memberRec, req *api.MemberUpdateRequest) (api.Member, []string, *Error) {
	m := rec.m // a copy; slices are replaced, never changed in place
	if req.Name != nil {
		if e := checkName(*req.Name); e != nil {
			return m, nil, e
		}
	}
	set(&m.Name, req.Name)
	set(&m.IsBreakglass, req.IsBreakglass)
	set(&m.MFAEnrolled, req.MFAEnrolled)
	if ext := req.ExternalID; ext != nil {
		if e := checkExtIDFree(org, rec, *ext); e != nil {
			return m, nil, e
		}
		m.ExternalID = ext
	}
	if e := setMFAPhone(org, &m, req.MFAPhoneNumber); e != nil {
		return m, nil, e
	}
	if e := setDefaultMFAMethod(&m, req.DefaultMFAMethod); e != nil {
		return m, nil, e
	}
	roles := rec.directRoles
	if req.Roles != nil {
		var e *Error
		if roles, e = p.checkRoles(org, *req.Roles); e != nil {
			return m, nil, e
		}
	}
	if e := mergeMemberMetadata(&m, req); e != nil {
		return m, nil, e
	}
	if req.EmailAddress != nil {
		if e := p.changeEmail(org, rec, &m, *req.EmailAddress, Deref(req.UnlinkEmail)); e != nil {
			return m, nil, e
		}
	}
	return m, roles, nil
}

// setMFAPhone gives m an MFA phone number, unverified. A member may take one only when it has
// none, and only one no other member of org uses.
func setMFAPhone(org *orgRec, m *api.Member, phone *string) *Error {
	if phone == nil || *phone == m.MFAPhoneNumber {
		return nil
	}
	if e := checkPhone(*phone); e != nil {
		return e
	}
	if m.MFAPhoneNumber != "" {
		return invalid("duplicate_member_phone_number_for_member", "The member already has an MFA phone number; delete it before setting another.")
	}
	if e := checkPhoneFree(org, *phone); e != nil {
		return e
	}
	m.MFAPhoneNumber, m.MFAPhoneNumberVerified = *phone, false
	return nil
}

// setDefaultMFAMethod makes one of m's MFA factors its default; m must have that factor.
func setDefaultMFAMethod(m *api.Member, method *api.MFAMethodPreference) *Error {
	if method == nil {
		return nil
	}
	mm := string(*method)
	if (mm == mfaSMSOTP && m.MFAPhoneNumber == "") || (mm == mfaTOTP && m.TOTPRegistrationID == "") {
		return invalid("default_mfa_member_missing_factor", "The member has no %s factor to make its default.", mm)
	}
	m.DefaultMFAMethod = mm
	return nil
}

// mergeMemberMetadata applies an update's metadata patches to m and checks what they make.
func mergeMemberMetadata(m *api.Member, req *api.MemberUpdateRequest) *Error {
	if req.TrustedMetadata != nil {
		m.TrustedMetadata = mergeMetadata(m.TrustedMetadata, *req.TrustedMetadata)
		if e := checkMetadata("trusted_metadata", m.TrustedMetadata); e != nil {
			return e
		}
	}
	if req.UntrustedMetadata != nil {
		m.UntrustedMetadata = mergeMetadata(m.UntrustedMetadata, *req.UntrustedMetadata)
		if e := checkMetadata("untrusted_metadata", m.UntrustedMetadata); e != nil {
			return e
		}
	}
	return nil
}

// changeEmail gives m, the next state of rec, a new email address, unverified and without a
// password. The old address is retired unless unlink says to forget it; the new one stops being
// one of m's retired addresses.
func (p *Project) changeEmail(org *orgRec, rec *memberRec, m *api.Member, address string, unlink bool) *Error {
	email, e := normalizeEmail("email_address", address)
	if e != nil || email == m.EmailAddress {
		return e
	}
	if e := p.checkEmailFree(org, rec, email); e != nil {
		return e
	}
	retired := slices.DeleteFunc(slices.Clone(m.RetiredEmailAddresses), func(r api.RetiredEmail) bool { return r.EmailAddress == email })
	if !unlink {
		retired = append(retired, api.RetiredEmail{EmailID: p.newID("email"), EmailAddress: m.EmailAddress})
	}
	m.RetiredEmailAddresses = retired
	m.EmailAddress, m.EmailAddressVerified, m.MemberPasswordID = email, false, ""
	return nil
}

// DeleteMember marks a member deleted and returns its id.
func (p *Project) DeleteMember(orgIdent, memberIdent string, actor *Actor) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return "", e
	}
	if e := p.authorizeMember(actor, org, "delete", rec); e != nil {
		return "", e
	}
	m := rec.m
	m.Status = statusDeleted
	p.replaceMember(rec, m)
	p.dropSessions(map[string]bool{m.MemberID: true})
	rec.newEmail, rec.grants = "", nil // a deleted member's email change and app authorizations end
	return m.MemberID, nil
}

// ReactivateMember brings a deleted member back. Only the Stytch member id is accepted.
func (p *Project) ReactivateMember(orgIdent, memberID string, actor *Actor) (MemberResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return MemberResult{}, e
	}
	rec := p.memberByID[memberID]
	if rec == nil || rec.org != org {
		return MemberResult{}, notFound("member_not_found", "Member could not be found.")
	}
	if e := p.authorize(actor, org, resMember, "create", nil); e != nil {
		return MemberResult{}, e
	}
	m := rec.m
	switch {
	case !rec.deleted():
		return MemberResult{}, invalid("no_deleted_member_found_for_reactivation", "The member is not deleted, so it can't be reactivated.")
	case !m.EmailAddressVerified:
		return MemberResult{}, invalid("email_unverified_for_reactivation", "The member's email address was never verified, so it can't be reactivated.")
	case org.byEmail[m.EmailAddress] != nil || org.retired[m.EmailAddress] != nil:
		return MemberResult{}, invalid("reactivation_email_belongs_to_another_member", "Another member of the organization now uses this member's email address.")
	case m.ExternalID != nil && org.byExtID[*m.ExternalID] != nil:
		return MemberResult{}, invalid("duplicate_member_external_id", "Another member of the organization now uses this member's external_id.")
	case m.MFAPhoneNumber != "" && org.byPhone[m.MFAPhoneNumber] != nil:
		return MemberResult{}, invalid("duplicate_member_phone_number", "Another member of the organization now uses this member's MFA phone number.")
	}
	// Its retired addresses stopped counting as used when it was deleted; those another member
	// has taken since are the other member's now.
	m.RetiredEmailAddresses = slices.DeleteFunc(slices.Clone(m.RetiredEmailAddresses), func(r api.RetiredEmail) bool {
		return org.byEmail[r.EmailAddress] != nil || org.retired[r.EmailAddress] != nil
	})
	m.Status = statusActive
	p.replaceMember(rec, m)
	return p.result(rec), nil
}

// DangerouslyGetMember returns a member of any organization by its Stytch id.
func (p *Project) DangerouslyGetMember(memberID string, includeDeleted bool) (MemberResult, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	rec := p.memberByID[memberID]
	if rec == nil || (rec.deleted() && !includeDeleted) {
		return MemberResult{}, notFound("member_not_found", "Member could not be found.")
	}
	return p.result(rec), nil
}
