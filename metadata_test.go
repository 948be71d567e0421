package stytchorgs

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMetadataGetters(t *testing.T) {
	var m Metadata
	if err := json.Unmarshal([]byte(`{"tier":"gold","seats":25,"ratio":0.5,"beta":true,"flags":{"audit":true},"tags":["a"]}`), &m); err != nil {
		t.Fatal(err)
	}
	if s, ok := m.String("tier"); !ok || s != "gold" {
		t.Errorf("String = %q %v", s, ok)
	}
	if _, ok := m.String("seats"); ok {
		t.Errorf("String of a number")
	}
	if n, ok := m.Int("seats"); !ok || n != 25 {
		t.Errorf("Int = %d %v", n, ok)
	}
	if _, ok := m.Int("ratio"); ok {
		t.Errorf("Int of 0.5")
	}
	if f, ok := m.Float64("ratio"); !ok || f != 0.5 {
		t.Errorf("Float64 = %v %v", f, ok)
	}
	if b, ok := m.Bool("beta"); !ok || !b {
		t.Errorf("Bool = %v %v", b, ok)
	}
	if f, ok := m.Map("flags"); !ok || f["audit"] != true {
		t.Errorf("Map = %v %v", f, ok)
	}
	if _, ok := m.Get("missing"); ok {
		t.Errorf("Get of a missing key")
	}
	var tags []string
	if err := m.DecodeKey("tags", &tags); err != nil || !reflect.DeepEqual(tags, []string{"a"}) {
		t.Errorf("DecodeKey = %v %v", tags, err)
	}
	if err := m.DecodeKey("nope", &tags); err == nil {
		t.Errorf("DecodeKey of a missing key")
	}
}

type billing struct {
	Tier  string          `json:"tier"`
	Seats int             `json:"seats"`
	Flags map[string]bool `json:"flags"`
}

func TestMetadataDecodeAndMetadataOf(t *testing.T) {
	in := billing{Tier: "gold", Seats: 3, Flags: map[string]bool{"audit": true}}
	m, err := MetadataOf(in)
	if err != nil {
		t.Fatal(err)
	}
	var out billing
	if err := m.Decode(&out); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %+v %v", out, err)
	}
	if _, err := MetadataOf([]int{1}); err == nil {
		t.Errorf("a list is not metadata")
	}
}

func TestMetadataApplyFollowsTheMergeRules(t *testing.T) {
	stored := Metadata{"tier": "gold", "flags": map[string]any{"a": true, "b": true}, "old": 1.0}
	patch := MetadataPatch{}.Set("tier", "platinum").Set("flags", map[string]any{"c": true}).Delete("old").Set("new", "x")
	got := stored.Apply(patch)
	want := Metadata{"tier": "platinum", "flags": map[string]any{"c": true}, "new": "x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Apply = %v, want %v", got, want)
	}
	if stored["tier"] != "gold" || stored["old"] != 1.0 {
		t.Errorf("Apply modified the stored metadata")
	}
	// Values come back as the API returns them: numbers as float64, structs as maps.
	typed := Metadata{}.Apply(MetadataPatch{}.Set("n", 3).Set("s", billing{Tier: "x"}))
	if typed["n"] != 3.0 {
		t.Errorf("Apply kept %T for a number", typed["n"])
	}
	if sub, ok := typed.Map("s"); !ok || sub["tier"] != "x" {
		t.Errorf("Apply kept a struct: %#v", typed["s"])
	}
	var nilPatch MetadataPatch
	nilPatch = nilPatch.Set("a", 1).Delete("b")
	if len(nilPatch) != 2 || nilPatch["b"] != nil {
		t.Errorf("a nil patch: %v", nilPatch)
	}
	b, _ := json.Marshal(patch)
	if string(b) != `{"flags":{"c":true},"new":"x","old":null,"tier":"platinum"}` {
		t.Errorf("patch encodes as %s: a deleted key must be sent as null", b)
	}
}

