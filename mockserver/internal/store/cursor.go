package store

// Search cursors: their format and the MAC that makes them unforgeable.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"io"
)

// cursor is where a page ended, and what the next page needs to know: the sequence number of
// the last result, and the total with the state generation it was counted at (reused while
// nothing changed, so that paging stays linear).
//
// Because the next page takes its total from the cursor, cursors are authenticated: each ends
// with a MAC, keyed with the store's key, over its content, the project it was made in and the
// query it belongs to. A cursor the store did not make, one of another project or another query,
// and one changed in any bit are refused, so a caller can never set the total it is told.
type cursor struct {
	after, gen uint64
	total      int
}

const (
	cursorVersion = 2  // the format: a version byte, three uvarints, the MAC
	macSize       = 16 // bytes of HMAC-SHA256 a cursor keeps: 128 bits, beyond guessing
)

// cursorKey makes and checks the cursors of one project.
type cursorKey struct {
	key []byte // the store's
	// incarnation tells this project apart from every other one the store made, including an
	// earlier project of the same id that a reset dropped (whose generations also began at 0).
	incarnation uint64
}

// hash starts a keyed hash of one kind of input (a distinct first byte each), in this project.
func (k cursorKey) hash(kind byte) hash.Hash {
	h := hmac.New(sha256.New, k.key)
	var head [9]byte
	head[0] = kind
	binary.BigEndian.PutUint64(head[1:], k.incarnation)
	h.Write(head[:])
	return h
}

// queryHash fingerprints a search so that a cursor is only accepted for the search it came from.
// It is keyed, so no one can pick two queries that share a fingerprint and move a cursor (and
// its total) from one to the other.
func (k cursorKey) queryHash(parts ...string) uint64 {
	h := k.hash('q')
	var n []byte
	for _, p := range parts { // each part after its length, so that parts cannot run together
		n = binary.AppendUvarint(n[:0], uint64(len(p)))
		h.Write(n)
		_, _ = io.WriteString(h, p)
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

func (k cursorKey) mac(payload []byte, query uint64) []byte {
	h := k.hash('c')
	h.Write(binary.BigEndian.AppendUint64(nil, query))
	h.Write(payload)
	return h.Sum(nil)[:macSize]
}

func (k cursorKey) encode(c cursor, query uint64) string {
	b := []byte{cursorVersion}
	b = binary.AppendUvarint(b, c.after)
	b = binary.AppendUvarint(b, c.gen)
	b = binary.AppendUvarint(b, uint64(c.total))
	b = append(b, k.mac(b, query)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (k cursorKey) decode(s string, query uint64) (*cursor, *Error) {
	bad := invalid("user_search_invalid_cursor", "The cursor is invalid or does not belong to this search.")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= macSize {
		return nil, bad
	}
	payload, sum := raw[:len(raw)-macSize], raw[len(raw)-macSize:]
	if !hmac.Equal(sum, k.mac(payload, query)) || payload[0] != cursorVersion {
		return nil, bad
	}
	var fields [3]uint64
	rest := payload[1:]
	for i := range fields {
		v, n := binary.Uvarint(rest)
		if n <= 0 {
			return nil, bad
		}
		fields[i], rest = v, rest[n:]
	}
	if len(rest) != 0 {
		return nil, bad
	}
	return &cursor{after: fields[0], gen: fields[1], total: int(fields[2])}, nil
}
