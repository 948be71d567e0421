package jsonstr

import (
	"strings"
	"testing"
)

// byteByByte is Plain or PlainHTML one byte at a time: what they must agree with.
func byteByByte(s string, html bool) int {
	for i := range len(s) {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || (html && strings.IndexByte("<>&", c) >= 0) {
			return i
		}
	}
	return len(s)
}

func check(t *testing.T, s string) {
	t.Helper()
	if got, want := Plain(s), byteByByte(s, false); got != want {
		t.Errorf("Plain(%q) = %d, want %d", s, got, want)
	}
	if got, want := Plain([]byte(s)), byteByByte(s, false); got != want {
		t.Errorf("Plain([]byte(%q)) = %d, want %d", s, got, want)
	}
	if got, want := PlainHTML(s), byteByByte(s, true); got != want {
		t.Errorf("PlainHTML(%q) = %d, want %d", s, got, want)
	}
}

// TestEveryByteAtEveryPosition puts each of the 256 byte values at each position of a word
// and of the tail after it, between plain bytes: the borrows of the word tests cross byte
// boundaries, so a wrong constant shows at some position of some value.
func TestEveryByteAtEveryPosition(t *testing.T) {
	for _, pad := range []byte{' ', '!', '#', '[', ']', '~', 0x7f, 'a'} {
		for n := 1; n <= 19; n++ {
			for at := range n {
				for c := range 256 {
					b := []byte(strings.Repeat(string(pad), n))
					b[at] = byte(c)
					check(t, string(b))
				}
			}
		}
	}
}

func TestPlainRuns(t *testing.T) {
	for _, s := range []string{
		"", "a", "organization-test-07971b06-ac8b-4cdc-9c5c-0e0b3c1d0b52", `end"`, `0123456"89`,
		"01234567\\", "0123456789abcdef\x1f", "caf\u00e9 au lait", "<b>bold</b>", "a&b", "x>y",
		"\u2028", strings.Repeat("plain ", 20) + `"`,
	} {
		check(t, s)
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"", "plain text here", `quote " here`, "tab\there", "é", "<&>", "\x7f\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { check(t, s) })
}

func BenchmarkPlain(b *testing.B) {
	s := []byte("organization-test-07971b06-ac8b-4cdc-9c5c-0e0b3c1d0b52\"")
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if Plain(s) != len(s)-1 {
			b.Fatal("wrong")
		}
	}
}
