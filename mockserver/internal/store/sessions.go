package store

// Member sessions and authorization: the sessions a project accepts, the Actor a request acts as,
// and whether the actor's roles allow an action.

import (
	"slices"
	"sync"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Session is a member session the mock accepts in the X-Stytch-Member-Session and
// X-Stytch-Member-SessionJWT headers. The mock issues none itself; fixtures and the admin API
// create them.
type Session struct {
	Token, JWT string
	MemberID   string
}

// AddSession registers a session of an existing, not deleted member.
func (p *Project) AddSession(s Session) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addSession(s)
}

// addSession is AddSession for a caller that holds the lock.
func (p *Project) addSession(s Session) error {
	m := p.memberByID[s.MemberID]
	if m == nil || m.deleted() {
		return notFound("member_not_found", "Member could not be found.")
	}
	if s.Token == "" && s.JWT == "" {
		return invalid("invalid_session", "A session needs a session token, a session JWT, or both.")
	}
	keys := s.keys()
	for _, k := range keys {
		if other := p.sessions[k]; other != nil {
			return invalid("duplicate_session", "That session token or JWT already belongs to a session of member %s.", other.MemberID)
		}
	}
	ss := s
	for _, k := range keys {
		p.sessions[k] = &ss
	}
	return nil
}

// keys returns the keys a session is kept under: only those it has.
func (s Session) keys() []string {
	var keys []string
	if s.Token != "" {
		keys = append(keys, tokenKey(s.Token))
	}
	if s.JWT != "" {
		keys = append(keys, jwtKey(s.JWT))
	}
	return keys
}

// Sessions are kept by header: a session token is not accepted as a JWT, nor the reverse.
func tokenKey(token string) string { return "token:" + token }
func jwtKey(jwt string) string     { return "jwt:" + jwt }

// Actor is the member a request acts as when it carries a member session. A nil *Actor is the
// project itself, authorized by its secret alone.
type Actor struct {
	session *Session
}

// Authenticate resolves the member-session headers of a request. Neither header gives a nil
// Actor; both is an error, as is a session the project does not know.
func (p *Project) Authenticate(token, jwt string) (*Actor, error) {
	if token == "" && jwt == "" {
		return nil, nil
	}
	if token != "" && jwt != "" {
		return nil, invalid("too_many_session_arguments", "Send one of X-Stytch-Member-Session and X-Stytch-Member-SessionJWT, not both.")
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	s := p.sessions[tokenKey(token)]
	if jwt != "" {
		s = p.sessions[jwtKey(jwt)]
	}
	if s == nil {
		return nil, notFound("session_not_found", "Session could not be found.")
	}
	return &Actor{session: s}, nil
}

// authorize checks that actor may take action on resource in org; target is the member acted
// on, if any, for the stytch.self resource. A nil actor is always allowed. The caller holds the
// lock.
func (p *Project) authorize(actor *Actor, org *orgRec, resource, action string, target *memberRec) *Error {
	if actor == nil {
		return nil
	}
	m := p.memberByID[actor.session.MemberID]
	if m == nil || m.deleted() {
		return notFound("session_not_found", "Session could not be found.")
	}
	if m.org != org {
		return &Error{Kind: Forbidden, Type: "unauthorized_action",
			Message: "The member of the session belongs to another organization than the one in the request."}
	}
	if p.grants(m, resource, action) || (target == m && p.grants(m, resSelf, action)) {
		return nil
	}
	return &Error{Kind: Forbidden, Type: "unauthorized_action",
		Message: "The member is not authorized to take the " + action + " action on the " + resource + " resource."}
}

// isMember reports whether the actor is the member m.
func (a *Actor) isMember(m *memberRec) bool {
	return a != nil && a.session.MemberID == m.m.MemberID
}

// selfActions are the actions a member may take on itself through the stytch.self resource: those
// of stytch.self in the default policy, in every project. Computed once, on first use.
var selfActions = sync.OnceValue(func() map[string]bool {
	actions := map[string]bool{}
	for _, r := range defaultPolicy().resources {
		if r.ResourceID == resSelf {
			for _, a := range r.Actions {
				actions[a] = true
			}
		}
	}
	return actions
})

// authorizeMember checks an action on stytch.member, letting members act on themselves through
// stytch.self where Stytch allows it.
func (p *Project) authorizeMember(actor *Actor, org *orgRec, action string, target *memberRec) *Error {
	if !selfActions()[action] {
		target = nil
	}
	return p.authorize(actor, org, resMember, action, target)
}

// grants reports whether any role of m grants action on resource.
func (p *Project) grants(m *memberRec, resource, action string) bool {
	return m.anyRole(func(roleID string) bool {
		role := p.findRole(m.org, roleID)
		return role != nil && slices.ContainsFunc(role.Permissions, func(perm api.PolicyPermission) bool {
			return perm.ResourceID == resource && (slices.Contains(perm.Actions, "*") || slices.Contains(perm.Actions, action))
		})
	})
}

// dropSessions forgets every session of the members whose ids are in gone, in one pass.
func (p *Project) dropSessions(gone map[string]bool) {
	for k, s := range p.sessions {
		if gone[s.MemberID] {
			delete(p.sessions, k)
		}
	}
}
