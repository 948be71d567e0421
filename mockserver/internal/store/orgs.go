package store

// Organizations: the stored record and its indexes, and the organization operations (create,
// get, update, delete, metrics, custom roles).

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// orgRec is a stored organization with the indexes of its members.
type orgRec struct {
	seq       uint64
	org       api.Organization
	nameLower string
	slugLower string

	// emailSources are the role sources of org's email implicit role assignments, one each.
	emailSources []api.MemberRoleSource

	// The member indexes (byEmail, byExtID, retired, byPhone) are made on first use (see put):
	// many organizations never need some of them.
	members []*memberRec          // creation order, deleted members included
	byEmail map[string]*memberRec // lowercased email of members not deleted
	byExtID map[string]*memberRec // external id of members not deleted
	retired map[string]*memberRec // retired email of members not deleted
	byPhone map[string]*memberRec // MFA phone number of members not deleted
	gone    bool                  // deleted: a search that began before may still hold it
}

// resolveOrg finds an organization by id, slug or external id. The caller holds the lock.
func (p *Project) resolveOrg(ident string) (*orgRec, *Error) {
	if o := p.orgByID[ident]; o != nil {
		return o, nil
	}
	if o := p.orgBySlug[strings.ToLower(ident)]; o != nil {
		return o, nil
	}
	if o := p.orgByExtID[ident]; o != nil {
		return o, nil
	}
	return nil, notFound("organization_not_found", "Organization could not be found.")
}

// The values of the organization settings the store compares or defaults. openapi.yaml leaves
// them open strings in responses, so the generated Organization holds plain strings.
const (
	allAllowed  = "ALL_ALLOWED"
	restricted  = "RESTRICTED"
	notAllowed  = "NOT_ALLOWED"
	mfaOptional = "OPTIONAL"
)

// hasAuthSetting reports whether a create request carries any authentication setting, which
// decides the default of email_invites (the spec's "Defaults on create"). email_allowed_domains
// is not one: Stytch's example of a create with only it answers email_invites ALL_ALLOWED.
func hasAuthSetting(r *api.OrganizationCreateRequest) bool {
	return r.SSOJITProvisioning != nil || r.EmailJITProvisioning != nil ||
		r.EmailInvites != nil || r.AuthMethods != nil || r.AllowedAuthMethods != nil ||
		r.MFAPolicy != nil || r.MFAMethods != nil || r.AllowedMFAMethods != nil ||
		r.OauthTenantJITProvisioning != nil || r.AllowedOauthTenants != nil
}

// CreateOrganization creates an organization from a create request. seed may be nil.
func (p *Project) CreateOrganization(req api.OrganizationCreateRequest, seed *OrgSeed) (api.Organization, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.createOrganization(req, seed)
}

// createOrganization is CreateOrganization for a caller that holds the lock.
func (p *Project) createOrganization(req api.OrganizationCreateRequest, seed *OrgSeed) (api.Organization, error) {
	o := p.newOrganization(&req)
	if seed != nil {
		if e := p.applyOrgSeed(&o, seed); e != nil {
			return api.Organization{}, e
		}
	}
	if e := setDomains(&o, req.EmailAllowedDomains, req.ClaimedEmailDomains); e != nil {
		return api.Organization{}, e
	}
	if req.RBACEmailImplicitRoleAssignments != nil {
		var e *Error
		if o.RBACEmailImplicitRoleAssignments, e = p.implicitRoles(nil, o.CustomRoles, *req.RBACEmailImplicitRoleAssignments); e != nil {
			return api.Organization{}, e
		}
	}
	if req.OrganizationSlug != nil {
		o.OrganizationSlug = *req.OrganizationSlug
	} else {
		o.OrganizationSlug = p.freeSlug(deriveSlug(o.OrganizationName), o.OrganizationID)
	}
	if e := p.checkOrganization(nil, &o); e != nil {
		return api.Organization{}, e
	}
	rec := &orgRec{seq: p.nextSeq()}
	p.storeOrg(rec, o)
	p.orgs = append(p.orgs, rec)
	p.write()
	return o, nil
}

