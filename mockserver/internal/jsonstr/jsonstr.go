// Package jsonstr measures, eight bytes at a time, the runs of a JSON string's content that a
// scanner can skip and an encoder can copy as they are. Strings are most of the bytes of the
// mock's answers (ids, names, timestamps), and both the response check and the organization
// encoder otherwise look at them one byte at a time.
package jsonstr

import "math/bits"

// Plain returns the length of the longest prefix of s whose bytes stand for themselves in a
// JSON string: ASCII from the space up, other than the quote and the backslash. A scanner must
// look at the byte after it (the closing quote, an escape, a control character or the start of
// a multi-byte character).
func Plain[T ~string | ~[]byte](s T) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if m := specials(word(s, i)) & highs; m != 0 {
			return i + firstMarked(m)
		}
	}
	for i < len(s) && plain[s[i]] {
		i++
	}
	return i
}

// PlainHTML is Plain for an encoder that escapes as encoding/json does by default: it also
// stops at <, > and &.
func PlainHTML[T ~string | ~[]byte](s T) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := word(s, i)
		if m := (specials(w) | below(w^(ones*'<'), 1) | below(w^(ones*'>'), 1) | below(w^(ones*'&'), 1)) & highs; m != 0 {
			return i + firstMarked(m)
		}
	}
	for i < len(s) && plainHTML[s[i]] {
		i++
	}
	return i
}

// firstMarked is the index in its word of the first byte m marks. Borrows run from low bytes
// to high ones, so the lowest mark is always a true one: a byte below it borrowed nothing.
func firstMarked(m uint64) int { return bits.TrailingZeros64(m) / 8 }

const (
	ones  = 0x0101010101010101 // 0x01 in every byte
	highs = 0x8080808080808080 // the top bit of every byte
)

// word is s[i:i+8] as a little-endian integer; the compiler makes it one load.
func word[T ~string | ~[]byte](s T, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// specials has, in the top bit of a byte, whether a byte of w is not plain: non-ASCII, a
// control character, the quote or the backslash. The tests are or-ed before the one branch
// that reads them.
func specials(w uint64) uint64 {
	return w | below(w, 0x20) | below(w^(ones*'"'), 1) | below(w^(ones*'\\'), 1)
}

// below has, in the top bit of a byte, whether a byte of w is below n (n ≤ 0x80), where a
// byte x^c is below 1 when x is c. A borrow can set the bit of a byte above one that is below
// n, never in a word without one: as a test of the whole word, the answer is exact.
func below(w uint64, n byte) uint64 { return (w - ones*uint64(n)) &^ w }

// plain and plainHTML are Plain's and PlainHTML's tests of one byte.
var plain, plainHTML = func() (p, h [256]bool) {
	for c := range 256 {
		p[c] = c >= 0x20 && c < 0x80 && c != '"' && c != '\\'
		h[c] = p[c] && c != '<' && c != '>' && c != '&'
	}
	return p, h
}()
