package contracttest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func TestMemberDefaults(t *testing.T) {
	check(t, rule{name: "member defaults", area: areaMembers, choice: "Members created through the API", says: "a member created through the API is active with an unverified email, holds stytch_member by direct assignment, and nothing else"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		c.saw("email_address_verified false", fmt.Sprint("email_address_verified ", m.EmailAddressVerified))
		if m.Status != client.MemberActive {
			c.Errorf("status %s, want active", m.Status)
		}
		if len(m.Roles) != 1 || m.Roles[0].RoleID != "stytch_member" || len(m.Roles[0].Sources) != 1 || m.Roles[0].Sources[0].Type != "direct_assignment" {
			c.Errorf("roles %+v, want stytch_member by direct_assignment alone", m.Roles)
		}
		if m.IsAdmin || m.IsBreakglass || m.MFAEnrolled || m.Name != "" || m.MFAPhoneNumber != "" || m.MemberPasswordID != "" ||
			m.TOTPRegistrationID != "" || m.DefaultMFAMethod != "" || len(m.RetiredEmailAddresses) != 0 ||
			len(m.TrustedMetadata) != 0 || len(m.UntrustedMetadata) != 0 || m.ExternalID != "" {
			c.Errorf("the member is not bare: %+v", m)
		}
		if m.OrganizationID != o.ID || m.Organization == nil || m.Organization.ID != o.ID {
			c.Errorf("the member's organization is %q, want %s", m.OrganizationID, o.ID)
		}
		p := c.member(o.ID, client.MemberCreateParams{EmailAddress: "pat@" + c.domain("acme"), CreateAsPending: true})
		if p.Status != client.MemberPending {
			c.Errorf("created as pending, status %s", p.Status)
		}
	})
}

func TestMemberLookup(t *testing.T) {
	check(t, rule{name: "member lookup", area: areaMembers, says: "a member is found by id, external id, email, and by id alone with dangerously_get; each answer carries its organization"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), ExternalID: "ada-1"})
		lookups := map[string]func() (*client.Member, error){
			"id":          func() (*client.Member, error) { return c.c.Members.Get(c.ctx, o.ID, m.ID) },
			"external id": func() (*client.Member, error) { return c.c.Members.Get(c.ctx, o.Slug, "ada-1") },
			"email":       func() (*client.Member, error) { return c.c.Members.GetByEmail(c.ctx, o.ID, m.EmailAddress) },
			"dangerously_get": func() (*client.Member, error) {
				return c.c.Members.DangerouslyGet(c.ctx, m.ID, client.DangerouslyGetParams{})
			},
		}
		for by, get := range lookups {
			got, err := get()
			c.must(err, "getting the member by "+by)
			if got.ID != m.ID || got.Organization == nil || got.Organization.ID != o.ID {
				c.Errorf("by %s: member %s of %v, want %s of %s", by, got.ID, got.Organization, m.ID, o.ID)
			}
		}
	})
}

func TestMemberUpdate(t *testing.T) {
	check(t, rule{name: "member update", area: areaMembers, says: "an update changes the fields it sets and leaves the others; the answer and later reads agree"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Name: "Ada", UntrustedMetadata: client.Metadata{"k": "v"}})
		up, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{
			Name: client.Set("Ada Lovelace"), IsBreakglass: client.Set(true), MFAEnrolled: client.Set(true),
			Roles: client.Set([]string{"stytch_admin"}), ExternalID: client.Set("ada-2"),
		})
		c.must(err, "updating")
		got, err := c.c.Members.Get(c.ctx, o.ID, "ada-2")
		c.must(err, "getting by the new external id")
		for _, x := range []*client.Member{up, got} {
			if x.Name != "Ada Lovelace" || !x.IsBreakglass || !x.MFAEnrolled || !x.IsAdmin || !x.HasRole("stytch_admin") ||
				x.ExternalID != "ada-2" || x.EmailAddress != m.EmailAddress || x.UntrustedMetadata["k"] != "v" {
				c.Errorf("after the update: %+v", x)
			}
		}
		up, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{Roles: client.Clear[[]string](), IsBreakglass: client.Set(false)})
		c.must(err, "clearing roles and is_breakglass")
		if up.IsAdmin || up.IsBreakglass || len(up.Roles) != 1 {
			c.Errorf("after clearing: is_admin %v, is_breakglass %v, roles %+v", up.IsAdmin, up.IsBreakglass, up.Roles)
		}
	})
}

