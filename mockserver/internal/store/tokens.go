package store

// Provider tokens: the OAuth and OIDC tokens Stytch keeps for a member, which only fixtures set.

import (
	"slices"

	"github.com/b2bkit/stytchorgs/internal/api"
)

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