// newOrganization is the organization a create request makes, with a new id and Stytch's
// defaults for every setting the request leaves out. Its lists of domains and implicit roles are
// empty and its slug is unset: they need checks that may refuse the request.
func (p *Project) newOrganization(req *api.OrganizationCreateRequest) api.Organization {
	now := p.timestamp()
	o := api.Organization{
		OrganizationID:                       p.newID("organization"),
		OrganizationName:                     req.OrganizationName,
		OrganizationLogoURL:                  Deref(req.OrganizationLogoURL),
		OrganizationExternalID:               req.OrganizationExternalID,
		SSOJITProvisioning:                   orDefault(req.SSOJITProvisioning, allAllowed),
		SSOJITProvisioningAllowedConnections: []string{},
		SSOActiveConnections:                 []api.SSOActiveConnection{},
		EmailAllowedDomains:                  []string{},
		EmailJITProvisioning:                 orDefault(req.EmailJITProvisioning, notAllowed),
		EmailInvites:                         allAllowed,
		AuthMethods:                          orDefault(req.AuthMethods, allAllowed),
		AllowedAuthMethods:                   stringList(req.AllowedAuthMethods),
		MFAPolicy:                            orDefault(req.MFAPolicy, mfaOptional),
		RBACEmailImplicitRoleAssignments:     []api.EmailImplicitRoleAssignment{},
		MFAMethods:                           orDefault(req.MFAMethods, allAllowed),
		AllowedMFAMethods:                    stringList(req.AllowedMFAMethods),
		OauthTenantJITProvisioning:           orDefault(req.OauthTenantJITProvisioning, notAllowed),
		AllowedOauthTenants:                  orEmptyTenants(req.AllowedOauthTenants),
		ClaimedEmailDomains:                  []string{},
		FirstPartyConnectedAppsAllowedType:   orDefault(req.FirstPartyConnectedAppsAllowedType, allAllowed),
		AllowedFirstPartyConnectedApps:       derefSlice(req.AllowedFirstPartyConnectedApps),
		ThirdPartyConnectedAppsAllowedType:   orDefault(req.ThirdPartyConnectedAppsAllowedType, allAllowed),
		AllowedThirdPartyConnectedApps:       derefSlice(req.AllowedThirdPartyConnectedApps),
		CustomRoles:                          []api.PolicyRole{},
		TrustedMetadata:                      metadataOrEmpty((*map[string]any)(req.TrustedMetadata)),
		CreatedAt:                            &now,
		UpdatedAt:                            &now,
	}
	switch {
	case req.EmailInvites != nil:
		o.EmailInvites = string(*req.EmailInvites)
	case hasAuthSetting(req):
		o.EmailInvites = notAllowed
	}
	return o
}

// setDomains sets an organization's allowed and claimed email domains from a request's lists,
// lowercased and checked, when the request sends them.
func setDomains(o *api.Organization, allowed, claimed *[]string) *Error {
	var e *Error
	if allowed != nil {
		if o.EmailAllowedDomains, e = normalizeDomains(allowedDomains, *allowed); e != nil {
			return e
		}
	}
	if claimed != nil {
		if o.ClaimedEmailDomains, e = normalizeDomains(claimedDomains, *claimed); e != nil {
			return e
		}
	}
	return nil
}

// freeSlug returns the derived slug, or a fallback when the name gives none, with -2, -3, …
// appended until no organization uses it. Each slug remembers the suffix it got to, so the next
// organization of the same name starts there: creating n namesakes costs O(n), not O(n²).
func (p *Project) freeSlug(slug, orgID string) string {
	if checkSlug(slug) != nil {
		// The first 8 hexadecimal digits of the id's UUID: organization-test-07971b06-… → org-07971b06.
		hex := strings.ReplaceAll(strings.TrimPrefix(orgID, "organization-"+p.env+"-"), "-", "")
		slug = "org-" + hex[:min(8, len(hex))]
		if checkSlug(slug) != nil {
			slug = "org-" + strconv.FormatUint(p.seq+1, 10)
		}
	}
	key := strings.ToLower(slug)
	if p.orgBySlug[key] == nil {
		return slug
	}
	n := max(p.slugNext[key], 2)
	for ; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		candidate := strings.TrimRight(slug[:min(len(slug), 128-len(suffix))], "-") + suffix
		if p.orgBySlug[strings.ToLower(candidate)] == nil {
			p.slugNext[key] = n + 1
			return candidate
		}
	}
}

// unindexOrg removes rec from the indexes of the values it can change: slug, external id and
// claimed domains.
func (p *Project) unindexOrg(rec *orgRec) {
	delete(p.orgBySlug, rec.slugLower)
	if ext := rec.org.OrganizationExternalID; ext != nil {
		delete(p.orgByExtID, *ext)
	}
	for _, d := range rec.org.ClaimedEmailDomains {
		delete(p.claimedBy, d)
	}
}