func TestDeletedMembersAreHidden(t *testing.T) {
	check(t, rule{name: "deleted members hidden", area: areaMembers, choice: "Deleted members", says: "a deleted member is not found by get, update or search; dangerously_get with include_deleted shows it; member_count leaves it out; its email is free"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		domain := c.domain("acme")
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain, ExternalID: "ada-1"})
		c.member(o.ID, client.MemberCreateParams{EmailAddress: "bob@" + domain})
		c.must(c.c.Members.Delete(c.ctx, o.ID, m.ID), "deleting the member")
		_, err := c.c.Members.Get(c.ctx, o.ID, m.ID)
		c.saw("get: 404 member_not_found", "get: "+answerOf(err))
		_, err = c.c.Members.Get(c.ctx, o.ID, "ada-1")
		c.saw("get by external id: 404 member_not_found", "get by external id: "+answerOf(err))
		_, err = c.c.Members.GetByEmail(c.ctx, o.ID, m.EmailAddress)
		c.saw("get by email: 404 member_not_found", "get by email: "+answerOf(err))
		_, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{Name: client.Set("x")})
		c.saw("update: 404 member_not_found", "update: "+answerOf(err))
		_, err = c.c.Members.DangerouslyGet(c.ctx, m.ID, client.DangerouslyGetParams{})
		c.saw("dangerously_get: 404 member_not_found", "dangerously_get: "+answerOf(err))
		got, err := c.c.Members.DangerouslyGet(c.ctx, m.ID, client.DangerouslyGetParams{IncludeDeleted: true})
		status := answerOf(err)
		if err == nil {
			status = string(got.Status)
		}
		c.saw("dangerously_get include_deleted: deleted", "dangerously_get include_deleted: "+status)
		c.eventually("searching without a statuses filter", func() error {
			page, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{o.ID}})
			if err != nil {
				return err
			}
			if page.Total != 1 || slices.ContainsFunc(page.Members, func(x *client.Member) bool { return x.ID == m.ID }) {
				return fmt.Errorf("found %d members (total %d), want bob alone", len(page.Members), page.Total)
			}
			return nil
		})
		metrics, err := c.c.Organizations.Metrics(c.ctx, o.ID)
		c.must(err, "reading metrics")
		c.saw("member_count 1", fmt.Sprint("member_count ", metrics.MemberCount))
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: m.EmailAddress})
		c.saw("a new member with its email: 200", "a new member with its email: "+answerOf(err))
	})
}

func TestReactivationNeedsAVerifiedEmail(t *testing.T) {
	check(t, rule{name: "reactivation needs a verified email", area: areaMembers, choice: "Members created through the API", says: "a member created through the API cannot be reactivated after deletion: its email was never verified"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		c.must(c.c.Members.Delete(c.ctx, o.ID, m.ID), "deleting the member")
		_, err := c.c.Members.Reactivate(c.ctx, o.ID, m.ID)
		c.wantError(err, 400, "email_unverified_for_reactivation")
	})
}

func TestReactivationTakesTheMemberIDOnly(t *testing.T) {
	check(t, rule{name: "reactivation by member id only", area: areaMembers, says: "reactivate takes the Stytch member id only: a deleted member's external id is not found"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), ExternalID: "ada-1"})
		c.must(c.c.Members.Delete(c.ctx, o.ID, m.ID), "deleting the member")
		_, err := c.c.Members.Reactivate(c.ctx, o.ID, "ada-1")
		c.wantError(err, 404, "member_not_found")
	})
}

