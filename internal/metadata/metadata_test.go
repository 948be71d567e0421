package metadata

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	stored := map[string]any{
		"tier":  "growth",
		"flags": map[string]any{"a": true, "b": false},
		"gone":  1.0,
		"keep":  []any{"x"},
	}
	patch := map[string]any{
		"tier":  "enterprise",              // replaced
		"flags": map[string]any{"c": true}, // replaced whole, not merged
		"gone":  nil,                       // deleted
		"new":   map[string]any{"n": 1.0},  // added
		"never": nil,                       // deleting an absent key is a no-op
	}
	want := map[string]any{
		"tier":  "enterprise",
		"flags": map[string]any{"c": true},
		"keep":  []any{"x"},
		"new":   map[string]any{"n": 1.0},
	}
	got := Merge(stored, patch)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Merge = %v, want %v", got, want)
	}
	if _, ok := stored["new"]; ok || stored["tier"] != "growth" || stored["gone"] != 1.0 {
		t.Fatalf("Merge modified the stored map: %v", stored)
	}
	if got := Merge(stored, map[string]any{}); !reflect.DeepEqual(got, stored) {
		t.Fatalf("an empty patch must change nothing, got %v", got)
	}
	if got := Merge(nil, map[string]any{"a": nil}); len(got) != 0 {
		t.Fatalf("deleting from nothing must give nothing, got %v", got)
	}
}

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		m    map[string]any
		want int
	}{
		{nil, 2},
		{map[string]any{}, 2},
		{map[string]any{"a": 1}, len(`{"a":1}`)},
		{map[string]any{"b": "<&>", "a": []any{1, "x"}}, len(`{"a":[1,"x"],"b":"<&>"}`)},
	} {
		got, err := Size(tc.m)
		if err != nil || got != tc.want {
			t.Errorf("Size(%v) = %d, %v; want %d", tc.m, got, err, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	keys := func(n int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[string(rune('a'+i))] = i
		}
		return m
	}
	if err := Check("trusted_metadata", keys(MaxKeys)); err != nil {
		t.Errorf("%d keys must pass: %v", MaxKeys, err)
	}
	var le *LimitError
	err := Check("trusted_metadata", keys(MaxKeys+1))
	if !errors.As(err, &le) || le.ErrorType != ErrorTypeTooManyKeys || !strings.Contains(err.Error(), "trusted_metadata") {
		t.Errorf("%d keys: got %v, want %s", MaxKeys+1, err, ErrorTypeTooManyKeys)
	}

	// {"k":"<n x's>"} is n+8 bytes: exactly at the limit passes, one byte over fails.
	exact := map[string]any{"k": strings.Repeat("x", MaxBytes-8)}
	if n, _ := Size(exact); n != MaxBytes {
		t.Fatalf("test setup: size %d, want %d", n, MaxBytes)
	}
	if err := Check("m", exact); err != nil {
		t.Errorf("exactly %d bytes must pass: %v", MaxBytes, err)
	}
	over := map[string]any{"k": strings.Repeat("x", MaxBytes-7)}
	err = Check("untrusted_metadata", over)
	if !errors.As(err, &le) || le.ErrorType != ErrorTypeTooLarge || le.Bytes != MaxBytes+1 {
		t.Errorf("one byte over: got %v, want %s at %d bytes", err, ErrorTypeTooLarge, MaxBytes+1)
	}
	if err := Check("m", map[string]any{"f": func() {}}); err == nil || errors.As(err, &le) {
		t.Errorf("a value JSON cannot encode must be an error of its own, got %v", err)
	}
}
