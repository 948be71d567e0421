package mockserver

import (
	"encoding/binary"
	"testing"

	"github.com/google/uuid"
)

// appendUUIDv4 writes what google/uuid writes for the same bits, version and variant set.
func TestUUIDV4MatchesGoogleUUID(t *testing.T) {
	for _, bits := range [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}} {
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[:8], bits[0])
		binary.BigEndian.PutUint64(u[8:], bits[1])
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		got := string(appendUUIDv4([]byte("id-"), bits[0], bits[1]))
		if got != "id-"+u.String() {
			t.Errorf("appendUUIDv4(id-, %x, %x) = %s, want id-%s", bits[0], bits[1], got, u.String())
		}
		if parsed, err := uuid.Parse(got[len("id-"):]); err != nil || parsed.Version() != 4 {
			t.Errorf("appendUUIDv4(id-, %x, %x) is not a version 4 UUID: %v", bits[0], bits[1], err)
		}
	}
}
