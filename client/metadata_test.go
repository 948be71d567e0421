package client

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs"
)

// Metadata Stytch would refuse is refused before sending, with a *ValidationError that matches
// ErrInvalidRequest, names the field and the error type Stytch would answer, and wraps the
// *stytchorgs.MetadataError that Metadata.Check returns.
func TestMetadataIsRefusedBeforeSending(t *testing.T) {
	keys := Metadata{}
	for i := range MetadataMaxKeys + 1 {
		keys[string(rune('a'+i))] = i
	}
	var ve *ValidationError
	var me *stytchorgs.MetadataError
	if err := checkMetadata("trusted_metadata", keys); !errors.As(err, &ve) || ve.ErrorType != "metadata_too_many_keys" ||
		!errors.Is(err, ErrInvalidRequest) || !errors.As(err, &me) || me.Field != "trusted_metadata" {
		t.Errorf("21 keys: %v", err)
	}
	big := Metadata{"blob": strings.Repeat("x", MetadataMaxBytes)}
	if err := checkMetadata("untrusted_metadata", big); !errors.As(err, &ve) || ve.ErrorType != "metadata_too_large" || ve.Field != "untrusted_metadata" {
		t.Errorf("over 4 KB: %v", err)
	}
	if err := checkMetadata("trusted_metadata", Metadata{"ok": true}); err != nil {
		t.Errorf("small metadata: %v", err)
	}
	// A patch is refused only when what it sets can never fit; deletions do not count.
	patch := MetadataPatch{}
	for i := range MetadataMaxKeys {
		patch.Set(string(rune('a'+i)), i)
	}
	patch.Delete("z1").Delete("z2")
	if err := checkPatch("trusted_metadata", patch); err != nil {
		t.Errorf("20 keys set and 2 deleted: %v", err)
	}
	patch.Set("one-too-many", 1)
	if err := checkPatch("trusted_metadata", patch); !errors.As(err, &ve) || ve.Field != "trusted_metadata" {
		t.Errorf("21 keys set: %v", err)
	}
	// A value JSON cannot encode is refused too, and the encoding error stays reachable.
	var unsupported *json.UnsupportedValueError
	err := checkMetadata("trusted_metadata", Metadata{"ratio": math.Inf(1)})
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &unsupported) {
		t.Errorf("an infinite number: %v", err)
	}
	if want := "stytch: invalid trusted_metadata: trusted_metadata may hold at most 20 top-level keys; it would hold 21"; checkMetadata("trusted_metadata", keys).Error() != want {
		t.Errorf("message %q, want %q", checkMetadata("trusted_metadata", keys), want)
	}
}
