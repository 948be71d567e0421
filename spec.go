// Package stytchorgs holds the OpenAPI document of Stytch's B2B Organizations API that the rest
// of this module is generated from or checked against.
//
// Most programs want one of its sub-packages instead: [github.com/b2bkit/stytchorgs/client], the
// SDK, or [github.com/b2bkit/stytchorgs/mockserver], a stateful fake of the API for tests.
package stytchorgs

import _ "embed"

//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPISpec returns the OpenAPI 3.0 document, in YAML, that the client is generated from and
// the mock server validates against. The caller owns the returned slice.
func OpenAPISpec() []byte {
	return append([]byte(nil), openAPIYAML...)
}
