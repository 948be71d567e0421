package store

// Value helpers every part of the store shares: reading optional request fields, setting
// response fields from them, empty values for absent lists and objects, and metadata merging.

import (
	"slices"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// Deref is the value p points to, or T's zero value when p is nil: an optional request field
// read with its default. The mock's handlers use it too.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// derefSlice is a copy of an optional request list; absent is empty.
func derefSlice[T any](p *[]T) []T {
	if p == nil || *p == nil {
		return []T{}
	}
	return slices.Clone(*p)
}

// orDefault is the string value of an optional request setting, or def when it is absent.
func orDefault[T ~string](p *T, def string) string {
	if p == nil {
		return def
	}
	return string(*p)
}

// stringList is an optional list of request values as the response's strings; absent is empty.
func stringList[T ~string](p *[]T) []string {
	if p == nil {
		return []string{}
	}
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = string(v)
	}
	return out
}

// set sets a response field from an optional request field, when it is present.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// setString sets a response setting from an optional request setting, when it is present.
func setString[T ~string](dst *string, src *T) {
	if src != nil {
		*dst = string(*src)
	}
}

// setSlice sets a response list to a copy of an optional request list, when it is present.
func setSlice[T any](dst *[]T, src *[]T) {
	if src != nil {
		*dst = derefSlice(src)
	}
}

// nonNil is s, or an empty slice when s is nil: responses hold [] for an empty list, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Empty values for the objects a request leaves out, one for every organization and member:
// like everything the store hands out they are never modified.
var (
	noMetadata = &map[string]any{}
	noTenants  = &api.AllowedOAuthTenants{}
)

// metadataOrEmpty is a request's metadata object, kept as it is (the store takes over what a
// request points to, see the package doc); absent is empty.
func metadataOrEmpty(m *map[string]any) *map[string]any {
	if m == nil || *m == nil {
		return noMetadata
	}
	return m
}

// orEmptyTenants is a request's allowed_oauth_tenants object, kept as it is; absent is empty.
func orEmptyTenants(t *api.AllowedOAuthTenants) *api.AllowedOAuthTenants {
	if t == nil {
		return noTenants
	}
	return t
}

// mergeMetadata returns stored (nil: none) with patch applied by Stytch's rules, as a new object.
func mergeMetadata(stored *map[string]any, patch api.MetadataPatch) *map[string]any {
	merged := metadata.Merge(Deref(stored), patch)
	return &merged
}

// metadataError is the store's error for metadata that breaks Stytch's limits or is no JSON.
func metadataError(err error) *Error {
	if le, ok := err.(*metadata.LimitError); ok {
		return invalid(le.ErrorType, "%s", le.Error())
	}
	return invalid("metadata_invalid_format", "%s", err.Error())
}
