// Package client is a Go SDK for Stytch's B2B Organizations API: organizations, their members,
// organization and member metadata, and RBAC policy.
//
//	c, err := client.New(os.Getenv("STYTCH_PROJECT_ID"), os.Getenv("STYTCH_SECRET"))
//	if err != nil {
//		return err // an empty project id or secret, or an option given bad input
//	}
//	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{
//		Name: "Acme Corporation",
//		Slug: "acme-corp",
//	})
//
// Each area of the API is a service on the client (Organizations, Members, RBAC, Sessions)
// with one method per operation; every method takes a context first and request options last,
// and returns its result and an error. Each method's documentation names the HTTP operation it
// calls.
//
// The API's nouns (Organization, Member, the params of creates and updates, Optional, Metadata)
// are declared in the root package [github.com/b2bkit/stytchorgs], which the mock server shares,
// and re-exported here under the same names as the same types: client.Organization is
// stytchorgs.Organization, so either import works. A method returns an organization, a member
// or a policy by pointer, alone or in a page; small records that come in lists (connected apps,
// tokens, keys) are values.
//
// # Authentication
//
// New takes the project id and secret from Stytch's dashboard and sends them with HTTP Basic
// authentication. It does no network I/O. Project ids that start with project-live- talk to
// https://api.stytch.com, every other to https://test.stytch.com; WithBaseURL points the client
// elsewhere, such as at the mock server in package mockserver.
//
// RBAC-enforced operations can act as a member: WithMemberSession or WithMemberSessionJWT sends
// the member's session, and Stytch then checks the member's permissions.
//
// # Errors
//
// Any answer but a success is an *Error with Stytch's status, request id, error type, message
// and documentation link; a body that is not Stytch's JSON (a proxy's error page) keeps its real
// status and is kept raw in Body. Classify errors with errors.Is and the sentinels:
//
//	org, err := c.Organizations.Get(ctx, "acme-corp")
//	switch {
//	case errors.Is(err, client.ErrNotFound):     // no such organization
//	case errors.Is(err, client.ErrRateLimited):  // retries were not enough
//	case err != nil:
//		var se *client.Error
//		if errors.As(err, &se) {
//			log.Printf("stytch %d %s (request %s)", se.StatusCode, se.ErrorType, se.RequestID)
//		}
//	}
//
// ErrConflict matches the 400s that mean "already used" (a slug, an external id, an email):
// Stytch has no 409. Transport errors and context errors are returned as they are, never turned
// into an *Error. Requests that would break a rule the client can check locally, such as the
// metadata limits or an empty id, fail before anything is sent with a *ValidationError, which
// matches ErrInvalidRequest. Neither the secret nor the Authorization header appears in any
// error or log, nor do credentials given in a base URL.
//
// Every id a method puts in a path goes out as exactly one path segment, whatever it holds:
// "." and ".." as %2E and %2E%2E, "/" as %2F.
//
// # Retries and timeouts
//
// Calls are retried up to twice (WithMaxRetries, WithRequestMaxRetries) with go-retryablehttp.
// Reads, searches and idempotent writes retry on connection errors, 408, 429 and 5xx except
// 501. Creates, and the start of an email update, retry only on 429 or when the request provably
// never reached Stytch (the connection was refused), so a retry never creates something twice.
// Waits grow from about half a second to 8 seconds with jitter (WithRetryWaits); a Retry-After
// header is honoured up to 30 seconds, and a wait the call's deadline cannot outlast is not
// started. When retries run out, the last answer is returned as an *Error. Each call is bounded
// by WithTimeout (60 seconds by default) or WithRequestTimeout, retries included, and by its
// context. Request options that are given bad input, such as a negative timeout, fail the call
// before anything is sent.
//
// A call reaches Stytch at most 1+retries times. net/http sends a GET again by itself when the
// kept-alive connection it used breaks before the answer; such a replay counts as a retry, and
// the last attempt is sent so that net/http cannot replay it. Error.Attempts says how many
// requests a call sent.
//
// A retried write can be answered for what an earlier attempt did: a Delete whose first attempt
// deleted the member, and whose answer was lost, is retried and answered 404. Such an error
// still matches ErrNotFound, and also ErrEarlierAttemptMayHaveSucceeded (its field
// EarlierAttemptMayHaveSucceeded is true) whenever an earlier attempt failed in a way that
// leaves its outcome unknown (a 5xx, a timeout, a connection lost after sending):
//
//	err := c.Members.Delete(ctx, orgID, memberID)
//	if errors.Is(err, client.ErrNotFound) && errors.Is(err, client.ErrEarlierAttemptMayHaveSucceeded) {
//		err = nil // most likely deleted by the first attempt
//	}
//
// # Connections
//
// A Client keeps a pool of connections, unless WithHTTPClient gives it an *http.Client to use.
// Close closes the idle connections of the client's own pool; without it, a discarded client's
// idle connections stay open for up to 90 seconds.
//
// # Pagination
//
// Search returns one page and its NextCursor; SearchAll iterates over every result, fetching
// pages as the loop needs them, and stops with ErrCursorLoop if the server ever repeats a cursor:
//
//	query := client.All(client.OrganizationNameFuzzy("acme"), client.OrganizationAllowedDomains("acme.com"))
//	for org, err := range c.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Query: query}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(org.Name)
//	}
//
// Filters are typed constructors (OrganizationNameFuzzy, MemberEmails, MemberStatuses, …);
// All combines them with AND. Any combines them with OR, which Stytch has deprecated: run one
// All search per alternative instead.
//
// # Updates and metadata
//
// Update params leave a field alone unless it is Set, so "clear" is expressible: Set("") or
// Set([]string{}) sends an empty value. Metadata (trusted_metadata, untrusted_metadata) is merged
// by Stytch at the top level: a MetadataPatch sets keys and deletes keys (Delete sends null),
// and leaves every other key alone:
//
//	c.Organizations.Update(ctx, "acme-corp", client.OrganizationUpdateParams{
//		TrustedMetadata: client.MetadataPatch{}.Set("tier", "enterprise").Delete("trial_ends"),
//	})
//
// Metadata has typed getters (String, Bool, Int, Map), Decode into a struct, and Apply, which
// computes what Stytch will store after a patch. Numbers decode as float64, except integers
// beyond 2^53, which keep every digit as json.Number. A metadata object holds at most 20
// top-level keys and 4 KB; the client refuses, before sending, metadata that cannot fit.
//
// # Testing
//
// Package mockserver is a stateful fake of this API, validated against the same OpenAPI
// document this client is generated from. Point the client at it, and in tests, take the
// waits out of its retries:
//
//	srv := mockserver.Start(t)
//	c, err := client.New("project-test-1234", "secret", client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0))
//	if err != nil {
//		t.Fatal(err)
//	}
//
// With WithRetryWaits(0, 0) a call is still retried as it would be against Stytch, but without
// the backoff between attempts: a read answered 503 three times fails in about a millisecond,
// not the second or more the default waits take. A Retry-After the server sends (a fault's
// RetryAfter) is still waited out.
package client
