package client

import (
	"github.com/b2bkit/stytchorgs"
	"github.com/b2bkit/stytchorgs/internal/metadata"
)

// checkMetadata refuses, before anything is sent, the metadata of a create that Stytch would
// refuse: more than 20 top-level keys, more than 4 KB, or a value JSON cannot encode.
func checkMetadata(field string, m Metadata) error {
	return refuseMetadata(field, metadata.Check(field, m))
}

// checkPatch refuses the metadata patch of an update that can never fit: the keys it sets all
// end up stored, so more than 20 of them, or more than 4 KB of them, break the limits whatever
// is stored already. Whether the merge fits, only the server knows.
func checkPatch(field string, p MetadataPatch) error {
	return refuseMetadata(field, metadata.Check(field, metadata.Merge(nil, p)))
}

// refuseMetadata turns a failed check into the *ValidationError callers see before a request,
// wrapping the *stytchorgs.MetadataError that Metadata.Check would return.
func refuseMetadata(field string, err error) error {
	if err == nil {
		return nil
	}
	me := &stytchorgs.MetadataError{Field: field, Err: err}
	if le, ok := err.(*metadata.LimitError); ok {
		me.ErrorType = le.ErrorType
	}
	return &ValidationError{Field: field, Reason: err.Error(), ErrorType: me.ErrorType, cause: me}
}
