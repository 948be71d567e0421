package mockserver

import (
	"bytes"
	"encoding/json"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// exactMetadata hands the handlers a request's metadata with every number exactly as it was
// sent. The generated binding decodes metadata values into `any`, where encoding/json makes
// every number a float64 and so rounds integers above 2^53; this decodes the metadata objects
// again from the raw body with numbers as json.Number, which the store keeps through the merge
// and encodes back digit for digit. inPipeline calls it before each handler: as a middleware of
// its own, it would cost each request that carries metadata a closure.
func exactMetadata(c *call, request any) error {
	var trusted, untrusted *map[string]any // what the binding filled; nil when absent
	switch req := request.(type) {
	case api.CreateOrganizationRequestObject:
		trusted = (*map[string]any)(req.Body.TrustedMetadata)
	case api.UpdateOrganizationRequestObject:
		trusted = (*map[string]any)(req.Body.TrustedMetadata)
	case api.CreateMemberRequestObject:
		trusted, untrusted = (*map[string]any)(req.Body.TrustedMetadata), (*map[string]any)(req.Body.UntrustedMetadata)
	case api.UpdateMemberRequestObject:
		trusted, untrusted = (*map[string]any)(req.Body.TrustedMetadata), (*map[string]any)(req.Body.UntrustedMetadata)
	}
	if trusted == nil && untrusted == nil {
		return nil
	}
	return decodeMetadataExactly(c.body, trusted, untrusted)
}

// decodeMetadataExactly replaces the metadata objects the binding decoded with the same objects
// from the request body b, numbers as json.Number.
func decodeMetadataExactly(b []byte, trusted, untrusted *map[string]any) error {
	rawTrusted, rawUntrusted, ok := metadataMembers(b)
	if !ok {
		// A map, not a struct: its keys match exactly, as the binding's do (encoding/json would
		// match struct fields without case).
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return err
		}
		rawTrusted, rawUntrusted = fields["trusted_metadata"], fields["untrusted_metadata"]
	}
	if err := decodeExactly(rawTrusted, trusted); err != nil {
		return err
	}
	return decodeExactly(rawUntrusted, untrusted)
}

// decodeExactly decodes a JSON object into *dst, numbers as json.Number; a nil dst is left
// alone, and so is an object without numbers, which the binding decoded exactly already.
func decodeExactly(raw []byte, dst *map[string]any) error {
	if dst == nil || !holdsNumber(raw) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	*dst = m
	return nil
}

// holdsNumber reports whether a valid JSON value has a number in it, outside its strings: the
// only values a decoding into `any` does not keep exactly.
func holdsNumber(raw []byte) bool {
	inString, escaped := false, false
	for _, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped, inString = c == '\\', c != '"'
		case c == '"':
			inString = true
		case c == '-' || '0' <= c && c <= '9':
			return true
		}
	}
	return false
}

// metadataMembers finds the values of the top-level trusted_metadata and untrusted_metadata
// members of a valid JSON object without decoding it: keys match exactly, and the last of a
// repeated key wins, as they do when the object is decoded into a map. ok is false when a key
// holds an escape sequence, which takes a decoder to read.
func metadataMembers(body []byte) (trusted, untrusted []byte, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, nil, false
	}
	for i = skipSpace(body, i+1); i < len(body) && body[i] == '"'; {
		end := bytes.IndexByte(body[i+1:], '"') + i + 1
		key := body[i+1 : end]
		if end <= i || bytes.IndexByte(key, '\\') >= 0 {
			return nil, nil, false
		}
		start := skipSpace(body, skipSpace(body, end+1)+1) // past the colon
		i = skipValue(body, start)
		switch string(key) {
		case "trusted_metadata":
			trusted = body[start:i]
		case "untrusted_metadata":
			untrusted = body[start:i]
		}
		if i = skipSpace(body, i); i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return trusted, untrusted, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the valid JSON value that starts at b[i].
func skipValue(b []byte, i int) int {
	depth, inString, escaped := 0, false, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 0 {
					return i + 1
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i // the end of the enclosing object: a number or literal ended
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return i
		}
	}
	return i
}
