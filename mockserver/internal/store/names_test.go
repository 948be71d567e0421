package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

func wantInvalid(t *testing.T, what string, err error, errorType string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != Invalid || e.Type != errorType {
		t.Errorf("%s: got %v, want 400 %s", what, err, errorType)
	}
}

// A name that shows nothing (white space, NUL and other control characters, zero-width
// characters) is refused as an invalid name, on create and on update, for organizations and
// members alike. A member may still have no name ("").
func TestBlankNamesAreRefused(t *testing.T) {
	p := New(Options{}).Project("project-test-names")
	org, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Acme"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ada, err := p.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "ada@acme.com"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{" ", "   ", "\t\r\n", "\x00", "\x00\x00\x00", " \x00 ", "\u00a0", "\u3000", "\u200b", "\ufeff\u200d"} {
		what := fmt.Sprintf("%q", name)
		_, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: name}, nil)
		wantInvalid(t, what+" as a new organization's name", err, "invalid_organization_name")
		_, err = p.UpdateOrganization(org.OrganizationID, api.OrganizationUpdateRequest{OrganizationName: &name}, nil)
		wantInvalid(t, what+" as an organization's new name", err, "invalid_organization_name")
		_, err = p.CreateMember(org.OrganizationID, api.MemberCreateRequest{EmailAddress: "grace@acme.com", Name: &name}, nil, nil)
		wantInvalid(t, what+" as a new member's name", err, "invalid_name")
		_, err = p.UpdateMember(org.OrganizationID, ada.Member.MemberID, api.MemberUpdateRequest{Name: &name}, nil)
		wantInvalid(t, what+" as a member's new name", err, "invalid_name")
	}
	for _, name := range []string{" Acme ", "\x00A", "Ω", "\u200bx"} {
		if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: name}, nil); err != nil {
			t.Errorf("organization name %q: %v", name, err)
		}
		if _, err := p.UpdateMember(org.OrganizationID, ada.Member.MemberID, api.MemberUpdateRequest{Name: &name}, nil); err != nil {
			t.Errorf("member name %q: %v", name, err)
		}
	}
	none := ""
	if _, err := p.UpdateMember(org.OrganizationID, ada.Member.MemberID, api.MemberUpdateRequest{Name: &none}, nil); err != nil {
		t.Errorf("clearing a member's name: %v", err)
	}
}

// Namesakes get -2, -3, … in turn; a suffix is not given twice for one slug, so one freed by a
// delete is not reused, and one taken by an explicit slug is skipped.
func TestDerivedSlugsOfNamesakes(t *testing.T) {
	p := New(Options{}).Project("project-test-namesakes")
	create := func(name string, slug *string) api.Organization {
		t.Helper()
		o, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: name, OrganizationSlug: slug}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	var got []string
	var orgs []api.Organization
	for range 4 {
		o := create("Acme", nil)
		orgs = append(orgs, o)
		got = append(got, o.OrganizationSlug)
	}
	if want := []string{"acme", "acme-2", "acme-3", "acme-4"}; !slices.Equal(got, want) {
		t.Errorf("namesakes got %v, want %v", got, want)
	}
	if _, err := p.DeleteOrganization(orgs[2].OrganizationID, nil); err != nil {
		t.Fatal(err)
	}
	create("Explicit", ptr("ACME-5"))
	if o := create("ACME", nil); o.OrganizationSlug != "acme-6" {
		t.Errorf("after acme-3 was freed and ACME-5 taken: got %s, want acme-6", o.OrganizationSlug)
	}
	if _, err := p.DeleteOrganization(orgs[0].OrganizationID, nil); err != nil {
		t.Fatal(err)
	}
	if o := create("Acme", nil); o.OrganizationSlug != "acme" {
		t.Errorf("with acme free: got %s, want acme", o.OrganizationSlug)
	}
}

// BenchmarkCreateOrganizationNamesake creates organizations that all have the same name, so each
// derived slug must step past every namesake's: the cost per create must stay flat as the
// project grows (compare -benchtime 2000x with 20000x).
//
//	go test ./mockserver/internal/store -run '^$' -bench Namesake -benchtime 20000x
func BenchmarkCreateOrganizationNamesake(b *testing.B) {
	p := New(Options{}).Project("project-test-namesake")
	for b.Loop() {
		if _, err := p.CreateOrganization(api.OrganizationCreateRequest{OrganizationName: "Acme Corporation"}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
