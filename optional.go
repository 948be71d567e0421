package stytchorgs

import (
	"encoding/json"
	"reflect"
)

// Optional is a field of an update: the zero Optional leaves the stored value alone, and
// Set(v) changes it to v, even when v is "", false, 0 or an empty list (which clears a list).
//
//	stytchorgs.OrganizationUpdateParams{
//		Name:                stytchorgs.Set("Acme Corporation"),
//		EmailAllowedDomains: stytchorgs.Set([]string{}), // clear the list
//		// every other field is left as it is
//	}
type Optional[T any] struct {
	value T
	set   bool
}

// Set returns an Optional that changes a field to v.
func Set[T any](v T) Optional[T] { return Optional[T]{value: v, set: true} }

// Clear returns an Optional that changes a field to its empty value: "", false, 0 or [].
func Clear[T any]() Optional[T] { return Optional[T]{set: true} }

// Get returns the value and whether the field is to be changed.
func (o Optional[T]) Get() (T, bool) { return o.value, o.set }

// IsZero reports whether the field is left alone; encoding/json's omitzero leaves it out.
func (o Optional[T]) IsZero() bool { return !o.set }

// MarshalJSON encodes the value; a nil list is sent as [] so that it clears the stored list.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	v := reflect.ValueOf(&o.value).Elem()
	if v.Kind() == reflect.Slice && v.IsNil() {
		return []byte("[]"), nil
	}
	return json.Marshal(o.value)
}
