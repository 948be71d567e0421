package mockserver

import (
	"encoding/binary"
	"testing"

	"github.com/google/uuid"
)

// uuidV4 writes what google/uuid writes for the same bits, version and variant set.
func TestUUIDV4MatchesGoogleUUID(t *testing.T) {
	for _, bits := range [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}} {
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[:8], bits[0])
		binary.BigEndian.PutUint64(u[8:], bits[1])
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		if got := uuidV4(bits[0], bits[1]); got != u.String() {
			t.Errorf("uuidV4(%x, %x) = %s, want %s", bits[0], bits[1], got, u.String())
		}
		if _, err := uuid.Parse(uuidV4(bits[0], bits[1])); err != nil || uuid.MustParse(uuidV4(bits[0], bits[1])).Version() != 4 {
			t.Errorf("uuidV4(%x, %x) is not a version 4 UUID: %v", bits[0], bits[1], err)
		}
	}
}
