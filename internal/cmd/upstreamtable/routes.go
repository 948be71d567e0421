package main

import (
	"errors"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// routes lists the operations of an OpenAPI document as "METHOD /path", sorted: the keys of
// the table and of spec_upstream_test.go's comparison.
func routes(spec []byte) ([]string, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, err
	}
	if doc.Paths == nil {
		return nil, errors.New("no paths")
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no operations")
	}
	slices.Sort(out)
	return out, nil
}
