package client

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// Metadata is a metadata object as Stytch stores it: trusted_metadata of organizations and
// members, untrusted_metadata of members. It holds at most 20 top-level keys and 4 KB.
// Values are what encoding/json decodes: string, float64, bool, nil, []any, map[string]any.
type Metadata map[string]any

// Limits Stytch sets on a metadata object.
const (
	MetadataMaxKeys  = metadata.MaxKeys
	MetadataMaxBytes = metadata.MaxBytes
)

// Get returns the value of a key.
func (m Metadata) Get(key string) (any, bool) {
	v, ok := m[key]
	return v, ok
}

// String returns a key's value if it is a string.
func (m Metadata) String(key string) (string, bool) {
	v, ok := m[key].(string)
	return v, ok
}

// Bool returns a key's value if it is a boolean.
func (m Metadata) Bool(key string) (bool, bool) {
	v, ok := m[key].(bool)
	return v, ok
}

// Float64 returns a key's value if it is a number.
func (m Metadata) Float64(key string) (float64, bool) {
	switch v := m[key].(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// Int returns a key's value if it is a number without a fractional part.
func (m Metadata) Int(key string) (int64, bool) {
	f, ok := m.Float64(key)
	if !ok || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// Map returns a key's value if it is a JSON object.
func (m Metadata) Map(key string) (Metadata, bool) {
	v, ok := m[key].(map[string]any)
	return v, ok
}

// Decode decodes the whole object into v, a pointer to a struct or map, through JSON: struct
// fields match keys by their json tags.
func (m Metadata) Decode(v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// DecodeKey decodes one key's value into v through JSON.
func (m Metadata) DecodeKey(key string, v any) error {
	raw, ok := m[key]
	if !ok {
		return fmt.Errorf("metadata has no key %q", key)
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Clone returns a copy of m. Nested values are shared, as they are never modified in place.
func (m Metadata) Clone() Metadata { return maps.Clone(m) }

// Apply returns m as Stytch stores it after an update sends patch: a key sent replaces the key
// whole, a key sent as nil is deleted, nested values are never merged. Values come back as JSON
// decodes them (numbers as float64, structs as maps), as the API would return them. m is not
// modified.
func (m Metadata) Apply(patch MetadataPatch) Metadata {
	merged := Metadata(metadata.Merge(m, patch))
	if normalized, err := MetadataOf(merged); err == nil {
		return normalized
	}
	return merged
}

// Check reports whether m is within Stytch's limits, with the same errors Stytch answers past
// them. The client checks metadata before sending it; a *ValidationError means nothing was sent.
func (m Metadata) Check() error { return m.check("metadata") }

func (m Metadata) check(field string) error {
	return metadataError(field, metadata.Check(field, m))
}

// MetadataOf encodes a struct (or anything JSON encodes as an object) as Metadata.
func MetadataOf(v any) (Metadata, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("metadata must encode as a JSON object: %w", err)
	}
	return m, nil
}

// MetadataPatch is a change to a stored metadata object, merged by Stytch's rules: each key set
// replaces the stored key whole, and each key deleted (sent as null) is removed. Keys not in the
// patch are left alone. The zero patch changes nothing and is not sent.
type MetadataPatch map[string]any

// Set makes the patch set key to value, and returns the patch so that calls chain. On a nil
// patch it returns a new one: write p = p.Set(…) when p may be nil.
func (p MetadataPatch) Set(key string, value any) MetadataPatch {
	if p == nil {
		p = MetadataPatch{}
	}
	p[key] = value
	return p
}

// Delete makes the patch delete key (Stytch receives it as null), and returns the patch like Set.
func (p MetadataPatch) Delete(key string) MetadataPatch {
	if p == nil {
		p = MetadataPatch{}
	}
	p[key] = nil
	return p
}

// check fails before any request when the patch alone already breaks Stytch's limits: the keys
// it sets all end up stored, so more than 20 of them, or more than 4 KB of them, can never fit.
func (p MetadataPatch) check(field string) error {
	return metadataError(field, metadata.Check(field, metadata.Merge(nil, p)))
}

// metadataError turns a limit failure into the *ValidationError callers see before a request.
func metadataError(field string, err error) error {
	if err == nil {
		return nil
	}
	ve := &ValidationError{Field: field, Reason: err.Error(), cause: err}
	if le, ok := err.(*metadata.LimitError); ok {
		ve.ErrorType = le.ErrorType
	}
	return ve
}
