package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// exactMetadata is a middleware of the generated server that hands the handlers a request's
// metadata with every number exactly as it was sent. The generated binding decodes metadata
// values into `any`, where encoding/json makes every number a float64 and so rounds integers
// above 2^53; this decodes the metadata objects again from the raw body with numbers as
// json.Number, which the store keeps through the merge and encodes back digit for digit.
func exactMetadata(next api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
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
		if trusted != nil || untrusted != nil {
			if err := decodeMetadataExactly(ctx, trusted, untrusted); err != nil {
				return nil, err
			}
		}
		return next(ctx, w, r, request)
	}
}

// decodeMetadataExactly replaces the metadata objects the binding decoded with the same objects
// from the request body (which the pipeline keeps in the call), numbers as json.Number.
func decodeMetadataExactly(ctx context.Context, trusted, untrusted *map[string]any) error {
	b := callFrom(ctx).body
	// A map, not a struct: its keys match exactly, as the binding's do (encoding/json would
	// match struct fields without case).
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	for key, dst := range map[string]*map[string]any{"trusted_metadata": trusted, "untrusted_metadata": untrusted} {
		if dst == nil {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(fields[key]))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return err
		}
		*dst = m
	}
	return nil
}
