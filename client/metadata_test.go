package client

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
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

func TestMetadataLimitsAreCheckedLocally(t *testing.T) {
	keys := Metadata{}
	for i := range MetadataMaxKeys + 1 {
		keys[string(rune('a'+i))] = i
	}
	var ve *ValidationError
	if err := keys.Check(); !errors.As(err, &ve) || ve.ErrorType != "metadata_too_many_keys" || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("21 keys: %v", err)
	}
	big := Metadata{"blob": strings.Repeat("x", MetadataMaxBytes)}
	if err := big.Check(); !errors.As(err, &ve) || ve.ErrorType != "metadata_too_large" {
		t.Errorf("over 4 KB: %v", err)
	}
	if err := (Metadata{"ok": true}).Check(); err != nil {
		t.Errorf("small metadata: %v", err)
	}
	// A patch is refused only when what it sets can never fit; deletions do not count.
	patch := MetadataPatch{}
	for i := range MetadataMaxKeys {
		patch.Set(string(rune('a'+i)), i)
	}
	patch.Delete("z1").Delete("z2")
	if err := patch.check("trusted_metadata"); err != nil {
		t.Errorf("20 keys set and 2 deleted: %v", err)
	}
	patch.Set("one-too-many", 1)
	if err := patch.check("trusted_metadata"); !errors.As(err, &ve) || ve.Field != "trusted_metadata" {
		t.Errorf("21 keys set: %v", err)
	}
	// A value JSON cannot encode is refused too, and the encoding error stays reachable.
	var unsupported *json.UnsupportedValueError
	err := (Metadata{"ratio": math.Inf(1)}).Check()
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &unsupported) {
		t.Errorf("an infinite number: %v", err)
	}
}
