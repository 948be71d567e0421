//go:build race

package schemacheck

// raceEnabled is true when the race detector instruments the build, which makes allocation
// counts meaningless.
const raceEnabled = true
