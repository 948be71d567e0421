package stytchorgs

import (
	"encoding/json"
	"testing"
)

// benchMetadata is a typical metadata object: a few strings, numbers, a flag map and a list.
var benchMetadata = []byte(`{"billing_id":"cus_9f2K3","subscription_tier":"enterprise","seats":250,"ratio":0.75,` +
	`"feature_flags":{"audit_log":true,"beta_reports":false},"regions":["eu","us"],"trial_ends":"2026-12-31T00:00:00Z"}`)

// BenchmarkMetadataUnmarshal decodes a metadata object into Metadata, which keeps integers
// beyond 2^53 exact; BenchmarkMetadataUnmarshalPlainMap is the same object into a plain map,
// as encoding/json alone decodes it. The difference is what exact numbers cost each object.
func BenchmarkMetadataUnmarshal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var m Metadata
		if err := json.Unmarshal(benchMetadata, &m); err != nil || len(m) != 7 {
			b.Fatal(m, err)
		}
	}
}

func BenchmarkMetadataUnmarshalPlainMap(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(benchMetadata, &m); err != nil || len(m) != 7 {
			b.Fatal(m, err)
		}
	}
}
