package store

// Value helpers every part of the store shares: reading optional request fields, setting
// response fields from them, empty values for absent lists and objects, and metadata merging.

import (
	"slices"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/internal/metadata"
)

func metadataError(err error) *Error {
	if le, ok := err.(*metadata.LimitError); ok {
		return invalid(le.ErrorType, "%s", le.Error())
	}
	return invalid("metadata_invalid_format", "%s", err.Error())
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefSlice[T any](p *[]T) []T {
	if p == nil || *p == nil {
		return []T{}
	}
	return slices.Clone(*p)
}

// mergeMetadata returns stored (nil: none) with patch applied by Stytch's rules, as a new object.
func mergeMetadata(stored *map[string]any, patch api.MetadataPatch) *map[string]any {
	merged := metadata.Merge(derefMap(stored), patch)
	return &merged
}

func derefMap(p *map[string]any) map[string]any {
	if p == nil {
		return nil
	}
	return *p
}

// orDefault is the string value of an optional request setting, or def when it is absent.
func orDefault[T ~string](p *T, def string) string {
	if p == nil {
		return def
	}
	return string(*p)
}

// setString sets a response setting from an optional request setting, when it is present.
func setString[T ~string](dst *string, src *T) {
	if src != nil {
		*dst = string(*src)
	}
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

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func setSlice[T any](dst *[]T, src *[]T) {
	if src != nil {
		*dst = derefSlice(src)
	}
}

func metadataOrEmpty(m *map[string]any) *map[string]any {
	out := map[string]any{}
	if m != nil {
		for k, v := range *m {
			out[k] = v
		}
	}
	return &out
}

func orEmptyTenants(t *api.AllowedOAuthTenants) *api.AllowedOAuthTenants {
	if t == nil {
		return &api.AllowedOAuthTenants{}
	}
	c := *t
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
