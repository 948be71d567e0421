package store

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// compactSize is the length of v's JSON as metadata.Size measures it, or -1 when v has none.
func compactSize(v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return -1
	}
	return buf.Len() - 1
}

// metadataBoundCases are values at the edges of what jsonBound must bound: every kind of escape,
// the longest floats, numbers that are and are not JSON, nesting, and types it gives up on.
var metadataBoundCases = []any{
	nil, true, false, "", "plain", `"quoted" \back\slash`, "\x00\x01\x1f\t\n\r", "<&>", "\u2028\u2029",
	"bad utf-8: \xff\xfe\xc3", strings.Repeat("\x01", 700), "日本語",
	0.0, math.Copysign(0, -1), 1.0, -1.5, 1e20, 1e21, -1e21, 1e-6, 1e-7, 123456789012345678901.0, 0.000001234567890123456789, -0.000001234567890123456789,
	-1.2345678901234567e-308, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324,
	json.Number(""), json.Number("0"), json.Number("-12.5e+30"), json.Number("12345678901234567890123"),
	[]any{}, []any{1.0, "a", nil, []any{true}}, map[string]any{}, map[string]any{"k\"ey": map[string]any{"\x00": []any{}}},
}

// jsonBound is at least the size metadata.Check measures, for every value JSON can encode.
func TestJSONBoundIsAnUpperBound(t *testing.T) {
	check := func(v any) {
		t.Helper()
		size := compactSize(v)
		if size < 0 {
			return
		}
		if b := jsonBound(v, math.MaxInt/2); b < size {
			t.Errorf("jsonBound(%#v) = %d, below its size %d", v, b, size)
		}
	}
	for _, v := range metadataBoundCases {
		check(v)
		check(map[string]any{"key": v})
		check([]any{v, v})
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		check(randomJSON(r, 2))
	}
}

// metadataFits never vouches for metadata that metadata.Check refuses, and vouches for the usual
// small object; what it is not sure of, Check decides.
func TestMetadataFitsOnlyWhatFits(t *testing.T) {
	vouches := func(m map[string]any) {
		t.Helper()
		if metadataFits(m) {
			if err := metadata.Check("trusted_metadata", m); err != nil {
				t.Errorf("metadataFits vouched for %d keys that Check refuses: %v", len(m), err)
			}
		}
	}
	for _, v := range metadataBoundCases {
		vouches(map[string]any{"k": v})
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), json.Number("1e"), json.Number("0x10"), json.Number("01"), 1, struct{}{}} {
		if metadataFits(map[string]any{"k": bad}) {
			t.Errorf("metadataFits vouched for %#v, which it cannot bound", bad)
		}
	}
	tooMany := map[string]any{}
	for i := range metadata.MaxKeys + 1 {
		tooMany[strings.Repeat("k", i+1)] = true
	}
	vouches(tooMany)
	if metadataFits(tooMany) {
		t.Errorf("metadataFits vouched for %d keys", len(tooMany))
	}
	// Just over the limit when every byte is escaped, just under it when none is.
	vouches(map[string]any{"k": strings.Repeat("\x01", metadata.MaxBytes/6)})
	vouches(map[string]any{"k": strings.Repeat("a", metadata.MaxBytes-8)})
	if !metadataFits(map[string]any{"tier": "enterprise", "seats": json.Number("50"), "flags": map[string]any{"audit": true}}) {
		t.Error("metadataFits is not sure of a small object")
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		m, _ := randomJSON(r, 2).(map[string]any)
		vouches(m)
	}
	// A map that holds itself has no JSON: the bound gives up instead of recursing forever.
	self := map[string]any{}
	self["self"] = self
	if metadataFits(self) {
		t.Error("metadataFits vouched for a map that holds itself")
	}
}

// randomJSON returns a random value of the kinds JSON decoding makes, sometimes large.
func randomJSON(r *rand.Rand, depth int) any {
	pick := r.IntN(8)
	if depth == 0 {
		pick %= 5
	}
	switch pick {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return math.Float64frombits(r.Uint64()) // NaN and infinities included: they have no JSON
	case 3:
		return json.Number(strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(600)-300)), 'e', -1, 64))
	case 4:
		return randomString(r)
	case 5, 6:
		m := map[string]any{}
		for range r.IntN(25) {
			m[randomString(r)] = randomJSON(r, depth-1)
		}
		return m
	}
	l := make([]any, r.IntN(10))
	for i := range l {
		l[i] = randomJSON(r, depth-1)
	}
	return l
}

// randomString returns up to 200 random bytes, valid UTF-8 or not.
func randomString(r *rand.Rand) string {
	b := make([]byte, r.IntN(200))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}
