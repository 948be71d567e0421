package client

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// pages serves results in pages of size n, counting fetches.
func intPages(total, n int, fetches *int) fetchPage[int] {
	return func(cursor string) ([]int, string, error) {
		*fetches++
		start := 0
		if cursor != "" {
			fmt.Sscanf(cursor, "c%d", &start)
		}
		var out []int
		for i := start; i < min(start+n, total); i++ {
			out = append(out, i)
		}
		next := ""
		if start+n < total {
			next = fmt.Sprintf("c%d", start+n)
		}
		return out, next, nil
	}
}

func TestAllPagesYieldsEveryResultInOrder(t *testing.T) {
	for _, tc := range []struct{ total, size, fetches int }{{0, 10, 1}, {1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {95, 10, 10}} {
		fetches := 0
		var got []int
		for v, err := range allPages(intPages(tc.total, tc.size, &fetches)) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		want := make([]int, tc.total)
		for i := range want {
			want[i] = i
		}
		if !slices.Equal(got, want) || fetches != tc.fetches {
			t.Errorf("total %d by %d: got %d results in %d fetches, want %d in %d", tc.total, tc.size, len(got), fetches, tc.total, tc.fetches)
		}
	}
}

func TestAllPagesFetchesLazilyAndStopsOnBreak(t *testing.T) {
	fetches := 0
	for v := range allPages(intPages(100, 10, &fetches)) {
		if v == 15 {
			break
		}
	}
	if fetches != 2 {
		t.Errorf("breaking at result 15 of pages of 10 made %d fetches, want 2", fetches)
	}
}

func TestAllPagesStopsAtTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	var errs []error
	n := 0
	for v, err := range allPages(func(cursor string) ([]int, string, error) {
		calls++
		if cursor == "" {
			return []int{1, 2}, "next", nil
		}
		return nil, "", boom
	}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n += v
	}
	if n != 3 || len(errs) != 1 || !errors.Is(errs[0], boom) || calls != 2 {
		t.Errorf("sum %d, errors %v, calls %d", n, errs, calls)
	}
}

func TestAllPagesRefusesACursorThatDoesNotAdvance(t *testing.T) {
	for name, cursors := range map[string][]string{
		"same cursor again": {"a", "a"},
		"an earlier cursor": {"a", "b", "a"},
	} {
		calls := 0
		var last error
		results := 0
		for _, err := range allPages(func(string) ([]int, string, error) {
			next := cursors[min(calls, len(cursors)-1)]
			calls++
			if calls > 10 {
				t.Fatalf("%s: still paging after 10 fetches", name)
			}
			return []int{calls}, next, nil
		}) {
			if err != nil {
				last = err
			} else {
				results++
			}
		}
		if !errors.Is(last, ErrCursorLoop) || calls != len(cursors) {
			t.Errorf("%s: error %v after %d fetches", name, last, calls)
		}
	}
}
