package main

import _ "embed"

// referencePage is the HTML reference of openapi.yaml that bash scripts/docs builds (Redoc,
// inlined, so it works offline), served at /__stytchmock/docs. It is generated: scripts/check-generated
// fails when it no longer matches the spec.
//
//go:generate bash ../../../scripts/docs reference.html
//go:embed reference.html
var referencePage []byte
