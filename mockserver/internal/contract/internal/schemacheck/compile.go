package schemacheck

import (
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Compiling: kin-openapi's schema objects into nodes, one keyword group at a time. A schema
// that uses anything a fill function does not model compiles to an unsupported node, which
// never vouches for a document.

type compiler struct {
	opts  Options
	nodes map[*openapi3.Schema]*node
}

func (c *compiler) compile(s *openapi3.Schema) *node {
	if s == nil {
		return &node{unsupported: true} // an unresolved reference: kin-openapi reports it
	}
	if n, ok := c.nodes[s]; ok {
		return n // shared or recursive schemas compile once
	}
	n := &node{maxProps: -1, maxItems: -1, maxLen: -1}
	c.nodes[s] = n
	if !c.fill(n, s) {
		*n = node{unsupported: true}
	}
	return n
}

// fill compiles s into n, and reports false when s uses what this package does not model.
func (c *compiler) fill(n *node, s *openapi3.Schema) bool {
	if unmodelled(s) || !fillTypes(n, s) {
		return false
	}
	n.nullable = s.Nullable
	if len(s.OneOf) > 0 {
		return c.fillOneOf(n, s)
	}
	if s.IsEmpty() {
		n.anything = true // any value but null, as kin-openapi has it
		return true
	}
	if n.types == 0 {
		return false // keywords without a type: leave to kin-openapi
	}
	return c.fillObject(n, s) && c.fillArray(n, s) && fillString(n, s) && fillFormat(n, s) && fillNumber(n, s)
}

// unmodelled reports whether s uses a keyword this package does not model at all.
func unmodelled(s *openapi3.Schema) bool {
	// MinProps: a repeated key counts twice here, once for kin-openapi's decoded map.
	return len(s.AllOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil || s.UniqueItems || s.ReadOnly || s.WriteOnly ||
		s.MultipleOf != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.Const != nil ||
		len(s.PrefixItems) > 0 || s.If != nil || s.PatternProperties != nil || s.PropertyNames != nil ||
		s.MinLength > math.MaxInt32 || s.Always != nil || s.MinProps > 0
}

// typeBits are the JSON types of the type keyword.
var typeBits = map[string]typeSet{
	openapi3.TypeObject:  tObject,
	openapi3.TypeArray:   tArray,
	openapi3.TypeString:  tString,
	openapi3.TypeInteger: tInteger,
	openapi3.TypeNumber:  tNumber,
	openapi3.TypeBoolean: tBoolean,
}

func fillTypes(n *node, s *openapi3.Schema) bool {
	if s.Type == nil {
		return true
	}
	for _, t := range s.Type.Slice() {
		bit, ok := typeBits[t]
		if !ok {
			return false // null, or a type of a later JSON Schema
		}
		n.types |= bit
	}
	return true
}

// fillOneOf compiles a oneOf with a discriminator that maps every value to a branch.
// kin-openapi applies the parent's own keywords after the branch: only a parent with none (a
// nullable parent aside, whose null is left to kin-openapi) is modelled.
func (c *compiler) fillOneOf(n *node, s *openapi3.Schema) bool {
	parent := *s
	parent.OneOf, parent.Discriminator, parent.Nullable = nil, nil, false
	if s.Discriminator == nil || len(s.Discriminator.Mapping) == 0 || !parent.IsEmpty() {
		return false
	}
	n.discProp = s.Discriminator.PropertyName
	n.discMap = map[string]*node{}
	for value, mapping := range s.Discriminator.Mapping {
		var target *openapi3.Schema
		for _, item := range s.OneOf {
			if item.Ref == mapping.Ref {
				target = item.Value
			}
		}
		if target == nil {
			return false
		}
		n.discMap[value] = c.compile(target)
	}
	return true
}

// fillObject compiles properties, required, additionalProperties and maxProperties.
func (c *compiler) fillObject(n *node, s *openapi3.Schema) bool {
	if len(s.Properties) > 64 {
		return false // one bit each in the required mask
	}
	if len(s.Properties) > 0 && !c.fillProperties(n, s) {
		return false
	}
	for _, r := range s.Required {
		p, ok := n.props[r]
		if !ok {
			return false // a required property without a schema: rare, leave it
		}
		n.required |= p.bit
	}
	switch {
	case s.AdditionalProperties.Schema != nil:
		n.addl = c.compile(s.AdditionalProperties.Schema.Value)
	case s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has:
		n.addlForbid = true
	}
	if s.MaxProps != nil {
		n.maxProps = int(*s.MaxProps)
	}
	return true
}

func (c *compiler) fillProperties(n *node, s *openapi3.Schema) bool {
	n.props = make(map[string]property, len(s.Properties))
	n.names = slices.Sorted(maps.Keys(s.Properties))
	if c.opts.Request {
		n.foldNames = make(map[string]bool, len(s.Properties))
	}
	for i, name := range n.names {
		p := property{node: c.compile(s.Properties[name].Value), bit: 1 << i, index: i}
		n.props[name] = p
		n.ordered = append(n.ordered, p)
		if n.foldNames != nil {
			if len(name) > maxFoldedName {
				return false // foldsOntoProperty compares keys of at most that length
			}
			n.foldNames[strings.ToLower(name)] = true
		}
	}
	return true
}

// fillArray compiles items, minItems and maxItems.
func (c *compiler) fillArray(n *node, s *openapi3.Schema) bool {
	if s.Items != nil {
		n.items = c.compile(s.Items.Value)
	}
	n.minItems = int(s.MinItems)
	if s.MaxItems != nil {
		n.maxItems = int(*s.MaxItems)
	}
	return true
}

// fillString compiles minLength, maxLength, pattern and a string enum.
func fillString(n *node, s *openapi3.Schema) bool {
	n.minLen = int(s.MinLength)
	if s.MaxLength != nil {
		n.maxLen = int(*s.MaxLength)
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return false
		}
		n.pattern = re
	}
	if len(s.Enum) > 0 {
		n.enum = make(map[string]bool, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return false
			}
			n.enum[str] = true
		}
	}
	return true
}

// formats are the formats this package checks.
var formats = map[string]formatKind{
	"date-time": formatDateTime,
	"date":      formatDate,
	"int32":     formatInt32,
	"int64":     formatInt64,
}

// fillFormat compiles format. kin-openapi checks only the formats registered with it; an
// unregistered one (email, uri) is an annotation. A registered one this package does not know
// is not modelled.
func fillFormat(n *node, s *openapi3.Schema) bool {
	if s.Format == "" {
		return true
	}
	if f, ok := formats[s.Format]; ok {
		n.format = f
		return true
	}
	_, str := openapi3.SchemaStringFormats[s.Format]
	_, integer := openapi3.SchemaIntegerFormats[s.Format]
	_, number := openapi3.SchemaNumberFormats[s.Format]
	return !str && !integer && !number
}

// fillNumber compiles minimum and maximum.
func fillNumber(n *node, s *openapi3.Schema) bool {
	n.min, n.max = s.Min, s.Max
	return true
}
