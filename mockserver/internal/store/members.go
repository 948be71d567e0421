package store

import (
	"slices"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/internal/metadata"
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

// ProviderTokens are the OAuth and OIDC tokens Stytch stored for a member. The mock cannot
// obtain any (there is no sign-in); fixtures and the admin API seed them.
type ProviderTokens struct {
	Google    *api.GoogleOAuthTokensResponse    `json:"google,omitempty"`
	Microsoft *api.MicrosoftOAuthTokensResponse `json:"microsoft,omitempty"`
	Slack     []api.SlackProviderInfo           `json:"slack,omitempty"`
	Hubspot   []api.HubspotProviderInfo         `json:"hubspot,omitempty"`
	Github    []api.GithubProviderInfo          `json:"github,omitempty"`
	OIDC      []api.OIDCProviderInfo            `json:"oidc,omitempty"`
}

// normalized returns a copy of t that shares nothing with it and holds [] for every absent list,
// as the responses must.
func (t ProviderTokens) normalized() ProviderTokens {
	out := ProviderTokens{
		Slack:   slices.Clone(t.Slack),
		Hubspot: slices.Clone(t.Hubspot),
		Github:  slices.Clone(t.Github),
		OIDC:    slices.Clone(t.OIDC),
	}
	if t.Google != nil {
		g := *t.Google
		g.Scopes = nonNil(slices.Clone(g.Scopes))
		out.Google = &g
	}
	if t.Microsoft != nil {
		m := *t.Microsoft
		m.Scopes = nonNil(slices.Clone(m.Scopes))
		out.Microsoft = &m
	}
	for i := range out.Slack {
		out.Slack[i].Scopes = nonNil(slices.Clone(out.Slack[i].Scopes))
		out.Slack[i].BotScopes = nonNil(slices.Clone(out.Slack[i].BotScopes))
	}
	for i := range out.Hubspot {
		out.Hubspot[i].Scopes = nonNil(slices.Clone(out.Hubspot[i].Scopes))
	}
	for i := range out.Github {
		out.Github[i].Scopes = nonNil(slices.Clone(out.Github[i].Scopes))
		out.Github[i].ProviderTenantIds = nonNil(slices.Clone(out.Github[i].ProviderTenantIds))
	}
	for i := range out.OIDC {
		out.OIDC[i].Scopes = nonNil(slices.Clone(out.OIDC[i].Scopes))
	}
	return out
}

// normalizedSCIM returns a copy of a SCIM registration with [] for every absent list of its
// attributes, as the responses must hold.
func normalizedSCIM(r *api.SCIMRegistration) *api.SCIMRegistration {
	if r == nil || r.SCIMAttributes == nil {
		return r
	}
	out, a := *r, *r.SCIMAttributes
	a.Groups = nonNil(slices.Clone(a.Groups))
	a.Emails = nonNil(slices.Clone(a.Emails))
	a.PhoneNumbers = nonNil(slices.Clone(a.PhoneNumbers))
	a.Addresses = nonNil(slices.Clone(a.Addresses))
	a.Ims = nonNil(slices.Clone(a.Ims))
	a.Photos = nonNil(slices.Clone(a.Photos))
	a.Entitlements = nonNil(slices.Clone(a.Entitlements))
	a.Roles = nonNil(slices.Clone(a.Roles))
	a.X509Certificates = nonNil(slices.Clone(a.X509Certificates))
	out.SCIMAttributes = &a
	return &out
}

// Grant is a member's authorization of a Connected App.
type Grant struct {
	ConnectedAppID string   `json:"connected_app_id"`
	Scopes         []string `json:"scopes"`
}

// MemberSeed carries what a fixture may set on a member beyond the create request: state that
// only sign-in flows, which the mock does not have, would produce.
type MemberSeed struct {
	ID                     string
	CreatedAt              time.Time
	Status                 api.MemberStatus
	EmailAddressVerified   bool
	MFAPhoneNumberVerified bool
	MemberPasswordID       string
	TOTPRegistrationID     string
	DefaultMFAMethod       string
	IsLocked               bool
	SSORegistrations       []api.SSORegistration
	OAuthRegistrations     []api.OAuthRegistration
	SCIMRegistration       *api.SCIMRegistration
	ExtraRoles             []api.MemberRole
	RetiredEmails          []string
	Tokens                 ProviderTokens
	Grants                 []Grant
}

// MemberResult is a member together with its organization, the shape most member operations
// answer with.
type MemberResult struct {
	Member       api.Member
	Organization api.Organization
}

// actions a member may take on itself through the stytch.self resource.
var selfActions = map[string]bool{}

func init() {
	for _, r := range defaultPolicy().resources {
		if r.ResourceID == resSelf {
			for _, a := range r.Actions {
				selfActions[a] = true
			}
		}
	}
}

// authorizeMember checks an action on stytch.member, letting members act on themselves through
// stytch.self where Stytch allows it.
func (p *Project) authorizeMember(actor *Actor, org *orgRec, action string, target *memberRec) *Error {
	if !selfActions[action] {
		target = nil
	}
	return p.authorize(actor, org, resMember, action, target)
}

// view returns the member as the API shows it.
func (p *Project) view(m *memberRec) api.Member {
	v := m.m
	v.Roles = p.memberRoles(m)
	v.IsAdmin = slices.ContainsFunc(v.Roles, func(r api.MemberRole) bool { return r.RoleID == RoleAdmin })
	return v
}

func (p *Project) result(m *memberRec) MemberResult {
	return MemberResult{Member: p.view(m), Organization: m.org.org}
}

// memberRoles lists every role a member holds with its sources: stytch_member and the direct
// assignments, the organization's implicit roles for the member's email domain, and
// roles from SSO or SCIM.
func (p *Project) memberRoles(m *memberRec) []api.MemberRole {
	direct := func() []api.MemberRoleSource {
		return []api.MemberRoleSource{{Type: sourceDirect, Details: &map[string]any{}}}
	}
	roles := []api.MemberRole{{RoleID: RoleMember, Sources: direct()}}
	add := func(roleID string, src api.MemberRoleSource) {
		for i := range roles {
			if roles[i].RoleID == roleID {
				roles[i].Sources = append(roles[i].Sources, src)
				return
			}
		}
		roles = append(roles, api.MemberRole{RoleID: roleID, Sources: []api.MemberRoleSource{src}})
	}
	for _, r := range m.directRoles {
		add(r, direct()[0])
	}
	for _, roleID := range m.emailRoles() {
		add(roleID, api.MemberRoleSource{Type: sourceEmail, Details: &map[string]any{"email_domain": emailDomain(m.m.EmailAddress)}})
	}
	for _, r := range m.extraRoles {
		for _, src := range r.Sources {
			add(r.RoleID, src)
		}
	}
	return roles
}

// emailRoles lists the roles the organization grants implicitly to the member's email domain.
// Stytch grants them to every member whose address has the domain, "regardless of their login
// method": verification is not a condition.
func (m *memberRec) emailRoles() []string {
	domain := emailDomain(m.m.EmailAddress)
	var ids []string
	for _, a := range m.org.org.RBACEmailImplicitRoleAssignments {
		if a.Domain == domain {
			ids = append(ids, a.RoleID)
		}
	}
	return ids
}

// roleIDs lists the ids of every role a member holds.
func (m *memberRec) roleIDs() []string {
	ids := append([]string{RoleMember}, m.directRoles...)
	ids = append(ids, m.emailRoles()...)
	for _, r := range m.extraRoles {
		ids = append(ids, r.RoleID)
	}
	return ids
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
	org.byEmail[email] = m
	if m.m.ExternalID != nil {
		org.byExtID[*m.m.ExternalID] = m
	}
	for _, r := range m.m.RetiredEmailAddresses {
		org.retired[r.EmailAddress] = m
	}
	if m.m.MFAPhoneNumber != "" {
		org.byPhone[m.m.MFAPhoneNumber] = m
	}
	p.membersByMail[email] = append(p.membersByMail[email], m)
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

// dropSessions forgets every session of the members whose ids are in gone, in one pass.
func (p *Project) dropSessions(gone map[string]bool) {
	for k, s := range p.sessions {
		if gone[s.MemberID] {
			delete(p.sessions, k)
		}
	}
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
	if m == nil {
		return nil
	}
	if err := metadata.Check(field, *m); err != nil {
		return metadataError(err)
	}
	return nil
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
	email, e := normalizeEmail("email_address", req.EmailAddress)
	if e != nil {
		return MemberResult{}, e
	}
	if e := p.checkEmailFree(org, nil, email); e != nil {
		return MemberResult{}, e
	}
	if ext := req.ExternalID; ext != nil {
		if e := checkExtIDFree(org, nil, *ext); e != nil {
			return MemberResult{}, e
		}
	}
	if e := checkName(deref(req.Name)); e != nil {
		return MemberResult{}, e
	}
	phone := deref(req.MFAPhoneNumber)
	if phone != "" {
		if e := checkPhone(phone); e != nil {
			return MemberResult{}, e
		}
		if e := checkPhoneFree(org, phone); e != nil {
			return MemberResult{}, e
		}
	}
	roles, e := p.checkRoles(org, deref(req.Roles))
	if e != nil {
		return MemberResult{}, e
	}
	if e := checkMetadata("trusted_metadata", (*map[string]any)(req.TrustedMetadata)); e != nil {
		return MemberResult{}, e
	}
	if e := checkMetadata("untrusted_metadata", (*map[string]any)(req.UntrustedMetadata)); e != nil {
		return MemberResult{}, e
	}

	now := p.timestamp()
	m := api.Member{
		OrganizationID:        org.org.OrganizationID,
		MemberID:              p.newID("member"),
		EmailAddress:          email,
		Status:                statusActive,
		Name:                  deref(req.Name),
		SSORegistrations:      []api.SSORegistration{},
		IsBreakglass:          deref(req.IsBreakglass),
		OauthRegistrations:    []api.OAuthRegistration{},
		TOTPRegistrationID:    "",
		RetiredEmailAddresses: []api.RetiredEmail{},
		MFAEnrolled:           deref(req.MFAEnrolled),
		MFAPhoneNumber:        phone,
		DefaultMFAMethod:      "",
		ExternalID:            req.ExternalID,
		TrustedMetadata:       metadataOrEmpty((*map[string]any)(req.TrustedMetadata)),
		UntrustedMetadata:     metadataOrEmpty((*map[string]any)(req.UntrustedMetadata)),
		CreatedAt:             &now,
		UpdatedAt:             &now,
	}
	if deref(req.CreateMemberAsPending) {
		m.Status = statusPending
	}
	rec := &memberRec{org: org, directRoles: roles}
	if seed != nil {
		if e := p.applyMemberSeed(rec, &m, seed); e != nil {
			return MemberResult{}, e
		}
	}
	rec.seq = p.nextSeq()
	rec.m = m
	org.members = append(org.members, rec)
	p.memberByID[m.MemberID] = rec
	p.indexMember(rec)
	p.write()
	return p.result(rec), nil
}

// applyMemberSeed sets a fixture's extra state on a member being created.
func (p *Project) applyMemberSeed(rec *memberRec, m *api.Member, s *MemberSeed) *Error {
	if s.ID != "" {
		if p.memberByID[s.ID] != nil {
			return invalid("duplicate_member_id", "A member with id %s already exists.", s.ID)
		}
		m.MemberID = s.ID
	}
	if !s.CreatedAt.IsZero() {
		t := s.CreatedAt.UTC().Truncate(time.Second)
		m.CreatedAt, m.UpdatedAt = &t, &t
	}
	if s.Status != "" {
		if !slices.Contains([]string{statusPending, "invited", statusActive, statusDeleted}, s.Status) {
			return invalid("invalid_member_status", "status %q is not one of pending, invited, active, deleted.", s.Status)
		}
		m.Status = s.Status
	}
	if !slices.Contains([]string{"", mfaSMSOTP, mfaTOTP}, s.DefaultMFAMethod) {
		return invalid("invalid_mfa_default_method", "default_mfa_method %q is not one of sms_otp, totp.", s.DefaultMFAMethod)
	}
	m.EmailAddressVerified = s.EmailAddressVerified
	m.MFAPhoneNumberVerified = s.MFAPhoneNumberVerified && m.MFAPhoneNumber != ""
	m.MemberPasswordID = s.MemberPasswordID
	m.TOTPRegistrationID = s.TOTPRegistrationID
	if s.DefaultMFAMethod != "" {
		m.DefaultMFAMethod = s.DefaultMFAMethod
	}
	if s.IsLocked {
		now := p.timestamp()
		later := now.Add(time.Hour)
		m.IsLocked, m.LockCreatedAt, m.LockExpiresAt = true, &now, &later
	}
	m.SSORegistrations = nonNil(s.SSORegistrations)
	m.OauthRegistrations = nonNil(s.OAuthRegistrations)
	m.SCIMRegistration = normalizedSCIM(s.SCIMRegistration)
	for _, r := range s.RetiredEmails {
		email, e := normalizeEmail("retired_emails", r)
		if e != nil {
			return e
		}
		if e := p.checkEmailFree(rec.org, nil, email); e != nil {
			return e
		}
		m.RetiredEmailAddresses = append(m.RetiredEmailAddresses, api.RetiredEmail{EmailID: p.newID("email"), EmailAddress: email})
	}
	for _, r := range s.ExtraRoles {
		if !p.roleExists(rec.org, r.RoleID) {
			return invalid("invalid_role", "The role %s does not exist in the project or the organization's policy.", r.RoleID)
		}
		if len(r.Sources) == 0 {
			return invalid("invalid_role", "provisioned role %s needs at least one source.", r.RoleID)
		}
	}
	rec.extraRoles = slices.Clone(s.ExtraRoles)
	rec.tokens = s.Tokens.normalized()
	rec.grants = nil
	for _, g := range s.Grants {
		if _, ok := p.apps[g.ConnectedAppID]; !ok {
			return notFound("connected_app_not_found", "Connected App %s could not be found; seed it first.", g.ConnectedAppID)
		}
		rec.grants = append(rec.grants, Grant{ConnectedAppID: g.ConnectedAppID, Scopes: nonNil(slices.Clone(g.Scopes))})
	}
	return nil
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
	if actor != nil && req.TrustedMetadata != nil {
		return MemberResult{}, cannotUpdateTrustedMetadata()
	}
	for _, action := range memberUpdateActions(&req) {
		if e := p.authorizeMember(actor, org, action, rec); e != nil {
			return MemberResult{}, e
		}
	}
	if actor.isMember(rec) && req.EmailAddress != nil {
		return MemberResult{}, invalid("member_cannot_update_their_email_address", "Members can't change their own email address.")
	}

	if req.Name != nil {
		if e := checkName(*req.Name); e != nil {
			return MemberResult{}, e
		}
	}
	m := rec.m
	set(&m.Name, req.Name)
	set(&m.IsBreakglass, req.IsBreakglass)
	set(&m.MFAEnrolled, req.MFAEnrolled)
	if ext := req.ExternalID; ext != nil {
		if e := checkExtIDFree(org, rec, *ext); e != nil {
			return MemberResult{}, e
		}
		m.ExternalID = ext
	}
	if phone := req.MFAPhoneNumber; phone != nil && *phone != m.MFAPhoneNumber {
		if e := checkPhone(*phone); e != nil {
			return MemberResult{}, e
		}
		if m.MFAPhoneNumber != "" {
			return MemberResult{}, invalid("duplicate_member_phone_number_for_member", "The member already has an MFA phone number; delete it before setting another.")
		}
		if e := checkPhoneFree(org, *phone); e != nil {
			return MemberResult{}, e
		}
		m.MFAPhoneNumber, m.MFAPhoneNumberVerified = *phone, false
	}
	if req.DefaultMFAMethod != nil {
		method := string(*req.DefaultMFAMethod)
		if (method == mfaSMSOTP && m.MFAPhoneNumber == "") || (method == mfaTOTP && m.TOTPRegistrationID == "") {
			return MemberResult{}, invalid("default_mfa_member_missing_factor", "The member has no %s factor to make its default.", method)
		}
		m.DefaultMFAMethod = method
	}
	directRoles := rec.directRoles
	if req.Roles != nil {
		if directRoles, e = p.checkRoles(org, *req.Roles); e != nil {
			return MemberResult{}, e
		}
	}
	if req.TrustedMetadata != nil {
		m.TrustedMetadata = mergeMetadata(m.TrustedMetadata, *req.TrustedMetadata)
		if e := checkMetadata("trusted_metadata", m.TrustedMetadata); e != nil {
			return MemberResult{}, e
		}
	}
	if req.UntrustedMetadata != nil {
		m.UntrustedMetadata = mergeMetadata(m.UntrustedMetadata, *req.UntrustedMetadata)
		if e := checkMetadata("untrusted_metadata", m.UntrustedMetadata); e != nil {
			return MemberResult{}, e
		}
	}
	if req.EmailAddress != nil {
		email, e := normalizeEmail("email_address", *req.EmailAddress)
		if e != nil {
			return MemberResult{}, e
		}
		if email != m.EmailAddress {
			if e := p.checkEmailFree(org, rec, email); e != nil {
				return MemberResult{}, e
			}
			retired := slices.DeleteFunc(slices.Clone(m.RetiredEmailAddresses), func(r api.RetiredEmail) bool { return r.EmailAddress == email })
			if !deref(req.UnlinkEmail) {
				retired = append(retired, api.RetiredEmail{EmailID: p.newID("email"), EmailAddress: m.EmailAddress})
			}
			m.RetiredEmailAddresses = retired
			m.EmailAddress, m.EmailAddressVerified, m.MemberPasswordID = email, false, ""
			rec.newEmail = ""
		}
	}
	rec.directRoles = directRoles
	p.replaceMember(rec, m)
	return p.result(rec), nil
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

// Tokens returns the provider tokens stored for a member.
func (p *Project) Tokens(orgIdent, memberIdent string) (ProviderTokens, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return ProviderTokens{}, e
	}
	return rec.tokens, nil
}
