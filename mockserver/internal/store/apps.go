package store

// Connected Apps: the apps a project knows and members' grants of them.

import (
	"slices"
	"sort"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// ConnectedApp is a Connected App of the project. The mock cannot create them (Stytch's
// dashboard does); fixtures and the admin API seed them.
type ConnectedApp struct {
	ID, Name, Description, LogoURL string
	ClientType                     api.ConnectedAppClientType
}

// Grant is a member's authorization of a Connected App.
type Grant struct {
	ConnectedAppID string   `json:"connected_app_id"`
	Scopes         []string `json:"scopes"`
}

// addConnectedApp registers (or replaces) a Connected App of the project. The caller holds the
// lock.
func (p *Project) addConnectedApp(app ConnectedApp) error {
	if app.ID == "" || app.Name == "" {
		return invalid("invalid_connected_app", "A connected app needs an id and a name.")
	}
	if app.ClientType == "" {
		app.ClientType = "third_party"
	}
	if !slices.Contains([]string{"first_party", "first_party_public", "third_party", "third_party_public"}, app.ClientType) {
		return invalid("invalid_connected_app", "client_type %q is not one of first_party, first_party_public, third_party, third_party_public.", app.ClientType)
	}
	p.apps[app.ID] = app
	p.write()
	return nil
}

// GrantConnectedApp records that a member authorized a Connected App with some scopes.
func (p *Project) GrantConnectedApp(memberID string, g Grant) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.memberByID[memberID]
	if m == nil || m.deleted() {
		return notFound("member_not_found", "Member could not be found.")
	}
	if _, ok := p.apps[g.ConnectedAppID]; !ok {
		return notFound("connected_app_not_found", "Connected App could not be found.")
	}
	grants := slices.DeleteFunc(slices.Clone(m.grants), func(x Grant) bool { return x.ConnectedAppID == g.ConnectedAppID })
	m.grants = append(grants, Grant{ConnectedAppID: g.ConnectedAppID, Scopes: nonNil(slices.Clone(g.Scopes))})
	p.write()
	return nil
}

func logoURL(app ConnectedApp) *string {
	if app.LogoURL == "" {
		return nil
	}
	return &app.LogoURL
}

// OrganizationConnectedApps lists the Connected Apps that members of an organization, not
// deleted, have authorized, by app id.
func (p *Project) OrganizationConnectedApps(orgIdent string, actor *Actor) ([]api.OrganizationConnectedApp, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return nil, e
	}
	if e := p.authorize(actor, org, resOrganization, "get", nil); e != nil {
		return nil, e
	}
	ids := map[string]bool{}
	for _, m := range org.members {
		if !m.deleted() {
			for _, g := range m.grants {
				ids[g.ConnectedAppID] = true
			}
		}
	}
	out := make([]api.OrganizationConnectedApp, 0, len(ids))
	for id := range ids {
		app := p.apps[id]
		out = append(out, api.OrganizationConnectedApp{ConnectedAppID: app.ID, Name: app.Name,
			Description: app.Description, ClientType: app.ClientType, LogoURL: logoURL(app)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ConnectedAppID < out[j].ConnectedAppID })
	return out, nil
}

// OrganizationConnectedApp returns a Connected App authorized in an organization with the
// members who hold an authorization. An app no member holds is not found.
func (p *Project) OrganizationConnectedApp(orgIdent, appID string, actor *Actor) (api.OrganizationConnectedAppResponse, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	org, e := p.resolveOrg(orgIdent)
	if e != nil {
		return api.OrganizationConnectedAppResponse{}, e
	}
	if e := p.authorize(actor, org, resOrganization, "get", nil); e != nil {
		return api.OrganizationConnectedAppResponse{}, e
	}
	app, ok := p.apps[appID]
	var active []api.ConnectedAppActiveMember
	for _, m := range org.members {
		if m.deleted() {
			continue
		}
		for _, g := range m.grants {
			if g.ConnectedAppID == appID {
				active = append(active, api.ConnectedAppActiveMember{MemberID: m.m.MemberID, GrantedScopes: g.Scopes})
			}
		}
	}
	if !ok || len(active) == 0 {
		return api.OrganizationConnectedAppResponse{}, notFound("connected_app_not_found", "Connected App could not be found.")
	}
	return api.OrganizationConnectedAppResponse{ConnectedAppID: app.ID, Name: app.Name, Description: app.Description,
		ClientType: app.ClientType, LogoURL: logoURL(app), ActiveMembers: active}, nil
}

// MemberConnectedApps lists the Connected Apps a member has authorized.
func (p *Project) MemberConnectedApps(orgIdent, memberIdent string, actor *Actor) ([]api.MemberConnectedApp, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return nil, e
	}
	if e := p.authorizeMember(actor, org, "get", rec); e != nil {
		return nil, e
	}
	out := make([]api.MemberConnectedApp, 0, len(rec.grants))
	for _, g := range rec.grants {
		app := p.apps[g.ConnectedAppID]
		out = append(out, api.MemberConnectedApp{ConnectedAppID: app.ID, Name: app.Name, Description: app.Description,
			ClientType: app.ClientType, LogoURL: logoURL(app), ScopesGranted: strings.Join(g.Scopes, " ")})
	}
	return out, nil
}

// RevokeMemberConnectedApp removes a member's authorization of a Connected App.
func (p *Project) RevokeMemberConnectedApp(orgIdent, memberIdent, appID string, actor *Actor) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	org, rec, e := p.resolveMember(orgIdent, memberIdent)
	if e != nil {
		return e
	}
	if e := p.authorizeMember(actor, org, "revoke", rec); e != nil {
		return e
	}
	i := slices.IndexFunc(rec.grants, func(g Grant) bool { return g.ConnectedAppID == appID })
	if i < 0 {
		return notFound("connected_app_not_found", "The member has not authorized this Connected App.")
	}
	rec.grants = slices.Delete(slices.Clone(rec.grants), i, i+1)
	p.write()
	return nil
}

// removeConnectedApp forgets a Connected App and every grant of it. The caller holds the lock.
func (p *Project) removeConnectedApp(id string) {
	if _, ok := p.apps[id]; !ok {
		return
	}
	delete(p.apps, id)
	for _, m := range p.memberByID {
		m.grants = slices.DeleteFunc(slices.Clone(m.grants), func(g Grant) bool { return g.ConnectedAppID == id })
	}
	p.write()
}
