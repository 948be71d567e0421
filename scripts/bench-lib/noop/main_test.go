package main

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// The ceiling must answer what the mock answers in size and shape, or the bench compares unlike
// work: its body is openapi.yaml's OrganizationResponse example, and stays so.
func TestBodyIsTheSpecsOrganizationResponseExample(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ex := doc.Components.Examples["OrganizationResponse"]
	if ex == nil || ex.Value == nil {
		t.Fatal("openapi.yaml has no OrganizationResponse example")
	}
	want, err := json.Marshal(ex.Value.Value)
	if err != nil {
		t.Fatal(err)
	}
	var got, spec any
	if err := json.Unmarshal([]byte(organizationResponse), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &spec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, spec) {
		t.Errorf("organizationResponse differs from openapi.yaml's example; copy it again:\n%s", want)
	}
}