// storeOrg saves o into rec and updates the project's indexes. The caller holds the lock and has
// checked o.
func (p *Project) storeOrg(rec *orgRec, o api.Organization) {
	if rec.org.OrganizationID != "" {
		p.unindexOrg(rec)
	}
	rec.org = o
	rec.emailSources = emailSources(o.RBACEmailImplicitRoleAssignments)
	rec.nameLower = strings.ToLower(o.OrganizationName)
	rec.slugLower = strings.ToLower(o.OrganizationSlug)
	p.orgByID[o.OrganizationID] = rec
	p.orgBySlug[rec.slugLower] = rec
	if o.OrganizationExternalID != nil {
		p.orgByExtID[*o.OrganizationExternalID] = rec
	}
	for _, d := range o.ClaimedEmailDomains {
		p.claimedBy[d] = rec
	}
}

// GetOrganization returns an organization by id, slug or external id.
func (p *Project) GetOrganization(ident string) (api.Organization, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return api.Organization{}, e
	}
	return rec.org, nil
}

// orgUpdateActions maps each field of an update to the action it needs on stytch.organization.
func orgUpdateActions(r *api.OrganizationUpdateRequest) []string {
	var actions []string
	add := func(set bool, action string) { // each action is named once below
		if set {
			actions = append(actions, action)
		}
	}
	add(r.OrganizationName != nil, "update.info.name")
	add(r.OrganizationSlug != nil, "update.info.slug")
	add(r.OrganizationLogoURL != nil, "update.info.logo-url")
	add(r.OrganizationExternalID != nil, "update.info.external-id")
	add(r.SSODefaultConnectionID != nil, "update.settings.default-sso-connection")
	add(r.SSOJITProvisioning != nil || r.SSOJITProvisioningAllowedConnections != nil, "update.settings.sso-jit-provisioning")
	add(r.EmailAllowedDomains != nil, "update.settings.allowed-domains")
	add(r.EmailJITProvisioning != nil, "update.settings.email-jit-provisioning")
	add(r.EmailInvites != nil, "update.settings.email-invites")
	add(r.AuthMethods != nil || r.AllowedAuthMethods != nil, "update.settings.allowed-auth-methods")
	add(r.MFAPolicy != nil, "update.settings.mfa-policy")
	add(r.RBACEmailImplicitRoleAssignments != nil, "update.settings.implicit-roles")
	add(r.MFAMethods != nil || r.AllowedMFAMethods != nil, "update.settings.allowed-mfa-methods")
	add(r.OauthTenantJITProvisioning != nil, "update.settings.oauth-tenant-jit-provisioning")
	add(r.AllowedOauthTenants != nil, "update.settings.allowed-oauth-tenants")
	add(r.ClaimedEmailDomains != nil, "update.settings.claimed-domains")
	add(r.FirstPartyConnectedAppsAllowedType != nil || r.AllowedFirstPartyConnectedApps != nil ||
		r.ThirdPartyConnectedAppsAllowedType != nil || r.AllowedThirdPartyConnectedApps != nil,
		"update.settings.connected-apps")
	return actions
}

// UpdateOrganization applies a partial update. Either every change is made or none.
func (p *Project) UpdateOrganization(ident string, req api.OrganizationUpdateRequest, actor *Actor) (api.Organization, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return api.Organization{}, e
	}
	if actor != nil && req.TrustedMetadata != nil {
		return api.Organization{}, cannotUpdateTrustedMetadata()
	}
	for _, action := range orgUpdateActions(&req) {
		if e := p.authorize(actor, rec, resOrganization, action, nil); e != nil {
			return api.Organization{}, e
		}
	}
	o, e := p.updatedOrganization(rec, &req)
	if e != nil {
		return api.Organization{}, e
	}
	if e := p.checkOrganization(rec, &o); e != nil {
		return api.Organization{}, e
	}
	now := p.timestamp()
	o.UpdatedAt = &now
	p.storeOrg(rec, o)
	p.write()
	return o, nil
}

