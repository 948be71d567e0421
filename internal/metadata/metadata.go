// Package metadata holds Stytch's rules for trusted and untrusted metadata, shared by the client
// (which checks them before sending) and the mock server (which enforces them).
//
// A metadata object is a JSON object. An update is merged into the stored object at the top
// level only: a key sent replaces the stored key whole, nested objects and arrays are never
// merged, and a key sent as null is deleted. The result may hold at most MaxKeys top-level keys
// and at most MaxBytes bytes of compact JSON.
package metadata

import (
	"bytes"
	"encoding/json"
	"fmt"
)

const (
	// MaxKeys is the most top-level keys a metadata object may hold.
	MaxKeys = 20
	// MaxBytes is the most bytes the compact JSON encoding of a metadata object may take.
	MaxBytes = 4096
)

// Error types Stytch answers when metadata breaks a rule.
const (
	ErrorTypeTooManyKeys = "metadata_too_many_keys"
	ErrorTypeTooLarge    = "metadata_too_large"
)

// LimitError reports metadata past one of Stytch's limits.
type LimitError struct {
	Field     string // "trusted_metadata" or "untrusted_metadata"; may be empty
	ErrorType string // ErrorTypeTooManyKeys or ErrorTypeTooLarge
	Keys      int    // top-level keys after the merge
	Bytes     int    // size of the compact JSON encoding after the merge
}

func (e *LimitError) Error() string {
	field := e.Field
	if field == "" {
		field = "metadata"
	}
	if e.ErrorType == ErrorTypeTooManyKeys {
		return fmt.Sprintf("%s may hold at most %d top-level keys; it would hold %d", field, MaxKeys, e.Keys)
	}
	return fmt.Sprintf("%s may be at most 4KB (%d bytes of compact JSON); it would be %d bytes", field, MaxBytes, e.Bytes)
}

// Merge returns stored with patch applied by Stytch's rules. Neither argument is modified; the
// result shares values with them, so callers must treat every value as read-only.
func Merge(stored, patch map[string]any) map[string]any {
	merged := make(map[string]any, len(stored)+len(patch))
	for k, v := range stored {
		merged[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	return merged
}

// Size returns the length of m's compact JSON encoding, the measure of the 4 KB limit: keys
// sorted, no insignificant whitespace, and no HTML escaping of <, > and &.
func Size(m map[string]any) (int, error) {
	if len(m) == 0 {
		return 2, nil // {}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return 0, err
	}
	return buf.Len() - 1, nil // Encode ends with a newline
}

// Check reports whether m is within Stytch's limits. field names the metadata in the error.
// A value that cannot be encoded as JSON is an error too.
func Check(field string, m map[string]any) error {
	if len(m) > MaxKeys {
		return &LimitError{Field: field, ErrorType: ErrorTypeTooManyKeys, Keys: len(m)}
	}
	n, err := Size(m)
	if err != nil {
		return fmt.Errorf("%s is not valid JSON: %w", field, err)
	}
	if n > MaxBytes {
		return &LimitError{Field: field, ErrorType: ErrorTypeTooLarge, Keys: len(m), Bytes: n}
	}
	return nil
}