// Check returns a *MetadataError with the error type Stytch would answer. The client refuses
// the same metadata before sending it, with a *client.ValidationError that wraps this error
// (client's TestMetadataIsRefusedBeforeSending).
func TestMetadataCheck(t *testing.T) {
	keys := Metadata{}
	for i := range MetadataMaxKeys + 1 {
		keys[string(rune('a'+i))] = i
	}
	var me *MetadataError
	if err := keys.Check(); !errors.As(err, &me) || me.ErrorType != "metadata_too_many_keys" || me.Field != "metadata" {
		t.Errorf("21 keys: %v", err)
	}
	big := Metadata{"blob": strings.Repeat("x", MetadataMaxBytes)}
	if err := big.Check(); !errors.As(err, &me) || me.ErrorType != "metadata_too_large" {
		t.Errorf("over 4 KB: %v", err)
	}
	if err := (Metadata{"ok": true}).Check(); err != nil {
		t.Errorf("small metadata: %v", err)
	}
	// A value JSON cannot encode is refused too, and the encoding error stays reachable.
	var unsupported *json.UnsupportedValueError
	err := (Metadata{"ratio": math.Inf(1)}).Check()
	if !errors.As(err, &me) || me.ErrorType != "" || !errors.As(err, &unsupported) {
		t.Errorf("an infinite number: %v", err)
	}
}

// Integers beyond 2^53 keep every digit through a decode, a getter, Decode and an encode; every
// other number is a float64, as encoding/json makes it (issue 11, item 17).
func TestMetadataKeepsLargeIntegersExact(t *testing.T) {
	const in = `{"id":9007199254740993,"neg":-12345678901234567890,"limit":9007199254740992,` +
		`"ratio":0.5,"seats":25,"text":"12345678901234567890","nested":{"ids":[18446744073709551615,7]},` +
		`"float":1234567890123456789.5}`
	var m Metadata
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	want := Metadata{
		"id": json.Number("9007199254740993"), "neg": json.Number("-12345678901234567890"),
		"limit": 9007199254740992.0, // 2^53 itself is exact as a float64
		"ratio": 0.5, "seats": 25.0, "text": "12345678901234567890",
		"nested": map[string]any{"ids": []any{json.Number("18446744073709551615"), 7.0}},
		"float":  1234567890123456789.5, // not an integer: a float64, as ever
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	if id, ok := m.Int("id"); !ok || id != 9007199254740993 {
		t.Errorf("Int(id) = %d, %v", id, ok)
	}
	if f, ok := m.Float64("id"); !ok || f != 9007199254740992 {
		t.Errorf("Float64(id) = %v, %v; want the nearest float64", f, ok)
	}
	var typed struct {
		ID int64 `json:"id"`
	}
	if err := m.Decode(&typed); err != nil || typed.ID != 9007199254740993 {
		t.Errorf("Decode: %d, %v", typed.ID, err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, digits := range []string{"9007199254740993", "-12345678901234567890", "18446744073709551615"} {
		if !strings.Contains(string(out), digits) {
			t.Errorf("encoded %s, which lost %s", out, digits)
		}
	}
	// Apply and MetadataOf keep them too.
	applied := Metadata{}.Apply(MetadataPatch{}.Set("id", json.Number("9007199254740993")).Set("n", 3))
	if applied["id"] != json.Number("9007199254740993") || applied["n"] != 3.0 {
		t.Errorf("Apply = %#v", applied)
	}
	// Decoding into a map that holds keys already adds to it, as encoding/json does.
	kept := Metadata{"old": true}
	if err := json.Unmarshal([]byte(`{"big":90071992547409930}`), &kept); err != nil || kept["old"] != true || kept["big"] != json.Number("90071992547409930") {
		t.Errorf("decoding into a filled map: %v, %v", kept, err)
	}
	if err := json.Unmarshal([]byte(`null`), &kept); err != nil || kept != nil {
		t.Errorf("null: %v, %v", kept, err)
	}
	// A number out of float64's range fails as it does with encoding/json.
	for _, bad := range []string{`{"x":1e400}`, `{"x":1e400,"y":12345678901234567890}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), new(Metadata)); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}

func TestHasLongDigitRun(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":123456789012345}`:           false,
		`{"a":1234567890123456}`:          true,
		`{"a":"1234567890123456"}`:        false,
		`{"a\"":"x\"1234567890123456"}`:   false,
		`{"a":"\\","b":1234567890123456}`: true,
		`{"1234567890123456":1}`:          false,
		`{"a":0.1234567890123456}`:        true,
	} {
		if got := hasLongDigitRun([]byte(in)); got != want {
			t.Errorf("hasLongDigitRun(%s) = %v, want %v", in, got, want)
		}
	}
}
