package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// table is what the tool extracts: per operation, what spec_upstream_test.go compares, and the
// objects of the requests and responses by their schema names. Types are in the table's
// notation, described in its "about" text (see render.go).
type table struct {
	operations map[string]*operation // by "METHOD /path"
	objects    map[string]map[string]string
}

type operation struct {
	basicAuth bool
	query     map[string]string // parameter name → type
	headers   map[string]string
	body      string // none, optional or required
	request   string // schema name of the JSON body; empty when there is none
	response  string // schema name of the 200 JSON response
}

const schemaPrefix = "#/components/schemas/"

// extract reads the given operations from Stytch's document. It fails, naming the place, on
// anything the notation cannot say, rather than writing a table that says less than the
// document.
func extract(doc *openapi3.T, routes []string) (*table, error) {
	t := &table{operations: map[string]*operation{}, objects: map[string]map[string]string{}}
	for _, route := range routes {
		op, err := t.operation(doc, route)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", route, err)
		}
		t.operations[route] = op
	}
	return t, nil
}

func (t *table) operation(doc *openapi3.T, route string) (*operation, error) {
	method, path, _ := strings.Cut(route, " ")
	var item *openapi3.PathItem
	if doc.Paths != nil {
		item = doc.Paths.Find(path)
	}
	if item == nil {
		return nil, fmt.Errorf("no path %s in Stytch's document (has the operation moved or been withdrawn?)", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil, fmt.Errorf("no %s on path %s in Stytch's document", method, path)
	}
	security := doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	o := &operation{basicAuth: len(security) > 0}
	var err error
	if o.query, o.headers, err = params(append(slices.Clone(item.Parameters), op.Parameters...)); err != nil {
		return nil, err
	}
	if o.body, o.request, err = t.requestBody(op.RequestBody); err != nil {
		return nil, err
	}
	if o.response, err = t.okResponse(op.Responses); err != nil {
		return nil, err
	}
	return o, nil
}

// params reads the query and header parameters; path parameters are part of the route. A
// parameter of the operation comes after those of its path, so it overrides one of the same
// name, as OpenAPI says.
func params(ps openapi3.Parameters) (query, headers map[string]string, err error) {
	for _, p := range ps {
		v := p.Value
		if v.In != openapi3.ParameterInQuery && v.In != openapi3.ParameterInHeader {
			continue
		}
		if v.Schema == nil || v.Schema.Value.Type == nil || len(v.Schema.Value.Type.Slice()) == 0 {
			return nil, nil, fmt.Errorf("%s parameter %s has no schema type", v.In, v.Name)
		}
		typ := v.Schema.Value.Type.Slice()[0]
		if v.Required {
			typ = "!" + typ
		}
		if v.In == openapi3.ParameterInQuery {
			query = set(query, v.Name, typ)
		} else {
			headers = set(headers, v.Name, typ)
		}
	}
	return query, headers, nil
}

// set is a map assignment that makes the map first, so that an operation without parameters
// of a kind keeps a nil map, which the table leaves out.
func set(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func (t *table) requestBody(rb *openapi3.RequestBodyRef) (body, name string, err error) {
	if rb == nil {
		return "none", "", nil
	}
	body = "optional"
	if rb.Value.Required {
		body = "required"
	}
	name, err = t.namedObject(rb.Value.Content, "request body")
	return body, name, err
}

func (t *table) okResponse(rs *openapi3.Responses) (string, error) {
	var r *openapi3.ResponseRef
	if rs != nil {
		r = rs.Status(200)
	}
	if r == nil {
		return "", errors.New("no 200 response")
	}
	return t.namedObject(r.Value.Content, "200 response")
}

// namedObject records the JSON schema of a request or response, which the table names by its
// schema name.
func (t *table) namedObject(content openapi3.Content, what string) (string, error) {
	media := content.Get("application/json")
	if media == nil || media.Schema == nil {
		return "", fmt.Errorf("the %s has no application/json schema", what)
	}
	name, ok := strings.CutPrefix(media.Schema.Ref, schemaPrefix)
	if !ok {
		return "", fmt.Errorf("the %s schema is not a $ref to %s…: the table names objects by their schema names", what, schemaPrefix)
	}
	return name, t.object(name, media.Schema.Value)
}

// object records an object schema's properties. An object met before is not read again, which
// also ends the walk on a schema that contains itself.
func (t *table) object(name string, s *openapi3.Schema) error {
	if _, ok := t.objects[name]; ok {
		return nil
	}
	props := map[string]string{}
	t.objects[name] = props
	for _, r := range s.Required {
		if s.Properties[r] == nil {
			return fmt.Errorf("%s: required property %s is not declared", name, r)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(s.Properties)) {
		typ, err := t.typeOf(s.Properties[p], name+"."+p)
		if err != nil {
			return err
		}
		if slices.Contains(s.Required, p) {
			typ = "!" + typ
		}
		props[p] = typ
	}
	return nil
}

// typeOf writes a schema in the table's notation. where names the value in errors, as the
// comparison's keys do: object.property, [] for array items, {} for map values.
//
// Nullable, format and enum are written for scalars only, as the notation has no place for
// them on arrays and objects.
func (t *table) typeOf(ref *openapi3.SchemaRef, where string) (string, error) {
	s := ref.Value
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil {
		return "", fmt.Errorf("%s: allOf, anyOf, oneOf and not have no place in the table's notation", where)
	}
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return "", fmt.Errorf("%s: no type", where)
	}
	switch typ := s.Type.Slice()[0]; {
	case typ == "array":
		if s.Items == nil {
			return "", fmt.Errorf("%s: an array without items", where)
		}
		items, err := t.typeOf(s.Items, where+"[]")
		return "array of " + items, err
	case typ == "object":
		return t.objectType(ref, where)
	default:
		return scalar(typ, s), nil
	}
}

// objectType writes an object-typed value: a named object of the table, a map or a free-form
// object.
func (t *table) objectType(ref *openapi3.SchemaRef, where string) (string, error) {
	s := ref.Value
	if len(s.Properties) > 0 {
		name, ok := strings.CutPrefix(ref.Ref, schemaPrefix)
		if !ok {
			return "", fmt.Errorf("%s: an object with properties but no $ref: the table names objects by their schema names", where)
		}
		return "@" + name, t.object(name, s)
	}
	if s.AdditionalProperties.Schema != nil {
		values, err := t.typeOf(s.AdditionalProperties.Schema, where+"{}")
		return "map of " + values, err
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		return "", fmt.Errorf("%s: an object that allows no property at all", where)
	}
	return "object", nil
}

// scalar writes a string, number, integer or boolean: type/format, ? when nullable, and the
// closed values.
func scalar(typ string, s *openapi3.Schema) string {
	if s.Format != "" {
		typ += "/" + s.Format
	}
	if s.Nullable {
		typ += "?"
	}
	if len(s.Enum) > 0 {
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		typ += " enum(" + strings.Join(values, "|") + ")"
	}
	return typ
}
