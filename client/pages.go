package client

// SearchAll turns the cursor-paginated searches into iterators over every result.

import (
	"errors"
	"fmt"
	"iter"
)

// ErrCursorLoop ends a SearchAll whose server handed back a cursor it had already given, which
// would otherwise page forever.
var ErrCursorLoop = errors.New("pagination cursor did not advance")

// fetchPage returns one page: the results after cursor ("" for the first page) and the cursor of
// the next page ("" when this page is the last).
type fetchPage[T any] func(cursor string) (results []T, next string, err error)

// allPages yields every result of every page, fetching each page only when the previous one
// has been consumed. It stops at the first error, which it yields once with a zero T; a cursor
// seen before is such an error. Breaking out of the loop stops fetching.
func allPages[T any](fetch fetchPage[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		cursor := ""
		for {
			results, next, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, r := range results {
				if !yield(r, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("%w: the server returned cursor %q twice", ErrCursorLoop, next))
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}
