package contract

import "testing"

// setup returns the contract of the embedded spec, failing the test if it does not load.
func setup(t testing.TB) *Contract {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
