// Package stytchorgs holds the nouns of Stytch's B2B Organizations API, beside the OpenAPI
// document they mirror: organizations, members and their parts, RBAC policies, the params of
// creates and updates, Optional for the fields of an update, and Metadata with its patches and
// limits.
//
// Most programs want one of its sub-packages: [github.com/b2bkit/stytchorgs/client], the SDK,
// or [github.com/b2bkit/stytchorgs/mockserver], a stateful fake of the API for tests. Both use
// the types of this package, so a value means the same on either side: an
// OrganizationCreateParams is what the client sends and what a mock fixture seeds. The client
// re-exports every noun of this package (client.Organization is stytchorgs.Organization), so a
// program that only calls the API needs only the client's import.
//
// # Why the root package
//
// The nouns live here, stripe-go style (its root package stripe holds Customer and
// CustomerParams, its sub-packages the calls), rather than in a package of their own, because
// this is where the spec already is: a reader finds the data model beside openapi.yaml, and
// neither the client nor the mock depends on the other for it. The costs were checked: a
// program that imports only the client links neither the embedded spec (the linker drops the
// unreferenced bytes of OpenAPISpec) nor anything of the mock, and the root package imports
// nothing but the standard library and internal/metadata (TestClientProgramsCarryNoSpec and
// TestMockBinaryLinksNoClient hold both). A package of its own (stytch) would read a little
// shorter at the call site, but users of the client need not name either.
//
// What configures one call rather than describing the API's data stays in the client: search
// queries and their filters, the search params with their cursors, the pages, and the knobs of
// single operations (DangerouslyGetParams, TokenParams). They have no JSON body of their own,
// and the mock reads the same queries from the wire.
//
// # Results: pointers and values
//
// The client returns an entity with an identity (an Organization, a Member, a policy) by
// pointer, alone or in a page (OrganizationPage.Organizations is []*Organization), so that a
// search result is the same kind of value as a Get's and a Member can point at its
// Organization. Small records that come only in lists (connected apps, tokens, keys, roles) are
// values.
//
// # Enums
//
// The string types (AccessSetting, MFAPolicy, AuthMethod, MFAMethod, MemberStatus,
// ConnectedAppClientType) name the values Stytch documents today, each constant prefixed with
// its type's name or a short form of it (AccessRestricted, MFARequiredForAll, AuthSSO,
// MemberActive, ConnectedAppThirdParty). In responses they hold whatever Stytch sends: a value
// Stytch adds later decodes without error, so compare with the constants rather than assume the
// list is complete.
package stytchorgs
