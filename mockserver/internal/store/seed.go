package store

// Seeding: fixtures' atomic changes (Seed, Seeder) and the state only a fixture may set on an
// organization or a member (OrgSeed, MemberSeed).

import (
	"slices"
	"sort"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Seed applies a fixture: fn makes its changes through the Seeder, with the project's write lock
// held from the first change to the last. Readers see the project as it was before Seed or as
// fn left it, never part of the way. When fn returns an error, Seed undoes every change fn made,
// still under the lock, and returns the error: a failed fixture is never seen, even for a moment.
//
// fn runs with the lock held: it should do its slow work (decoding, schema checks) before Seed,
// and must not call the project's own methods, which would wait for the lock forever.
func (p *Project) Seed(fn func(*Seeder) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &Seeder{p: p}
	err := fn(s)
	if err != nil {
		for i := len(s.undo) - 1; i >= 0; i-- {
			s.undo[i]()
		}
	}
	return err
}

// Seeder makes a fixture's changes inside Project.Seed. Its methods are the project's writes of
// the same names, each remembered so that Seed can undo it.
type Seeder struct {
	p    *Project
	undo []func() // in the order of the changes
}

// SetPolicy replaces the project's RBAC policy, as Project.SetPolicy does.
func (s *Seeder) SetPolicy(pol api.Policy) {
	p, prev := s.p, s.p.policy
	p.setPolicy(pol)
	s.undo = append(s.undo, func() {
		p.policy = prev
		p.write()
	})
}

// AddConnectedApp registers or replaces a Connected App of the project. The mock cannot create
// Connected Apps (Stytch's dashboard does), so fixtures are their only source.
func (s *Seeder) AddConnectedApp(app ConnectedApp) error {
	p := s.p
	prev, existed := p.apps[app.ID]
	if err := p.addConnectedApp(app); err != nil {
		return err
	}
	s.undo = append(s.undo, func() {
		if !existed {
			p.removeConnectedApp(app.ID)
			return
		}
		p.apps[app.ID] = prev
		p.write()
	})
	return nil
}

// CreateOrganization creates an organization, as Project.CreateOrganization does.
func (s *Seeder) CreateOrganization(req api.OrganizationCreateRequest, seed *OrgSeed) (api.Organization, error) {
	p := s.p
	o, err := p.createOrganization(req, seed)
	if err != nil {
		return api.Organization{}, err
	}
	rec := p.orgByID[o.OrganizationID]
	s.undo = append(s.undo, func() { p.removeOrg(rec) })
	return o, nil
}

// CreateMember creates a member, as Project.CreateMember does without a member session.
func (s *Seeder) CreateMember(orgIdent string, req api.MemberCreateRequest, seed *MemberSeed) (MemberResult, error) {
	p := s.p
	r, err := p.createMember(orgIdent, req, nil, seed)
	if err != nil {
		return MemberResult{}, err
	}
	rec := p.memberByID[r.Member.MemberID]
	s.undo = append(s.undo, func() { p.forgetMember(rec) })
	return r, nil
}

// AddSession registers a member session, as Project.AddSession does.
func (s *Seeder) AddSession(sess Session) error {
	p := s.p
	if err := p.addSession(sess); err != nil {
		return err
	}
	s.undo = append(s.undo, func() {
		for _, k := range sess.keys() {
			delete(p.sessions, k)
		}
	})
	return nil
}

// OrgSeed carries what a fixture may set on an organization beyond the create request.
type OrgSeed struct {
	ID                string
	CreatedAt         time.Time
	UpdatedAt         time.Time // zero: CreatedAt
	SSOConnections    []api.SSOActiveConnection
	SCIMConnection    *api.SCIMActiveConnection
	CustomRoles       []api.PolicyRole
	DefaultConnection string
	// JITConnections are the SSO connections sso_jit_provisioning RESTRICTED lets members join
	// through, which only an update sets otherwise.
	JITConnections []string
}

// MemberSeed carries what a fixture may set on a member beyond the create request: state that
// only sign-in flows, which the mock does not have, would produce.
type MemberSeed struct {
	ID                     string
	CreatedAt              time.Time
	UpdatedAt              time.Time // zero: CreatedAt
	Status                 api.MemberStatus
	EmailAddressVerified   bool
	MFAPhoneNumberVerified bool
	MemberPasswordID       string
	TOTPRegistrationID     string
	DefaultMFAMethod       string
	IsLocked               bool
	LockCreatedAt          time.Time // zero, when IsLocked: now
	LockExpiresAt          time.Time // zero, when IsLocked: an hour after LockCreatedAt
	SSORegistrations       []api.SSORegistration
	OAuthRegistrations     []api.OAuthRegistration
	SCIMRegistration       *api.SCIMRegistration
	ExtraRoles             []api.MemberRole
	RetiredEmails          []api.RetiredEmail // an empty EmailID gets a new one
	Tokens                 ProviderTokens
	Grants                 []Grant
	PendingEmail           string // a started email update (StartEmailUpdate)
}

// applyOrgSeed sets a fixture's extra state on an organization being created.
func (p *Project) applyOrgSeed(o *api.Organization, seed *OrgSeed) *Error {
	if seed.ID != "" {
		if p.orgByID[seed.ID] != nil {
			return invalid("duplicate_organization_id", "An organization with id %s already exists.", seed.ID)
		}
		o.OrganizationID = seed.ID
	}
	o.CreatedAt, o.UpdatedAt = seededTimes(o.CreatedAt, seed.CreatedAt, seed.UpdatedAt)
	o.SSOActiveConnections = nonNil(seed.SSOConnections)
	o.SSOJITProvisioningAllowedConnections = nonNil(slices.Clone(seed.JITConnections))
	o.SCIMActiveConnection = seed.SCIMConnection
	if seed.DefaultConnection != "" {
		o.SSODefaultConnectionID = &seed.DefaultConnection
	}
	if e := p.checkCustomRoles(seed.CustomRoles); e != nil {
		return e
	}
	o.CustomRoles = nonNil(seed.CustomRoles)
	return nil
}

// applyMemberSeed sets a fixture's extra state on a member being created.
func (p *Project) applyMemberSeed(rec *memberRec, s *MemberSeed) *Error {
	m := &rec.m
	if s.ID != "" {
		if p.memberByID[s.ID] != nil {
			return invalid("duplicate_member_id", "A member with id %s already exists.", s.ID)
		}
		m.MemberID = s.ID
	}
	m.CreatedAt, m.UpdatedAt = seededTimes(m.CreatedAt, s.CreatedAt, s.UpdatedAt)
	if e := seedMemberFactors(m, s); e != nil {
		return e
	}
	if s.IsLocked {
		m.IsLocked = true
		m.LockCreatedAt, m.LockExpiresAt = p.seededLock(s)
	}
	m.SSORegistrations = nonNil(s.SSORegistrations)
	m.OauthRegistrations = nonNil(s.OAuthRegistrations)
	m.SCIMRegistration = normalizedSCIM(s.SCIMRegistration)
	if e := p.seedMemberEmails(rec, s); e != nil {
		return e
	}
	return p.seedMemberGrants(rec, s)
}

// seedMemberFactors sets a seeded member's status and what sign-in would have verified or
// registered: its email, MFA phone, password, TOTP and default MFA method.
func seedMemberFactors(m *api.Member, s *MemberSeed) *Error {
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
	return nil
}

// seededLock is when a seeded lock began and ends: the seed's times in whole seconds, or now and
// an hour from then.
func (p *Project) seededLock(s *MemberSeed) (since, until *time.Time) {
	from := p.timestamp()
	if !s.LockCreatedAt.IsZero() {
		from = s.LockCreatedAt.UTC().Truncate(time.Second)
	}
	to := from.Add(time.Hour)
	if !s.LockExpiresAt.IsZero() {
		to = s.LockExpiresAt.UTC().Truncate(time.Second)
	}
	return &from, &to
}

// seedMemberEmails sets a seeded member's retired addresses, each free in its scope, and the
// address an email update started for it.
func (p *Project) seedMemberEmails(rec *memberRec, s *MemberSeed) *Error {
	m := &rec.m
	for _, r := range s.RetiredEmails {
		email, e := normalizeEmail("retired_emails", r.EmailAddress)
		if e != nil {
			return e
		}
		if e := p.checkEmailFree(rec.org, nil, email); e != nil {
			return e
		}
		id := r.EmailID
		if id == "" {
			id = p.newID("email")
		}
		m.RetiredEmailAddresses = append(m.RetiredEmailAddresses, api.RetiredEmail{EmailID: id, EmailAddress: email})
	}
	if s.PendingEmail != "" {
		email, e := normalizeEmail("pending_email_address", s.PendingEmail)
		if e != nil {
			return e
		}
		rec.newEmail = email
	}
	return nil
}

// seedMemberGrants sets a seeded member's provisioned roles, tokens and Connected App grants,
// each role existing and each app seeded first.
func (p *Project) seedMemberGrants(rec *memberRec, s *MemberSeed) *Error {
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

// seededTimes returns the created_at and updated_at of a seeded organization or member: those
// of the seed, in whole seconds, or else now (the created value).
func seededTimes(created *time.Time, seedCreated, seedUpdated time.Time) (*time.Time, *time.Time) {
	if !seedCreated.IsZero() {
		t := seedCreated.UTC().Truncate(time.Second)
		created = &t
	}
	updated := created
	if !seedUpdated.IsZero() {
		t := seedUpdated.UTC().Truncate(time.Second)
		updated = &t
	}
	return created, updated
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

// forgetMember removes a member as if it had never been created, with its sessions. Unlike a
// delete it leaves nothing behind, which only undoing a seed may do.
func (p *Project) forgetMember(m *memberRec) {
	p.unindexMember(m)
	delete(p.memberByID, m.m.MemberID)
	org := m.org
	i := sort.Search(len(org.members), func(i int) bool { return org.members[i].seq >= m.seq })
	org.members = slices.Delete(org.members, i, i+1)
	p.dropSessions(map[string]bool{m.m.MemberID: true})
	p.write()
}
