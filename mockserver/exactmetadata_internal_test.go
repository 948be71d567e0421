package mockserver

import (
	"bytes"
	"encoding/json"
	"testing"
)

// metadataMembers must find what decoding the body into a map finds, or say it cannot.
func FuzzMetadataMembers(f *testing.F) {
	for _, body := range []string{
		`{}`,
		` { "trusted_metadata" : {"a":1} , "untrusted_metadata":{"b":[1,{"c":"}"}]}} `,
		`{"organization_name":"A","trusted_metadata":{"x":"\"}"},"trusted_metadata":{"y":2}}`,
		`{"TRUSTED_METADATA":{"a":1},"trusted_metadata":null}`,
		`{"trusted\u005fmetadata":{"a":1}}`,
		`{"n":-1.5e3,"trusted_metadata":{},"b":true,"untrusted_metadata":{"k":null}}`,
		`{"a":"x\\","trusted_metadata":{"q":"\\\""}}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) != nil {
			return // the pipeline hands it only valid objects
		}
		trusted, untrusted, ok := metadataMembers(body)
		if !ok {
			if !bytes.Contains(body, []byte(`\`)) {
				t.Fatalf("%s: gave up on a body without escapes", body)
			}
			return
		}
		if !bytes.Equal(trusted, fields["trusted_metadata"]) || !bytes.Equal(untrusted, fields["untrusted_metadata"]) {
			t.Fatalf("%s: found %q and %q, a map decoding %q and %q", body, trusted, untrusted, fields["trusted_metadata"], fields["untrusted_metadata"])
		}
	})
}