// seedVerified seeds an organization with members whose email addresses are verified, which only
// sign-in does, and returns it with the members by local part.
func (c *ct) seedVerified(srv *mockserver.Server, locals ...string) (*client.Organization, map[string]*client.Member) {
	c.T.Helper()
	domain := c.domain("verified")
	var members []mockserver.FixtureMember
	for _, l := range locals {
		members = append(members, mockserver.FixtureMember{MemberCreateParams: client.MemberCreateParams{EmailAddress: l + "@" + domain}, EmailAddressVerified: true})
	}
	o := c.seed(srv, mockserver.FixtureOrganization{Members: members})
	out := map[string]*client.Member{}
	for _, l := range locals {
		m, err := c.c.Members.GetByEmail(c.ctx, o.ID, l+"@"+domain)
		c.must(err, "getting a seeded member")
		out[l] = m
	}
	return o, out
}

func TestReactivationRestoresAMember(t *testing.T) {
	check(t, rule{name: "reactivation restores", area: areaMembers, says: "a deleted member with a verified email is reactivated: active again, found again; reactivating an active member is refused"}, func(c *ct) {
		srv := c.needsMock("a verified email")
		o, ms := c.seedVerified(srv, "ada")
		m := ms["ada"]
		c.must(c.c.Members.Delete(c.ctx, o.ID, m.ID), "deleting the member")
		back, err := c.c.Members.Reactivate(c.ctx, o.ID, m.ID)
		c.must(err, "reactivating")
		if back.Status != client.MemberActive || back.ID != m.ID {
			c.Errorf("reactivated member %s is %s", back.ID, back.Status)
		}
		_, err = c.c.Members.Get(c.ctx, o.ID, m.ID)
		c.must(err, "getting the reactivated member")
		_, err = c.c.Members.Reactivate(c.ctx, o.ID, m.ID)
		c.wantError(err, 400, "no_deleted_member_found_for_reactivation")
	})
}

func TestEmailChangeRetiresTheOldAddress(t *testing.T) {
	check(t, rule{name: "email change retires the old address", area: areaMembers, says: "changing a member's email retires the old address (unverified new one), which no other member may take until it is unlinked"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		domain := c.domain("acme")
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
		up, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{EmailAddress: client.Set("ada.lovelace@" + domain)})
		c.must(err, "changing the email")
		if up.EmailAddress != "ada.lovelace@"+domain || up.EmailAddressVerified ||
			len(up.RetiredEmailAddresses) != 1 || up.RetiredEmailAddresses[0].EmailAddress != "ada@"+domain {
			c.Errorf("after the change: email %s (verified %v), retired %+v", up.EmailAddress, up.EmailAddressVerified, up.RetiredEmailAddresses)
		}
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
		c.wantError(err, 400, "retired_member_email")
		up, err = c.c.Members.UnlinkRetiredEmail(c.ctx, o.ID, m.ID, client.RetiredEmailParams{EmailAddress: "ada@" + domain})
		c.must(err, "unlinking the retired address")
		if len(up.RetiredEmailAddresses) != 0 {
			c.Errorf("after unlinking, retired %+v", up.RetiredEmailAddresses)
		}
		c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
	})
}

func TestDeletingAnOrganizationDeletesItsMembers(t *testing.T) {
	check(t, rule{name: "organization delete deletes members", area: areaMembers, says: "deleting an organization deletes its members: not even dangerously_get with include_deleted finds them"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		c.must(c.c.Organizations.Delete(c.ctx, o.ID), "deleting the organization")
		_, err := c.c.Members.DangerouslyGet(c.ctx, m.ID, client.DangerouslyGetParams{IncludeDeleted: true})
		c.wantError(err, 404, "member_not_found")
	})
}

