// Package pager turns a cursor-paginated API into an iterator over every result.
package pager

import (
	"errors"
	"fmt"
	"iter"
)

// ErrCursorNotAdvancing is returned when the server hands back a cursor it already gave, which
// would otherwise page forever.
var ErrCursorNotAdvancing = errors.New("pagination cursor did not advance")

// Fetch returns one page: the results after cursor ("" for the first page) and the cursor of the
// next page ("" when this page is the last).
type Fetch[T any] func(cursor string) (results []T, next string, err error)

// All yields every result of every page, fetching each page only when the previous one has been
// consumed. It stops at the first error, which it yields once with a zero T; a cursor seen before
// is such an error. Breaking out of the loop stops fetching.
func All[T any](fetch Fetch[T]) iter.Seq2[T, error] {
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
				yield(zero, fmt.Errorf("%w: the server returned cursor %q twice", ErrCursorNotAdvancing, next))
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}
