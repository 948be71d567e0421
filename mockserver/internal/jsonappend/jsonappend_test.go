package jsonappend

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// trickyStrings are strings whose JSON encoding/json writes with care.
var trickyStrings = []string{
	"", "plain", `quote " backslash \ slash /`, "<script>&amp;</script>", "\u2028 and \u2029",
	"\x00\x01\x1f\x7f", "\b\f\n\r\t", "bad utf-8 \xff\xfe and cut \xe2\x82", "snow ☃ and emoji 😀",
	"\ufffd literal", "\u00e9\u0301",
}

// marshal is what encoding/json's Encoder writes for v, without its final newline.
func marshal(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestStringWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, s := range trickyStrings {
		if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Errorf("String(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Errorf("String(%q) = %s, encoding/json writes %s", s, got, want)
		}
	})
}

// trickyFloats cover both of encoding/json's formats and the edges between them.
var trickyFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 1.5, 0.1, 1e-6, 9.99e-7, 1e-7, 1.5e-300, 5e-324, 1e20,
	1e21, 123456789012345678, 1 << 53, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
}

func TestFloatWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, f := range trickyFloats {
		got, ok := Float(nil, f)
		if want := marshal(t, f); !ok || !bytes.Equal(got, want) {
			t.Errorf("Float(%v) = %s, %v; encoding/json writes %s", f, got, ok, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := Float(nil, f); ok {
			t.Errorf("Float(%v) is ok; encoding/json refuses it", f)
		}
	}
}

func FuzzFloat(f *testing.F) {
	for _, v := range trickyFloats {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		got, ok := Float(nil, v)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if ok {
				t.Errorf("Float(%v) is ok; encoding/json refuses it", v)
			}
			return
		}
		if want := marshal(t, v); !ok || !bytes.Equal(got, want) {
			t.Errorf("Float(%v) = %s, %v; encoding/json writes %s", v, got, ok, want)
		}
	})
}

// metadata is a metadata object with every kind of value JSON decodes into, nested.
func metadata() map[string]any {
	m := map[string]any{
		"string": "<b>bold</b> & \u2028", "float": 1.5, "tiny": 1e-9, "huge": 1e300, "int": 42.0,
		"true": true, "false": false, "null": nil, "empty object": map[string]any{}, "empty array": []any{},
		"nested":   map[string]any{"z": []any{1.0, "two", nil, map[string]any{"b": 2.0, "a": 1.0}}, "a": false},
		"\xff key": "value \xff", "Zebra": 0.0, "apple": -0.5,
	}
	for _, s := range trickyStrings {
		m[s] = s
	}
	return m
}

func TestAnyWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, v := range []any{nil, true, "s", 2.5, metadata(), map[string]any(nil), []any(nil), []any{}, []any{metadata()}} {
		got, ok := Any(nil, v)
		if want := marshal(t, v); !ok || !bytes.Equal(got, want) {
			t.Errorf("Any(%#v) = %s, %v\nencoding/json writes %s", v, got, ok, want)
		}
	}
}

func TestObjectWithManyKeys(t *testing.T) { // more keys than Object sorts without allocating
	m := map[string]any{}
	for i := range 50 {
		m[string(rune('a'+i%26))+string(rune('A'+i))] = float64(i)
	}
	got, ok := Object(nil, m)
	if want := marshal(t, m); !ok || !bytes.Equal(got, want) {
		t.Errorf("Object = %s, %v\nencoding/json writes %s", got, ok, want)
	}
}

// Values Any does not write itself are left to encoding/json, wherever they are nested.
func TestAnyLeavesOtherValuesToEncodingJSON(t *testing.T) {
	for _, v := range []any{
		json.Number("12345678901234567890"), 1, int64(2), float32(1.5), math.NaN(), []string{"a"},
		map[string]string{"a": "b"}, map[string]any{"a": []any{math.Inf(1)}}, map[string]any{"n": json.Number("1")},
	} {
		if got, ok := Any(nil, v); ok {
			t.Errorf("Any(%#v) = %s, ok; want it left to encoding/json", v, got)
		}
	}
}

func TestTimeWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, tm := range []time.Time{
		{}, time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -7*3600-30*60)),
	} {
		got, ok := Time(nil, tm)
		if want := marshal(t, tm); !ok || !bytes.Equal(got, want) {
			t.Errorf("Time(%v) = %s, %v; encoding/json writes %s", tm, got, ok, want)
		}
	}
	if got, ok := Time([]byte("x"), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); ok || string(got) != "x" {
		t.Errorf("Time(year 10000) = %q, %v; want it refused, as encoding/json does, and nothing appended", got, ok)
	}
}