func TestMFAPhoneLifecycle(t *testing.T) {
	check(t, rule{name: "MFA phone lifecycle", area: areaMembers, says: "an MFA phone is set once (delete it to change it), unique in the organization, and can be removed"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		n := tg.next()
		phone, other := fictionalPhone(n), fictionalPhone(n+1)
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), MFAPhoneNumber: phone})
		if m.MFAPhoneNumber != phone || m.MFAPhoneNumberVerified {
			c.Errorf("mfa_phone_number %q (verified %v), want %s unverified", m.MFAPhoneNumber, m.MFAPhoneNumberVerified, phone)
		}
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{MFAPhoneNumber: client.Set(other)})
		c.wantError(err, 400, "duplicate_member_phone_number_for_member")
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "bob@" + c.domain("acme"), MFAPhoneNumber: phone})
		c.wantError(err, 400, "duplicate_member_phone_number")
		up, err := c.c.Members.DeleteMFAPhoneNumber(c.ctx, o.ID, m.ID)
		c.must(err, "deleting the MFA phone")
		if up.MFAPhoneNumber != "" {
			c.Errorf("after deleting, mfa_phone_number %q", up.MFAPhoneNumber)
		}
		up, err = c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{MFAPhoneNumber: client.Set(other)})
		c.must(err, "setting another MFA phone")
		if up.MFAPhoneNumber != other {
			c.Errorf("mfa_phone_number %q, want %s", up.MFAPhoneNumber, other)
		}
	})
}

func TestMetricsCountMembers(t *testing.T) {
	check(t, rule{name: "member_count", area: areaMembers, says: "member_count counts the organization's members"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		for i := range 3 {
			c.member(o.ID, client.MemberCreateParams{EmailAddress: fmt.Sprintf("m%d@%s", i, c.domain("acme"))})
		}
		got, err := c.c.Organizations.Metrics(c.ctx, o.ID)
		c.must(err, "reading metrics")
		if got.MemberCount != 3 {
			c.Errorf("member_count %d, want 3", got.MemberCount)
		}
	})
}

func TestRemovingAnUnsetExternalID(t *testing.T) {
	check(t, rule{name: "removing an unset external id", area: areaMembers, choice: "Removing an external id", says: "removing an external id that is not set succeeds and changes nothing; one that is set is removed"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		_, err := c.c.Organizations.DeleteExternalID(c.ctx, o.ID)
		c.saw("organization without one: 200", "organization without one: "+answerOf(err))
		_, err = c.c.Members.DeleteExternalID(c.ctx, o.ID, m.ID)
		c.saw("member without one: 200", "member without one: "+answerOf(err))
		withExt := c.org(client.OrganizationCreateParams{ExternalID: c.slug("ext")})
		got, err := c.c.Organizations.DeleteExternalID(c.ctx, withExt.ID)
		c.must(err, "removing a set external id")
		if got.ExternalID != "" {
			c.Errorf("external id %q left", got.ExternalID)
		}
	})
}

func TestProviderTokensOfAMemberWithout(t *testing.T) {
	check(t, rule{name: "no provider tokens", area: areaMembers, choice: "Provider tokens", says: "the OAuth and OIDC token reads of a member with no such registration are 404 member_oauth_token_not_found and member_oidc_token_not_found"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		_, err := c.c.Members.GetGoogleTokens(c.ctx, o.ID, m.ID, client.TokenParams{})
		c.saw("google: 404 member_oauth_token_not_found", "google: "+answerOf(err))
		_, err = c.c.Members.GetOIDCTokens(c.ctx, o.ID, m.ID, client.TokenParams{})
		c.saw("oidc: 404 member_oidc_token_not_found", "oidc: "+answerOf(err))
	})
}