// updatedOrganization returns rec's organization with an update's changes, or the first rule a
// change of a list breaks (checkOrganization checks the rest). rec is not changed.
func (p *Project) updatedOrganization(rec *orgRec, req *api.OrganizationUpdateRequest) (api.Organization, *Error) {
	o := rec.org // a copy; slices are replaced, never changed in place
	set(&o.OrganizationName, req.OrganizationName)
	set(&o.OrganizationSlug, req.OrganizationSlug)
	set(&o.OrganizationLogoURL, req.OrganizationLogoURL)
	if req.OrganizationExternalID != nil {
		o.OrganizationExternalID = req.OrganizationExternalID
	}
	if id := req.SSODefaultConnectionID; id != nil {
		o.SSODefaultConnectionID = id
		if *id == "" {
			o.SSODefaultConnectionID = nil
		}
	}
	setString(&o.SSOJITProvisioning, req.SSOJITProvisioning)
	setSlice(&o.SSOJITProvisioningAllowedConnections, req.SSOJITProvisioningAllowedConnections)
	setString(&o.EmailJITProvisioning, req.EmailJITProvisioning)
	setString(&o.EmailInvites, req.EmailInvites)
	setString(&o.AuthMethods, req.AuthMethods)
	if req.AllowedAuthMethods != nil {
		o.AllowedAuthMethods = stringList(req.AllowedAuthMethods)
	}
	setString(&o.MFAPolicy, req.MFAPolicy)
	if req.RBACEmailImplicitRoleAssignments != nil {
		var e *Error
		if o.RBACEmailImplicitRoleAssignments, e = p.implicitRoles(rec, o.CustomRoles, *req.RBACEmailImplicitRoleAssignments); e != nil {
			return o, e
		}
	}
	setString(&o.MFAMethods, req.MFAMethods)
	if req.AllowedMFAMethods != nil {
		o.AllowedMFAMethods = stringList(req.AllowedMFAMethods)
	}
	setString(&o.OauthTenantJITProvisioning, req.OauthTenantJITProvisioning)
	if req.AllowedOauthTenants != nil {
		o.AllowedOauthTenants = orEmptyTenants(req.AllowedOauthTenants)
	}
	setString(&o.FirstPartyConnectedAppsAllowedType, req.FirstPartyConnectedAppsAllowedType)
	setSlice(&o.AllowedFirstPartyConnectedApps, req.AllowedFirstPartyConnectedApps)
	setString(&o.ThirdPartyConnectedAppsAllowedType, req.ThirdPartyConnectedAppsAllowedType)
	setSlice(&o.AllowedThirdPartyConnectedApps, req.AllowedThirdPartyConnectedApps)
	if e := setDomains(&o, req.EmailAllowedDomains, req.ClaimedEmailDomains); e != nil {
		return o, e
	}
	if req.TrustedMetadata != nil {
		o.TrustedMetadata = mergeMetadata(rec.org.TrustedMetadata, *req.TrustedMetadata)
	}
	return o, nil
}

// DeleteOrganization deletes an organization and all its members, and returns its id.
func (p *Project) DeleteOrganization(ident string, actor *Actor) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return "", e
	}
	if e := p.authorize(actor, rec, resOrganization, "delete", nil); e != nil {
		return "", e
	}
	p.removeOrg(rec)
	return rec.org.OrganizationID, nil
}

// removeOrg deletes an organization and all its members. The caller holds the lock.
func (p *Project) removeOrg(rec *orgRec) {
	gone := make(map[string]bool, len(rec.members))
	for _, m := range rec.members {
		p.unindexMember(m)
		delete(p.memberByID, m.m.MemberID)
		gone[m.m.MemberID] = true
	}
	p.dropSessions(gone)
	rec.gone = true
	delete(p.orgByID, rec.org.OrganizationID)
	p.unindexOrg(rec)
	i := sort.Search(len(p.orgs), func(i int) bool { return p.orgs[i].seq >= rec.seq })
	p.orgs = slices.Delete(p.orgs, i, i+1)
	p.write()
}

// DeleteOrganizationExternalID removes an organization's external id; without one it changes
// nothing.
func (p *Project) DeleteOrganizationExternalID(ident string, actor *Actor) (api.Organization, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return api.Organization{}, e
	}
	if e := p.authorize(actor, rec, resOrganization, "update.info.external-id", nil); e != nil {
		return api.Organization{}, e
	}
	if rec.org.OrganizationExternalID == nil {
		return rec.org, nil
	}
	o := rec.org
	o.OrganizationExternalID = nil
	now := p.timestamp()
	o.UpdatedAt = &now
	p.storeOrg(rec, o)
	p.write()
	return o, nil
}

// MemberCount returns the number of an organization's members that are not deleted.
func (p *Project) MemberCount(ident string) (int, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return 0, e
	}
	return len(rec.byEmail), nil
}

// OrganizationPolicy returns an organization's custom roles.
func (p *Project) OrganizationPolicy(ident string) ([]api.PolicyRole, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return nil, e
	}
	return rec.org.CustomRoles, nil
}

// SetOrganizationPolicy replaces an organization's custom roles.
func (p *Project) SetOrganizationPolicy(ident string, roles []api.PolicyRole) ([]api.PolicyRole, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, e := p.resolveOrg(ident)
	if e != nil {
		return nil, e
	}
	if e := p.checkCustomRoles(roles); e != nil {
		return nil, e
	}
	o := rec.org
	o.CustomRoles = nonNil(slices.Clone(roles))
	now := p.timestamp()
	o.UpdatedAt = &now
	p.storeOrg(rec, o)
	p.write()
	return o.CustomRoles, nil
}
