package client_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// How a method may be retried, as the client's retry classes say (client/retry.go).
const (
	read       = "read"       // retried on 408, 429, 5xx and connection errors
	idempotent = "idempotent" // retried like a read; a retry after a 5xx may meet the first attempt's work
	ifUnsent   = "if unsent"  // retried only on 429, or when the request never left
)

// methodCall calls one client method, with arguments that pass the client's own checks, and
// returns its error.
type methodCall struct {
	method string // "Service.Method"
	retry  string // read, idempotent or ifUnsent
	call   func(ctx context.Context, c *client.Client) error
}

// methodCalls has one row per exported method of every service (TestEveryMethodHasARow and the
// mapping test's TestSpecEveryMethodMeetsFaults hold it to that).
var methodCalls = []methodCall{
	{"OrganizationsService.Create", ifUnsent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme"})
		return err
	}},
	{"OrganizationsService.Get", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.Get(ctx, "acme")
		return err
	}},
	{"OrganizationsService.Update", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.Update(ctx, "acme", client.OrganizationUpdateParams{Name: client.Set("Acme")})
		return err
	}},
	{"OrganizationsService.Delete", idempotent, func(ctx context.Context, c *client.Client) error {
		return c.Organizations.Delete(ctx, "acme")
	}},
	{"OrganizationsService.Metrics", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.Metrics(ctx, "acme")
		return err
	}},
	{"OrganizationsService.DeleteExternalID", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.DeleteExternalID(ctx, "acme")
		return err
	}},
	{"OrganizationsService.ListConnectedApps", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.ListConnectedApps(ctx, "acme")
		return err
	}},
	{"OrganizationsService.GetConnectedApp", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.GetConnectedApp(ctx, "acme", "app")
		return err
	}},
	{"OrganizationsService.Search", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Organizations.Search(ctx, client.OrganizationSearchParams{})
		return err
	}},
	{"OrganizationsService.SearchAll", read, func(ctx context.Context, c *client.Client) error {
		for _, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{}) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"MembersService.Create", ifUnsent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.Create(ctx, "acme", client.MemberCreateParams{EmailAddress: "ada@acme.com"})
		return err
	}},
	{"MembersService.Get", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.Get(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.GetByEmail", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetByEmail(ctx, "acme", "ada@acme.com")
		return err
	}},
	{"MembersService.Update", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.Update(ctx, "acme", "ada", client.MemberUpdateParams{Name: client.Set("Ada")})
		return err
	}},
	{"MembersService.Delete", idempotent, func(ctx context.Context, c *client.Client) error {
		return c.Members.Delete(ctx, "acme", "ada")
	}},
	{"MembersService.Reactivate", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.Reactivate(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.DangerouslyGet", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.DangerouslyGet(ctx, "ada", client.DangerouslyGetParams{})
		return err
	}},
	{"MembersService.DeletePassword", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.DeletePassword(ctx, "acme", "password")
		return err
	}},
	{"MembersService.DeleteMFAPhoneNumber", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.DeleteMFAPhoneNumber(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.DeleteTOTP", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.DeleteTOTP(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.DeleteExternalID", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.DeleteExternalID(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.UnlinkRetiredEmail", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.UnlinkRetiredEmail(ctx, "acme", "ada", client.RetiredEmailParams{EmailAddress: "old@acme.com"})
		return err
	}},
	{"MembersService.StartEmailUpdate", ifUnsent, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.StartEmailUpdate(ctx, "acme", "ada", client.StartEmailUpdateParams{EmailAddress: "new@acme.com"})
		return err
	}},
	{"MembersService.ListConnectedApps", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.ListConnectedApps(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.RevokeConnectedApp", idempotent, func(ctx context.Context, c *client.Client) error {
		return c.Members.RevokeConnectedApp(ctx, "acme", "ada", "app")
	}},
	{"MembersService.GetOIDCTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetOIDCTokens(ctx, "acme", "ada", client.TokenParams{})
		return err
	}},
	{"MembersService.GetGoogleTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetGoogleTokens(ctx, "acme", "ada", client.TokenParams{})
		return err
	}},
	{"MembersService.GetMicrosoftTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetMicrosoftTokens(ctx, "acme", "ada", client.TokenParams{})
		return err
	}},
	{"MembersService.GetSlackTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetSlackTokens(ctx, "acme", "ada")
		return err
	}},
	{"MembersService.GetHubSpotTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetHubSpotTokens(ctx, "acme", "ada", client.TokenParams{})
		return err
	}},
	{"MembersService.GetGitHubTokens", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.GetGitHubTokens(ctx, "acme", "ada", client.TokenParams{})
		return err
	}},
	{"MembersService.Search", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Members.Search(ctx, client.MemberSearchParams{OrganizationIDs: []string{"acme"}})
		return err
	}},
	{"MembersService.SearchAll", read, func(ctx context.Context, c *client.Client) error {
		for _, err := range c.Members.SearchAll(ctx, client.MemberSearchParams{OrganizationIDs: []string{"acme"}}) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"RBACService.Policy", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.RBAC.Policy(ctx)
		return err
	}},
	{"RBACService.OrganizationPolicy", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.RBAC.OrganizationPolicy(ctx, "acme")
		return err
	}},
	{"RBACService.SetOrganizationPolicy", idempotent, func(ctx context.Context, c *client.Client) error {
		_, err := c.RBAC.SetOrganizationPolicy(ctx, "acme", client.OrganizationPolicy{})
		return err
	}},
	{"SessionsService.JWKS", read, func(ctx context.Context, c *client.Client) error {
		_, err := c.Sessions.JWKS(ctx)
		return err
	}},
}