func TestProviderTokensAreReturned(t *testing.T) {
	check(t, rule{name: "provider tokens returned", area: areaMembers, says: "a member's stored provider tokens are returned, the refresh token only when asked for"}, func(c *ct) {
		srv := c.needsMock("provider tokens")
		tokens := &client.OAuthTokens{ProviderSubject: "sub-1", IDToken: "id-token", AccessToken: "access", RefreshToken: "refresh", Scopes: []string{"openid"}}
		o := c.seed(srv, mockserver.FixtureOrganization{Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")},
			ProviderTokens:     mockserver.FixtureTokens{Google: tokens},
		}}})
		page, err := c.c.Members.Search(c.ctx, client.MemberSearchParams{OrganizationIDs: []string{o.ID}})
		c.must(err, "finding the seeded member")
		if len(page.Members) != 1 {
			c.Fatalf("found %d members, want 1", len(page.Members))
		}
		id := page.Members[0].ID
		got, err := c.c.Members.GetGoogleTokens(c.ctx, o.ID, id, client.TokenParams{})
		c.must(err, "reading Google tokens")
		if got.AccessToken != "access" || got.RefreshToken != "" {
			c.Errorf("without include_refresh_token: access %q, refresh %q", got.AccessToken, got.RefreshToken)
		}
		got, err = c.c.Members.GetGoogleTokens(c.ctx, o.ID, id, client.TokenParams{IncludeRefreshToken: true})
		c.must(err, "reading Google tokens with the refresh token")
		if got.RefreshToken != "refresh" {
			c.Errorf("with include_refresh_token: refresh %q", got.RefreshToken)
		}
	})
}

func TestFactorsFromSignInAreRemoved(t *testing.T) {
	check(t, rule{name: "password and TOTP removed", area: areaMembers, says: "a member's password and TOTP registration are removed by their delete operations"}, func(c *ct) {
		srv := c.needsMock("a password and TOTP")
		pw, totp := "member-password-test-"+randomHex(8), "totp-test-"+randomHex(8)
		o := c.seed(srv, mockserver.FixtureOrganization{Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")},
			MemberPasswordID:   pw, TOTPRegistrationID: totp, DefaultMFAMethod: client.MFATOTP,
		}}})
		m, err := c.c.Members.DeletePassword(c.ctx, o.ID, pw)
		c.must(err, "deleting the password")
		if m.MemberPasswordID != "" {
			c.Errorf("member_password_id %q left", m.MemberPasswordID)
		}
		m, err = c.c.Members.DeleteTOTP(c.ctx, o.ID, m.ID)
		c.must(err, "deleting the TOTP registration")
		if m.TOTPRegistrationID != "" || m.DefaultMFAMethod != "" {
			c.Errorf("totp_registration_id %q, default_mfa_method %q left", m.TOTPRegistrationID, m.DefaultMFAMethod)
		}
	})
}

func TestStartEmailUpdate(t *testing.T) {
	check(t, rule{name: "start email update", area: areaMembers, says: "starting an email update of a verified member leaves the member unchanged until the new address is verified"}, func(c *ct) {
		srv := c.needsMock("a verified email")
		o, ms := c.seedVerified(srv, "ada")
		m := ms["ada"]
		newAddress := "ada.new@" + c.domain("acme")
		got, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, m.ID, client.StartEmailUpdateParams{EmailAddress: newAddress})
		c.must(err, "starting the email update")
		if got.EmailAddress != m.EmailAddress {
			c.Errorf("the member's email became %s at once", got.EmailAddress)
		}
		if p := srv.PendingEmailUpdate(tg.projectID, m.ID); p != newAddress {
			c.Errorf("the pending address is %q, want %s", p, newAddress)
		}
	})
}

