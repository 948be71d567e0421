package stytchorgs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// Metadata is a metadata object as Stytch stores it: trusted_metadata of organizations and
// members, untrusted_metadata of members. It holds at most 20 top-level keys and 4 KB.
//
// Values are what encoding/json decodes into an any (string, float64, bool, nil, []any,
// map[string]any), with one exception: an integer beyond ±2^53, which a float64 would round
// (a 64-bit id, say), decodes as a json.Number holding every digit, and is sent back as it came.
// A type switch with a float64 case still sees every other number; Int and Float64 read both.
type Metadata map[string]any

// Limits Stytch sets on a metadata object.
const (
	MetadataMaxKeys  = metadata.MaxKeys
	MetadataMaxBytes = metadata.MaxBytes
)

// UnmarshalJSON decodes a JSON object (or null) as encoding/json does, except that integers
// beyond ±2^53 keep every digit, as json.Number.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	decoded := (*map[string]any)(m) // decoding into it keeps encoding/json's rules for a map
	if !hasLongDigitRun(b) {
		// No number long enough to lose digits: encoding/json's own decoding is exact.
		return json.Unmarshal(b, decoded)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(decoded); err != nil {
		return err
	}
	for k, v := range *decoded {
		exact, err := exactNumbers(v)
		if err != nil {
			return err
		}
		(*decoded)[k] = exact
	}
	return nil
}

// hasLongDigitRun reports whether JSON text holds 16 or more digits in a row outside its
// strings: the only way to write a number float64 may not hold exactly (2^53 has 16 digits).
func hasLongDigitRun(b []byte) bool {
	inString, escaped, run := false, false, 0
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString, run = true, 0
		case c >= '0' && c <= '9':
			if run++; run >= 16 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// exactNumbers turns the json.Numbers of a value decoded with UseNumber into float64, as
// encoding/json would have decoded them, except the integers a float64 cannot hold.
func exactNumbers(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		if beyondFloat64(v) {
			return v, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, &json.UnmarshalTypeError{Value: "number " + string(v), Type: reflect.TypeFor[float64]()}
		}
		return f, nil
	case map[string]any:
		for k, x := range v {
			exact, err := exactNumbers(x)
			if err != nil {
				return nil, err
			}
			v[k] = exact
		}
	case []any:
		for i, x := range v {
			exact, err := exactNumbers(x)
			if err != nil {
				return nil, err
			}
			v[i] = exact
		}
	}
	return v, nil
}

// beyondFloat64 reports whether n is an integer (no fraction, no exponent) of magnitude above
// 2^53, where float64 starts to skip integers.
func beyondFloat64(n json.Number) bool {
	s := string(n)
	if strings.ContainsAny(s, ".eE") {
		return false
	}
	digits := strings.TrimPrefix(s, "-")
	switch {
	case len(digits) < 16:
		return false
	case len(digits) > 16:
		return true
	}
	return digits > "9007199254740992" // 2^53; same length, so text order is numeric order
}

// Get returns the value of a key.
//
// Deprecated: Get is the built-in index expression: write v, ok := m[key].
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

// Float64 returns a key's value if it is a number, rounded to the nearest float64 when it is a
// json.Number beyond float64's precision.
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

// Int returns a key's value if it is a number without a fractional part that an int64 holds;
// an integer kept as json.Number comes back exactly.
func (m Metadata) Int(key string) (int64, bool) {
	if n, ok := m[key].(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, true
		}
	}
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
//
// Deprecated: Clone is maps.Clone(m).
func (m Metadata) Clone() Metadata { return maps.Clone(m) }

// Apply returns m as Stytch stores it after an update sends patch: a key sent replaces the key
// whole, a key sent as nil is deleted, nested values are never merged. Values come back as the
// API would return them (numbers as float64 unless too long for one, structs as maps). m is not
// modified.
func (m Metadata) Apply(patch MetadataPatch) Metadata {
	merged := Metadata(metadata.Merge(m, patch))
	if normalized, err := MetadataOf(merged); err == nil {
		return normalized
	}
	return merged
}

// Check reports whether m is within Stytch's limits: nil, or a *MetadataError with the error
// type Stytch answers past them. The client makes the same check before sending metadata.
func (m Metadata) Check() error {
	if err := metadata.Check("metadata", m); err != nil {
		return newMetadataError("metadata", err)
	}
	return nil
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

// MetadataError is metadata Stytch would refuse, found before anything is sent: more than
// MetadataMaxKeys top-level keys, more than MetadataMaxBytes of compact JSON, or a value JSON
// cannot encode. The client refuses such a request with a *client.ValidationError that wraps a
// MetadataError, so errors.As finds either.
type MetadataError struct {
	// Field names the metadata: trusted_metadata or untrusted_metadata (metadata from Check).
	Field string
	// ErrorType is what Stytch answers: metadata_too_many_keys or metadata_too_large; "" for a
	// value JSON cannot encode, which never reaches Stytch.
	ErrorType string
	// Err is the rule broken, or the encoding error (such as a *json.UnsupportedValueError).
	Err error
}

func (e *MetadataError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *MetadataError) Unwrap() error { return e.Err }

// newMetadataError wraps what metadata.Check returned for field.
func newMetadataError(field string, err error) *MetadataError {
	me := &MetadataError{Field: field, Err: err}
	if le, ok := err.(*metadata.LimitError); ok {
		me.ErrorType = le.ErrorType
	}
	return me
}