// outcome is what a call that met a fault is checked for.
type outcome struct {
	Status    int    // of the *client.Error
	ErrorType string // of the *client.Error
	Sentinel  bool   // errors.Is(err, the status's sentinel)
	Attempts  int    // Error.Attempts
	Received  int    // requests the server received
	// Uncertain is Error.EarlierAttemptMayHaveSucceeded (and errors.Is with its sentinel).
	Uncertain bool
}

// Every method meets a 404, a 429 and a 500 from the server on every attempt, with the
// client's default of 2 retries: each ends in a *client.Error that matches the status's sentinel,
// after as many attempts as its retry class allows.
func TestEveryMethodMeetsFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		status    int
		errorType string
		sentinel  error
		attempts  map[string]int  // by retry class
		uncertain map[string]bool // by retry class
	}{
		{http.StatusNotFound, "not_found", client.ErrNotFound, map[string]int{read: 1, idempotent: 1, ifUnsent: 1}, nil},
		{http.StatusTooManyRequests, "too_many_requests", client.ErrRateLimited, map[string]int{read: 3, idempotent: 3, ifUnsent: 3}, nil},
		{http.StatusInternalServerError, "internal_server_error", client.ErrServer, map[string]int{read: 3, idempotent: 3, ifUnsent: 1},
			map[string]bool{idempotent: true}},
	}
	for _, m := range methodCalls {
		for _, f := range faults {
			t.Run(m.method+"/"+http.StatusText(f.status), func(t *testing.T) {
				t.Parallel()
				e := setup(t)
				e.inject(t, mockserver.Fault{Status: f.status, Times: 3})
				err := m.call(e.ctx, e.c)
				var se *client.Error
				if !errors.As(err, &se) {
					t.Fatalf("%v (%T), want a *client.Error", err, err)
				}
				got := outcome{se.StatusCode, se.ErrorType, errors.Is(err, f.sentinel), se.Attempts, len(e.mock.Requests()),
					se.EarlierAttemptMayHaveSucceeded && errors.Is(err, client.ErrEarlierAttemptMayHaveSucceeded)}
				want := outcome{f.status, f.errorType, true, f.attempts[m.retry], f.attempts[m.retry], f.uncertain[m.retry]}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("a %s method (-want +got):\n%s", m.retry, diff)
				}
				if !strings.HasPrefix(se.Path, basePath+"/v1/b2b/") {
					t.Errorf("the error names path %s, not one under %s", se.Path, basePath)
				}
			})
		}
	}
}

// TestEveryMethodHasARow holds methodCalls to the services' methods, one row each.
func TestEveryMethodHasARow(t *testing.T) {
	var rows []string
	for _, m := range methodCalls {
		rows = append(rows, m.method)
	}
	slices.Sort(rows)
	methods := serviceMethods()
	slices.Sort(methods)
	if diff := cmp.Diff(methods, rows); diff != "" {
		t.Errorf("methodCalls rows (-methods +rows):\n%s", diff)
	}
}