func TestConnectedApps(t *testing.T) {
	check(t, rule{name: "Connected Apps", area: areaMembers, choice: "Request id of a connected app", says: "an organization's and a member's Connected Apps are listed, read (with a request_id) and revoked"}, func(c *ct) {
		srv := c.needsMock("Connected Apps")
		app := mockserver.FixtureConnectedApp{ConnectedAppID: "connected-app-test-" + randomHex(8), Name: "Reporting", ClientType: client.ConnectedAppThirdParty}
		c.must(srv.Seed(mockserver.Fixture{ProjectID: tg.projectID, ConnectedApps: []mockserver.FixtureConnectedApp{app}}), "seeding the app")
		o := c.seed(srv, mockserver.FixtureOrganization{Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")},
			ConnectedApps:      []mockserver.FixtureGrant{{ConnectedAppID: app.ConnectedAppID, Scopes: []string{"openid", "read:reports"}}},
		}}})
		apps, err := c.c.Organizations.ListConnectedApps(c.ctx, o.ID)
		c.must(err, "listing the organization's apps")
		if len(apps) != 1 || apps[0].ConnectedAppID != app.ConnectedAppID {
			c.Errorf("organization apps %+v, want %s", apps, app.ConnectedAppID)
		}
		a := c.raw("GET", "/v1/b2b/organizations/"+o.ID+"/connected_apps/"+app.ConnectedAppID, nil)
		var requestID string
		_ = a.field("request_id", &requestID)
		c.saw("request_id present", map[bool]string{true: "request_id present", false: "no request_id"}[requestID != ""])
		details, err := c.c.Organizations.GetConnectedApp(c.ctx, o.ID, app.ConnectedAppID)
		c.must(err, "reading the app")
		if len(details.ActiveMembers) != 1 || strings.Join(details.ActiveMembers[0].GrantedScopes, " ") != "openid read:reports" {
			c.Errorf("active members %+v", details.ActiveMembers)
		}
		memberID := details.ActiveMembers[0].MemberID
		mine, err := c.c.Members.ListConnectedApps(c.ctx, o.ID, memberID)
		c.must(err, "listing the member's apps")
		if len(mine) != 1 || mine[0].ScopesGranted != "openid read:reports" {
			c.Errorf("member apps %+v", mine)
		}
		c.must(c.c.Members.RevokeConnectedApp(c.ctx, o.ID, memberID, app.ConnectedAppID), "revoking")
		mine, err = c.c.Members.ListConnectedApps(c.ctx, o.ID, memberID)
		c.must(err, "listing after revoking")
		if len(mine) != 0 {
			c.Errorf("after revoking, member apps %+v", mine)
		}
	})
}

func TestConnectedAppsOfAnOrganizationWithout(t *testing.T) {
	check(t, rule{name: "no Connected Apps", area: areaMembers, says: "an organization whose members authorized no Connected App lists none"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		apps, err := c.c.Organizations.ListConnectedApps(c.ctx, o.ID)
		c.must(err, "listing the organization's apps")
		mine, err := c.c.Members.ListConnectedApps(c.ctx, o.ID, m.ID)
		c.must(err, "listing the member's apps")
		if len(apps) != 0 || len(mine) != 0 {
			c.Errorf("apps %+v and %+v, want none", apps, mine)
		}
	})
}

func TestGetMemberTakesOneIdentifier(t *testing.T) {
	check(t, rule{name: "get member: one identifier", area: areaMembers, choice: "Get member", says: "get member takes exactly one of member_id and email_address"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
		a := c.raw("GET", "/v1/b2b/organizations/"+o.ID+"/member", nil)
		c.saw("neither: 400 invalid_member_get_fields", "neither: "+a.String())
		a = c.raw("GET", "/v1/b2b/organizations/"+o.ID+"/member?member_id="+m.ID+"&email_address="+strings.ReplaceAll(m.EmailAddress, "@", "%40"), nil)
		c.saw("both: 400 invalid_member_get_fields", "both: "+a.String())
	})
}

func TestMemberNames(t *testing.T) {
	check(t, rule{name: "member name length", area: areaMembers, choice: "Lengths and patterns", says: "a member name has no length limit (300 characters are stored)"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		name := strings.Repeat("Ada ", 75)
		m, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Name: name})
		c.saw("300 characters: 200", "300 characters: "+answerOf(err))
		if err == nil && m.Name != name {
			c.Errorf("the name came back as %d characters", len(m.Name))
		}
	})
}
