package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// source is the upstream commit the table was taken from.
type source struct {
	commit    string
	committed string // YYYY-MM-DD
}

// about tells a reader of the table what it holds and how to read its types; %d is the number
// of operations.
const about = "What Stytch's published OpenAPI document says about the %d operations of this API: for each, its method and path, whether it needs Basic credentials, its query and header parameters, whether it takes a JSON body, and the objects of its request and 200 response with each property's type and whether it is required. Facts only, extracted from the file named in source; spec_upstream_test.go compares openapi.yaml with this table. Notation: a leading ! marks a required property or parameter; type/format as in OpenAPI; enum(a|b) lists closed values; @name is an object of the objects table; array of X; map of X is an object whose every property is an X; object alone is a free-form object."

// render writes the table as JSON laid out by hand: one line per operation and per property,
// keys sorted, so that a refresh shows in a diff as the lines of the facts that changed.
func render(t *table, src source) []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	fmt.Fprintf(&b, "  \"about\": %s,\n", quote(fmt.Sprintf(about, len(t.operations))))
	fmt.Fprintf(&b, "  \"source\": {\"repository\": \"stytchauth/stytch-openapi\", \"path\": \"openapi.yml\", \"commit\": %s, \"committed\": %s},\n",
		quote(src.commit), quote(src.committed))
	b.WriteString("  \"operations\": {\n")
	routes := slices.Sorted(maps.Keys(t.operations))
	for i, route := range routes {
		fmt.Fprintf(&b, "    %s: {%s}%s\n", quote(route), operationFields(t.operations[route]), separator(i, len(routes)))
	}
	b.WriteString("  },\n  \"objects\": {\n")
	names := slices.Sorted(maps.Keys(t.objects))
	for i, name := range names {
		writeObject(&b, name, t.objects[name])
		b.WriteString(separator(i, len(names)) + "\n")
	}
	b.WriteString("  }\n}\n")
	return b.Bytes()
}

// operationFields writes an operation's fields on one line; the query and headers fields are
// left out when there are none, and request when there is no body.
func operationFields(o *operation) string {
	fields := []string{fmt.Sprintf(`"basic_auth": %v`, o.basicAuth)}
	if len(o.query) > 0 {
		fields = append(fields, `"query": `+inlineObject(o.query))
	}
	if len(o.headers) > 0 {
		fields = append(fields, `"headers": `+inlineObject(o.headers))
	}
	fields = append(fields, `"body": `+quote(o.body))
	if o.request != "" {
		fields = append(fields, `"request": `+quote("@"+o.request))
	}
	fields = append(fields, `"response": `+quote("@"+o.response))
	return strings.Join(fields, ", ")
}

func inlineObject(m map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, quote(k)+": "+quote(m[k]))
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}

// writeObject writes an object of the table, one property a line, without the separator that
// follows it.
func writeObject(b *bytes.Buffer, name string, props map[string]string) {
	if len(props) == 0 {
		fmt.Fprintf(b, "    %s: {}", quote(name))
		return
	}
	fmt.Fprintf(b, "    %s: {\n", quote(name))
	keys := slices.Sorted(maps.Keys(props))
	for i, k := range keys {
		fmt.Fprintf(b, "      %s: %s%s\n", quote(k), quote(props[k]), separator(i, len(keys)))
	}
	b.WriteString("    }")
}

func separator(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// quote writes a JSON string. Marshalling a string cannot fail.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
