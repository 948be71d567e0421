package stytchorgs

import _ "embed"

//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPISpec returns the OpenAPI 3.0 document, in YAML, that the client is generated from and
// the mock server validates against. The caller owns the returned slice. A program that never
// calls it does not carry the document: the linker drops the unreferenced bytes.
func OpenAPISpec() []byte {
	return append([]byte(nil), openAPIYAML...)
}
