package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
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

// holdsNumber must see a number exactly when the JSON text holds one, wherever it is: metadata
// it sees none in is not decoded again. (A number under a key that a later duplicate replaces
// counts: the text holds it, though a decoding keeps the later value.)
func FuzzHoldsNumber(f *testing.F) {
	for _, v := range []string{
		`{}`, `{"a":"1"}`, `{"a":1}`, `{"a":[true,null,{"b":-0.5}]}`, `{"a\"1":"x\\"}`,
		`{"a":"\\\"","b":2e3}`, `{"k-1":"-","e":"1e5"}`, `"x"`, `-1`, `[0]`, `{"a":1,"a":"x"}`,
	} {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // metadata reaches it only after the request was validated
		}
		if got, want := holdsNumber(raw), textHoldsNumber(t, raw); got != want {
			t.Fatalf("holdsNumber(%s) = %v, the text's tokens hold a number: %v", raw, got, want)
		}
	})
}

// textHoldsNumber reports whether any token of the valid JSON text raw is a number.
func textHoldsNumber(t *testing.T, raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := tok.(json.Number); ok {
			return true
		}
	}
}
