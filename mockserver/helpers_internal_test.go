package mockserver

import "testing"

// setup returns a Mock configured by opts, failing the test or benchmark if it cannot start.
func setup(tb testing.TB, opts ...Option) *Mock {
	tb.Helper()
	m, err := NewMock(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
