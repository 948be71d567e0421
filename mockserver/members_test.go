package mockserver_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

var memberIDPattern = regexp.MustCompile(`^member-test-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func roleIDs(m api.Member) []string {
	var ids []string
	for _, r := range m.Roles {
		ids = append(ids, r.RoleID)
	}
	return ids
}

func TestCreateMember(t *testing.T) {
	t.Parallel()
	e := setup(t)
	o := e.org("Acme", "acme")
	resp, err := e.c.CreateMemberWithResponse(e.ctx, "acme", nil, api.MemberCreateRequest{
		EmailAddress: "Ada@Acme.COM", Name: ptr("Ada Lovelace"), Roles: &api.RoleIDs{"stytch_admin"},
		ExternalID: ptr("emp-1815"), MFAPhoneNumber: ptr("+12025550123"),
		TrustedMetadata: &api.Metadata{"dept": "eng"}, UntrustedMetadata: &api.Metadata{"theme": "dark"},
	})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	m := resp.JSON200.Member
	if resp.JSON200.MemberID != m.MemberID || !memberIDPattern.MatchString(m.MemberID) {
		t.Errorf("member_id %q / %q", resp.JSON200.MemberID, m.MemberID)
	}
	if resp.JSON200.Organization.OrganizationID != o.OrganizationID || m.OrganizationID != o.OrganizationID {
		t.Errorf("organization %s / member.organization_id %s, want %s", resp.JSON200.Organization.OrganizationID, m.OrganizationID, o.OrganizationID)
	}
	type fields struct {
		Email, Status, MFAPhone, Name, ExternalID string
		EmailVerified, IsAdmin, MFAPhoneVerified  bool
	}
	got := fields{m.EmailAddress, string(m.Status), m.MFAPhoneNumber, m.Name, deref(m.ExternalID), m.EmailAddressVerified, m.IsAdmin, m.MFAPhoneNumberVerified}
	want := fields{Email: "ada@acme.com", Status: "active", MFAPhone: "+12025550123", Name: "Ada Lovelace", ExternalID: "emp-1815", IsAdmin: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created member (-want +got):\n%s", diff)
	}
	wantRoles := []api.MemberRole{
		{RoleID: "stytch_member", Sources: []api.MemberRoleSource{{Type: "direct_assignment", Details: &map[string]any{}}}},
		{RoleID: "stytch_admin", Sources: []api.MemberRoleSource{{Type: "direct_assignment", Details: &map[string]any{}}}},
	}
	if diff := cmp.Diff(wantRoles, m.Roles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	pending := e.createMember("acme", api.MemberCreateRequest{EmailAddress: "grace@acme.com", CreateMemberAsPending: ptr(true)})
	if pending.Status != "pending" || pending.IsAdmin || !reflect.DeepEqual(roleIDs(pending), []string{"stytch_member"}) {
		t.Errorf("pending member: status %s admin %v roles %v", pending.Status, pending.IsAdmin, roleIDs(pending))
	}
}

func TestCreateMemberRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Claimer", OrganizationSlug: ptr("claimer"), ClaimedEmailDomains: &[]string{"claimed.io"}})
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", ExternalID: "emp-1", MFAPhoneNumber: "+12025550123"},
			RetiredEmails:      []mockserver.FixtureRetiredEmail{{EmailAddress: "ada.old@acme.com"}},
		}},
	}}})
	cases := []struct {
		name       string
		org        string
		body       map[string]any
		wantStatus int
		wantType   string
	}{
		{"malformed email", "acme", map[string]any{"email_address": "not-an-email"}, 400, "invalid_email"},
		{"email in use, other case", "acme", map[string]any{"email_address": "ADA@acme.com"}, 400, "duplicate_member_email"},
		{"retired email", "acme", map[string]any{"email_address": "ada.old@acme.com"}, 400, "retired_member_email"},
		{"domain claimed by another organization", "acme", map[string]any{"email_address": "x@claimed.io"}, 400, "action_not_allowed_email_domain_is_claimed"},
		{"external id in use", "acme", map[string]any{"email_address": "b@acme.com", "external_id": "emp-1"}, 400, "duplicate_member_external_id"},
		{"phone not E.164", "acme", map[string]any{"email_address": "b@acme.com", "mfa_phone_number": "202-555-0123"}, 400, "invalid_phone_number"},
		{"phone in use", "acme", map[string]any{"email_address": "b@acme.com", "mfa_phone_number": "+12025550123"}, 400, "duplicate_member_phone_number"},
		{"unknown role", "acme", map[string]any{"email_address": "b@acme.com", "roles": []string{"ghost"}}, 400, "invalid_role"},
		{"the implicit role", "acme", map[string]any{"email_address": "b@acme.com", "roles": []string{"stytch_member"}}, 400, "cannot_assign_default_rbac_role_id"},
		{"too much metadata", "acme", map[string]any{"email_address": "b@acme.com", "untrusted_metadata": map[string]any{"x": strings.Repeat("y", 4100)}}, 400, "metadata_too_large"},
		{"email missing", "acme", map[string]any{"name": "Nobody"}, 400, "invalid_email"},
		{"unknown organization", "nope", map[string]any{"email_address": "b@acme.com"}, 404, "organization_not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/"+tc.org+"/members", tc.body)
			e.expectError(status, body, nil, tc.wantStatus, tc.wantType)
		})
	}
	metrics, err := e.c.GetOrganizationMetricsWithResponse(e.ctx, "acme")
	e.expectOK(metrics.StatusCode(), metrics.Body, err)
	if metrics.JSON200.MemberCount != 1 {
		t.Errorf("rejected creates left members behind: %d", metrics.JSON200.MemberCount)
	}
	// The same email is fine in another organization.
	e.org("Other", "other")
	e.member("other", "ada@acme.com")
}

func TestGetMember(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	m := e.createMember("acme", api.MemberCreateRequest{EmailAddress: "ada@acme.com", ExternalID: ptr("emp-1815")})
	for _, p := range []api.GetMemberParams{{MemberID: &m.MemberID}, {MemberID: ptr("emp-1815")}, {EmailAddress: ptr("ADA@acme.com")}} {
		resp, err := e.c.GetMemberWithResponse(e.ctx, "acme", &p)
		e.expectOK(resp.StatusCode(), resp.Body, err)
		if resp.JSON200.Member.MemberID != m.MemberID {
			t.Errorf("get %+v found %s", p, resp.JSON200.Member.MemberID)
		}
	}
	for _, p := range []api.GetMemberParams{{}, {MemberID: &m.MemberID, EmailAddress: ptr("ada@acme.com")}} {
		resp, err := e.c.GetMemberWithResponse(e.ctx, "acme", &p)
		e.expectError(resp.StatusCode(), resp.Body, err, 400, "invalid_member_get_fields")
	}
	resp, err := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{EmailAddress: ptr("nobody@acme.com")})
	e.expectError(resp.StatusCode(), resp.Body, err, 404, "member_not_found")
	// A member of another organization is not found through this one.
	e.org("Other", "other")
	resp, err = e.c.GetMemberWithResponse(e.ctx, "other", &api.GetMemberParams{MemberID: &m.MemberID})
	e.expectError(resp.StatusCode(), resp.Body, err, 404, "member_not_found")
}

func TestUpdateMember(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		CustomRoles:              []client.Role{{RoleID: "billing_viewer", Description: "Reads billing.", Permissions: []client.Permission{}}},
		Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", Roles: []string{"stytch_admin"},
				UntrustedMetadata: client.Metadata{"theme": "dark", "lang": "en"}},
			MemberID: "member-test-00000000-0000-4000-8000-0000000000a1", EmailAddressVerified: true, MemberPasswordID: "member-password-test-1",
		}},
	}}})
	id := "member-test-00000000-0000-4000-8000-0000000000a1"
	resp, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{
		Name: ptr("Ada King"), Roles: &api.RoleIDs{"billing_viewer"}, IsBreakglass: ptr(true),
		UntrustedMetadata: &api.MetadataPatch{"theme": nil, "tz": "UTC"},
	})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	m := resp.JSON200.Member
	if m.Name != "Ada King" || !m.IsBreakglass || m.IsAdmin || !reflect.DeepEqual(roleIDs(m), []string{"stytch_member", "billing_viewer"}) {
		t.Errorf("after update: name %q breakglass %v admin %v roles %v", m.Name, m.IsBreakglass, m.IsAdmin, roleIDs(m))
	}
	if !reflect.DeepEqual(*m.UntrustedMetadata, map[string]any{"lang": "en", "tz": "UTC"}) {
		t.Errorf("untrusted metadata = %v", *m.UntrustedMetadata)
	}
	// A new email retires the old one, needs verifying again and drops the password.
	resp, err = e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{EmailAddress: ptr("ada.king@acme.com")})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	m = resp.JSON200.Member
	if m.EmailAddress != "ada.king@acme.com" || m.EmailAddressVerified || m.MemberPasswordID != "" ||
		len(m.RetiredEmailAddresses) != 1 || m.RetiredEmailAddresses[0].EmailAddress != "ada@acme.com" ||
		!strings.HasPrefix(m.RetiredEmailAddresses[0].EmailID, "email-test-") {
		t.Errorf("after email change: %+v", m)
	}
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/acme/members", map[string]any{"email_address": "ada@acme.com"})
	e.expectError(status, body, nil, 400, "retired_member_email")
	// With unlink_email the old address is deleted instead of retired.
	resp, err = e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{EmailAddress: ptr("ada3@acme.com"), UnlinkEmail: ptr(true)})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if n := len(resp.JSON200.Member.RetiredEmailAddresses); n != 1 {
		t.Errorf("unlink_email retired the address anyway: %d retired", n)
	}

	// Phone rules: set once, a second one needs the first deleted; defaults need the factor.
	resp, err = e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{DefaultMFAMethod: ptr(api.MFAMethodPreferenceSMSOTP)})
	e.expectError(resp.StatusCode(), resp.Body, err, 400, "default_mfa_member_missing_factor")
	resp, err = e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{MFAPhoneNumber: ptr("+12025550123"), DefaultMFAMethod: ptr(api.MFAMethodPreferenceSMSOTP)})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if resp.JSON200.Member.DefaultMFAMethod != "sms_otp" {
		t.Errorf("default_mfa_method = %q", resp.JSON200.Member.DefaultMFAMethod)
	}
	resp, err = e.c.UpdateMemberWithResponse(e.ctx, "acme", id, nil, api.MemberUpdateRequest{MFAPhoneNumber: ptr("+12025550199"), Name: ptr("Changed")})
	e.expectError(resp.StatusCode(), resp.Body, err, 400, "duplicate_member_phone_number_for_member")
	get, err := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{MemberID: &id})
	e.expectOK(get.StatusCode(), get.Body, err)
	if get.JSON200.Member.Name != "Ada King" || get.JSON200.Member.MFAPhoneNumber != "+12025550123" {
		t.Errorf("a rejected update changed the member: %+v", get.JSON200.Member)
	}
	missing, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", "member-test-00000000-0000-4000-8000-0000000000ff", nil, api.MemberUpdateRequest{Name: ptr("x")})
	e.expectError(missing.StatusCode(), missing.Body, err, 404, "member_not_found")
}

func TestDeleteAndReactivateMember(t *testing.T) {
	t.Parallel()
	e := setup(t)
	verified := "member-test-00000000-0000-4000-8000-0000000000b1"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", ExternalID: "emp-1"},
			MemberID:           verified, EmailAddressVerified: true,
		}},
	}}})
	unverified := e.member("acme", "grace@acme.com")

	notDeleted, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", verified, nil, api.ReactivateMemberJSONRequestBody{})
	e.expectError(notDeleted.StatusCode(), notDeleted.Body, err, 400, "no_deleted_member_found_for_reactivation")

	del, err := e.c.DeleteMemberWithResponse(e.ctx, "acme", "emp-1", nil)
	e.expectOK(del.StatusCode(), del.Body, err)
	if del.JSON200.MemberID != verified {
		t.Errorf("deleted %s", del.JSON200.MemberID)
	}
	get, err := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{MemberID: &verified})
	e.expectError(get.StatusCode(), get.Body, err, 404, "member_not_found")
	hidden, err := e.c.DangerouslyGetMemberWithResponse(e.ctx, verified, nil)
	e.expectError(hidden.StatusCode(), hidden.Body, err, 404, "member_not_found")
	shown, err := e.c.DangerouslyGetMemberWithResponse(e.ctx, verified, &api.DangerouslyGetMemberParams{IncludeDeleted: ptr(true)})
	e.expectOK(shown.StatusCode(), shown.Body, err)
	if shown.JSON200.Member.Status != "deleted" {
		t.Errorf("dangerously get with include_deleted: status %s", shown.JSON200.Member.Status)
	}
	again, err := e.c.DeleteMemberWithResponse(e.ctx, "acme", verified, nil)
	e.expectError(again.StatusCode(), again.Body, err, 404, "member_not_found")

	// Reactivation takes only the Stytch id, and brings the member back.
	byExt, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", "emp-1", nil, api.ReactivateMemberJSONRequestBody{})
	e.expectError(byExt.StatusCode(), byExt.Body, err, 404, "member_not_found")
	back, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", verified, nil, api.ReactivateMemberJSONRequestBody{})
	e.expectOK(back.StatusCode(), back.Body, err)
	if back.JSON200.Member.Status != "active" {
		t.Errorf("reactivated status %s", back.JSON200.Member.Status)
	}
	byEmail, err := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{EmailAddress: ptr("ada@acme.com")})
	e.expectOK(byEmail.StatusCode(), byEmail.Body, err)

	// An API-created member never verified its email, so it cannot come back.
	del, err = e.c.DeleteMemberWithResponse(e.ctx, "acme", unverified.MemberID, nil)
	e.expectOK(del.StatusCode(), del.Body, err)
	no, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", unverified.MemberID, nil, api.ReactivateMemberJSONRequestBody{})
	e.expectError(no.StatusCode(), no.Body, err, 400, "email_unverified_for_reactivation")

	// A deleted member's email is free; once taken, the deleted member cannot come back.
	del, err = e.c.DeleteMemberWithResponse(e.ctx, "acme", verified, nil)
	e.expectOK(del.StatusCode(), del.Body, err)
	e.member("acme", "ada@acme.com")
	taken, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", verified, nil, api.ReactivateMemberJSONRequestBody{})
	e.expectError(taken.StatusCode(), taken.Body, err, 400, "reactivation_email_belongs_to_another_member")
}

func TestMemberFactors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000c1"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com", MFAPhoneNumber: "+12025550123"},
			MemberID:           id, MFAPhoneNumberVerified: true, MemberPasswordID: "member-password-test-1",
			TOTPRegistrationID: "totp-test-1", DefaultMFAMethod: "totp",
		}},
	}}})

	pw, err := e.c.DeleteMemberPasswordWithResponse(e.ctx, "acme", "member-password-test-1", nil)
	e.expectOK(pw.StatusCode(), pw.Body, err)
	if pw.JSON200.Member.MemberPasswordID != "" || pw.JSON200.MemberID != id {
		t.Errorf("password not removed: %+v", pw.JSON200.Member)
	}
	pw, err = e.c.DeleteMemberPasswordWithResponse(e.ctx, "acme", "member-password-test-1", nil)
	e.expectError(pw.StatusCode(), pw.Body, err, 404, "member_password_not_found")

	phone, err := e.c.DeleteMemberMFAPhoneNumberWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(phone.StatusCode(), phone.Body, err)
	if m := phone.JSON200.Member; m.MFAPhoneNumber != "" || m.MFAPhoneNumberVerified {
		t.Errorf("phone not removed: %+v", m)
	}
	phone, err = e.c.DeleteMemberMFAPhoneNumberWithResponse(e.ctx, "acme", id, nil)
	e.expectError(phone.StatusCode(), phone.Body, err, 404, "member_phone_number_not_found")

	totp, err := e.c.DeleteMemberTOTPWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(totp.StatusCode(), totp.Body, err)
	if m := totp.JSON200.Member; m.TOTPRegistrationID != "" || m.DefaultMFAMethod != "" {
		t.Errorf("TOTP not removed or still the default: %+v", m)
	}
	totp, err = e.c.DeleteMemberTOTPWithResponse(e.ctx, "acme", id, nil)
	e.expectError(totp.StatusCode(), totp.Body, err, 404, "totp_not_found")
}

func TestRetiredEmailsAndEmailUpdates(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000d1"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{
			{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: id, EmailAddressVerified: true,
				RetiredEmails: []mockserver.FixtureRetiredEmail{{EmailAddress: "old1@acme.com"}, {EmailAddress: "old2@acme.com"}}},
			{MemberCreateParams: client.MemberCreateParams{EmailAddress: "grace@acme.com"}, EmailAddressVerified: true, RetiredEmails: []mockserver.FixtureRetiredEmail{{EmailAddress: "g.old@acme.com"}}},
		},
	}}})

	missing, err := e.c.UnlinkMemberRetiredEmailWithResponse(e.ctx, "acme", id, nil, api.MemberUnlinkRetiredEmailRequest{})
	e.expectError(missing.StatusCode(), missing.Body, err, 400, "retired_email_missing_email_identifiers")
	notMine, err := e.c.UnlinkMemberRetiredEmailWithResponse(e.ctx, "acme", id, nil, api.MemberUnlinkRetiredEmailRequest{EmailAddress: ptr("g.old@acme.com")})
	e.expectError(notMine.StatusCode(), notMine.Body, err, 404, "retired_email_not_found")
	unlinked, err := e.c.UnlinkMemberRetiredEmailWithResponse(e.ctx, "acme", id, nil, api.MemberUnlinkRetiredEmailRequest{EmailAddress: ptr("OLD1@acme.com")})
	e.expectOK(unlinked.StatusCode(), unlinked.Body, err)
	r := unlinked.JSON200
	if r.MemberID != id || r.OrganizationID != r.Organization.OrganizationID || len(r.Member.RetiredEmailAddresses) != 1 ||
		r.Member.RetiredEmailAddresses[0].EmailAddress != "old2@acme.com" {
		t.Errorf("after unlink: %+v", r.Member.RetiredEmailAddresses)
	}
	mismatch, err := e.c.UnlinkMemberRetiredEmailWithResponse(e.ctx, "acme", id, nil, api.MemberUnlinkRetiredEmailRequest{
		EmailID: &r.Member.RetiredEmailAddresses[0].EmailID, EmailAddress: ptr("old1@acme.com")})
	e.expectError(mismatch.StatusCode(), mismatch.Body, err, 404, "retired_email_not_found")
	// The unlinked address is free for a new member.
	e.member("acme", "old1@acme.com")

	start := func(memberID, email string) (int, []byte, error) {
		resp, err := e.c.StartMemberEmailUpdateWithResponse(e.ctx, "acme", memberID, nil, api.MemberStartEmailUpdateRequest{EmailAddress: email})
		return resp.StatusCode(), resp.Body, err
	}
	s, b, err := start(id, "grace@acme.com")
	e.expectError(s, b, err, 400, "duplicate_member_email")
	s, b, err = start(id, "g.old@acme.com")
	e.expectError(s, b, err, 400, "desired_email_deactivated_by_different_member")
	s, b, err = start(id, "ada.new@acme.com")
	e.expectOK(s, b, err)
	if got := e.srv.PendingEmailUpdate(e.project, id); got != "ada.new@acme.com" {
		t.Errorf("pending email update = %q", got)
	}
	get, _ := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{MemberID: &id})
	if get.JSON200.Member.EmailAddress != "ada@acme.com" {
		t.Errorf("start_email_update changed the email before verification: %s", get.JSON200.Member.EmailAddress)
	}
	grace, _ := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{EmailAddress: ptr("grace@acme.com")})
	s, b, err = start(grace.JSON200.MemberID, "ada.new@acme.com")
	e.expectError(s, b, err, 400, "desired_email_updating_for_different_member")
	newbie := e.member("acme", "new@acme.com")
	s, b, err = start(newbie.MemberID, "new2@acme.com")
	e.expectError(s, b, err, 400, "member_has_no_active_verified_email")
	pending := e.createMember("acme", api.MemberCreateRequest{EmailAddress: "pending@acme.com", CreateMemberAsPending: ptr(true)})
	s, b, err = start(pending.MemberID, "pending2@acme.com")
	e.expectError(s, b, err, 400, "email_updates_available_only_for_active_members")
}

func TestMemberConnectedAppsAndRevoke(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000e1"
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: "connected-app-test-1", Name: "Analytics", Description: "Dashboards"}},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: id,
				ConnectedApps: []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-1", Scopes: []string{"openid", "email"}}}}},
		}},
	})
	list, err := e.c.ListMemberConnectedAppsWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(list.StatusCode(), list.Body, err)
	if apps := list.JSON200.ConnectedApps; len(apps) != 1 || apps[0].ScopesGranted != "openid email" || apps[0].ClientType != "third_party" {
		t.Errorf("member connected apps = %+v", apps)
	}
	rev, err := e.c.RevokeMemberConnectedAppWithResponse(e.ctx, "acme", id, "connected-app-test-1", nil, api.RevokeMemberConnectedAppJSONRequestBody{})
	e.expectOK(rev.StatusCode(), rev.Body, err)
	list, err = e.c.ListMemberConnectedAppsWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(list.StatusCode(), list.Body, err)
	if len(list.JSON200.ConnectedApps) != 0 {
		t.Errorf("revoked app still listed: %+v", list.JSON200.ConnectedApps)
	}
	rev, err = e.c.RevokeMemberConnectedAppWithResponse(e.ctx, "acme", id, "connected-app-test-1", nil, api.RevokeMemberConnectedAppJSONRequestBody{})
	e.expectError(rev.StatusCode(), rev.Body, err, 404, "connected_app_not_found")
}

func TestProviderTokens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000f1"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{
			MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: id,
			ProviderTokens: mockserver.FixtureTokens{
				Google: &client.OAuthTokens{ProviderType: "Google", ProviderSubject: "107", IDToken: "id.tok.en",
					Scopes: []string{"openid"}, AccessToken: "ya29", RefreshToken: "1//refresh"},
				OIDC: []client.OIDCTokens{{ProviderSubject: "00u1", IDToken: "i", AccessToken: "a", AccessTokenExpiresIn: 3600,
					Scopes: []string{"openid"}, ConnectionID: "oidc-connection-test-1", RefreshToken: "rt"}},
			},
		}},
	}}})
	plain := e.member("acme", "grace@acme.com")

	g, err := e.c.GetMemberGoogleOAuthTokensWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(g.StatusCode(), g.Body, err)
	if g.JSON200.ProviderSubject != "107" || g.JSON200.RefreshToken != nil {
		t.Errorf("google tokens without include_refresh_token: %+v", g.JSON200)
	}
	g, err = e.c.GetMemberGoogleOAuthTokensWithResponse(e.ctx, "acme", id, &api.GetMemberGoogleOAuthTokensParams{IncludeRefreshToken: ptr(true)})
	e.expectOK(g.StatusCode(), g.Body, err)
	if g.JSON200.RefreshToken == nil || *g.JSON200.RefreshToken != "1//refresh" {
		t.Errorf("google refresh token missing with include_refresh_token=true")
	}
	o, err := e.c.GetMemberOIDCProvidersWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(o.StatusCode(), o.Body, err)
	if len(o.JSON200.Registrations) != 1 || o.JSON200.Registrations[0].RefreshToken != nil {
		t.Errorf("oidc registrations: %+v", o.JSON200.Registrations)
	}

	for _, call := range []func() (int, []byte, error){
		func() (int, []byte, error) {
			r, err := e.c.GetMemberMicrosoftOAuthTokensWithResponse(e.ctx, "acme", id, nil)
			return r.StatusCode(), r.Body, err
		},
		func() (int, []byte, error) {
			r, err := e.c.GetMemberSlackOAuthTokensWithResponse(e.ctx, "acme", id)
			return r.StatusCode(), r.Body, err
		},
		func() (int, []byte, error) {
			r, err := e.c.GetMemberHubspotOAuthTokensWithResponse(e.ctx, "acme", id, nil)
			return r.StatusCode(), r.Body, err
		},
		func() (int, []byte, error) {
			r, err := e.c.GetMemberGithubOAuthTokensWithResponse(e.ctx, "acme", plain.MemberID, nil)
			return r.StatusCode(), r.Body, err
		},
	} {
		s, b, err := call()
		e.expectError(s, b, err, 404, "member_oauth_token_not_found")
	}
	none, err := e.c.GetMemberOIDCProvidersWithResponse(e.ctx, "acme", plain.MemberID, nil)
	e.expectError(none.StatusCode(), none.Body, err, 404, "member_oidc_token_not_found")
}

func TestDeleteMemberExternalID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	m := e.createMember("acme", api.MemberCreateRequest{EmailAddress: "ada@acme.com", ExternalID: ptr("emp-1")})
	resp, err := e.c.DeleteMemberExternalIDWithResponse(e.ctx, "acme", "emp-1", nil)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if resp.JSON200.Member.ExternalID != nil {
		t.Errorf("external id still set")
	}
	again, err := e.c.DeleteMemberExternalIDWithResponse(e.ctx, "acme", m.MemberID, nil)
	e.expectOK(again.StatusCode(), again.Body, err)
	gone, err := e.c.DeleteMemberExternalIDWithResponse(e.ctx, "acme", "emp-1", nil)
	e.expectError(gone.StatusCode(), gone.Body, err, 404, "member_not_found")
	e.createMember("acme", api.MemberCreateRequest{EmailAddress: "grace@acme.com", ExternalID: ptr("emp-1")})
}

// A member's retired addresses stop counting when it is deleted; one taken meanwhile stays with
// its new owner when the member comes back.
func TestReactivationLeavesTakenRetiredEmailsToTheirNewOwner(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000b9"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "b@acme.com"}, MemberID: id,
			EmailAddressVerified: true, RetiredEmails: []mockserver.FixtureRetiredEmail{{EmailAddress: "a@acme.com"}, {EmailAddress: "keep@acme.com"}}}},
	}}})
	del, err := e.c.DeleteMemberWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(del.StatusCode(), del.Body, err)
	newcomer := e.member("acme", "a@acme.com")
	back, err := e.c.ReactivateMemberWithResponse(e.ctx, "acme", id, nil, api.ReactivateMemberJSONRequestBody{})
	e.expectOK(back.StatusCode(), back.Body, err)
	if r := back.JSON200.Member.RetiredEmailAddresses; len(r) != 1 || r[0].EmailAddress != "keep@acme.com" {
		t.Errorf("retired after reactivation = %v", r)
	}
	// The newcomer keeps its address, and the reactivated member's retired one still blocks others.
	got, err := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{EmailAddress: ptr("a@acme.com")})
	e.expectOK(got.StatusCode(), got.Body, err)
	if got.JSON200.MemberID != newcomer.MemberID {
		t.Errorf("a@acme.com belongs to %s", got.JSON200.MemberID)
	}
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/acme/members", map[string]any{"email_address": "keep@acme.com"})
	e.expectError(status, body, nil, 400, "retired_member_email")
}

func TestRemovingAnAbsentMemberExternalIDChangesNothing(t *testing.T) {
	t.Parallel()
	now := testClock
	e := setup(t, mockserver.WithClock(func() time.Time { return now }))
	e.org("Acme", "acme")
	m := e.member("acme", "ada@acme.com")
	now = now.Add(time.Hour)
	resp, err := e.c.DeleteMemberExternalIDWithResponse(e.ctx, "acme", m.MemberID, nil)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if !resp.JSON200.Member.UpdatedAt.Equal(testClock) {
		t.Errorf("updated_at moved to %v", resp.JSON200.Member.UpdatedAt)
	}
}

func TestSeededStateIsNormalized(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000c9"
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: "app1", Name: "App"}},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "a@acme.com"}, MemberID: id,
				ConnectedApps: []mockserver.FixtureGrant{{ConnectedAppID: "app1"}}, // no scopes
				ProviderTokens: mockserver.FixtureTokens{
					Google: &client.OAuthTokens{ProviderSubject: "1", IDToken: "i"}, // no scopes, no provider type
					GitHub: []client.GitHubTokens{{ProviderSubject: "2", AccessToken: "a"}},
				}}},
		}},
	})
	app, err := e.c.GetOrganizationConnectedAppWithResponse(e.ctx, "acme", "app1", nil)
	e.expectOK(app.StatusCode(), app.Body, err)
	g, err := e.c.GetMemberGoogleOAuthTokensWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(g.StatusCode(), g.Body, err)
	if g.JSON200.ProviderType != "Google" {
		t.Errorf("provider_type = %q", g.JSON200.ProviderType)
	}
	gh, err := e.c.GetMemberGithubOAuthTokensWithResponse(e.ctx, "acme", id, nil)
	e.expectOK(gh.StatusCode(), gh.Body, err)

	err = e.srv.Seed(mockserver.Fixture{ProjectID: e.project, Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Beta", Slug: "beta"},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "b@beta.com"},
			ProvisionedRoles: []client.MemberRole{{RoleID: "stytch_admin"}}}},
	}}})
	if err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("a provisioned role without a source must be refused, got %v", err)
	}
}
