package conctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// seedFromEnv is the workload's random seed: STYTCHORGS_CONC_SEED, or the time.
func seedFromEnv(t *testing.T) uint64 {
	if v := os.Getenv("STYTCHORGS_CONC_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("STYTCHORGS_CONC_SEED=%q: %v", v, err)
		}
		return s
	}
	return uint64(time.Now().UnixNano())
}

// minOperations is how many operations the workload runs at least: 5,000, or 1,000 under the
// race detector (which checks more of each), 300 with -short, or STYTCHORGS_CONC_OPS (such as
// 100000) for a soak. It runs on until it has produced every kind of answer in mustProduce, up
// to maxOperationsFactor times as many. Broken copies of the store (a stale slug index, a
// cursor off by one, a lost update) fail it; the lost update, whose odds of showing are the
// lowest, in about four runs out of five, as the 2-second run this count replaced did.
func minOperations(t *testing.T) int {
	if v := os.Getenv("STYTCHORGS_CONC_OPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("STYTCHORGS_CONC_OPS=%q: want a positive number of operations", v)
		}
		return n
	}
	switch {
	case testing.Short():
		return 300
	case raceDetector:
		return 1000
	}
	return 5000
}

// mustProduce are the answers the workload exists to check: conflicts, deletes and searches
// that raced with writes. Their odds are fixed by the mix of operations, not by time, so a
// workload that never produced one in maxOperationsFactor times its minimum has found a bug.
var mustProduce = []string{
	"createOrg.organization_slug_already_used", "createMember.duplicate_member_email",
	"deleteOrg.ok", "deleteMember.ok", "searchOrgs.ok", "searchMembers.ok",
}

const maxOperationsFactor = 20

// produced reports whether the workload has produced every answer in mustProduce.
func (m *model) produced() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range mustProduce {
		if m.stats[k] == 0 {
			return false
		}
	}
	return true
}

// checkServer fails the test for any response of the mock that broke the spec or any 5xx
// it answered (among the last requests it keeps).
func checkServer(t *testing.T, srv *mockserver.Server) {
	t.Helper()
	for _, err := range srv.ContractViolations() {
		t.Errorf("contract violation: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Status >= 500 && !r.Fault {
			t.Errorf("%s %s answered %d %s", r.Method, r.Path, r.Status, r.ErrorType)
		}
	}
}

func TestConcurrentWorkloadMatchesSerialModel(t *testing.T) {
	srv := mockserver.Start(t)
	m := newModel(t)
	c, closeIdle := newClient(t, srv, m)
	defer closeIdle()
	least, seed := minOperations(t), seedFromEnv(t)
	t.Logf("%d goroutines, at least %d operations, seed %d (STYTCHORGS_CONC_SEED, STYTCHORGS_CONC_OPS)", workers, least, seed)

	// Every goroutine counts the operations of all: the run ends at the same count whichever
	// goroutines the scheduler favoured.
	var started atomic.Int64
	start := time.Now()
	m.run(c, workers, seed, func(int) bool {
		n := started.Add(1)
		return n > int64(maxOperationsFactor*least) || (n > int64(least) && m.produced())
	})
	elapsed := time.Since(start)

	m.verifyHistory()
	m.verifyFinal(c)
	checkServer(t, srv)
	m.logStats(elapsed)
	for _, k := range mustProduce {
		if m.stats[k] == 0 {
			t.Errorf("the workload never produced %s in %d operations", k, started.Load())
		}
	}
}

// logStats logs what the workload did.
func (m *model) logStats(elapsed time.Duration) {
	ops := 0
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m.stats)) {
		ops += m.stats[k]
		fmt.Fprintf(&b, "  %-45s %6d\n", k, m.stats[k])
	}
	pages := 0
	for _, p := range m.passes {
		pages += len(p.pages)
	}
	m.t.Logf("%d operations answered (%d search passes, %d pages) in %v, %.0f/s; %d organizations created, %d members created:\n%s",
		ops, len(m.passes), pages, elapsed.Round(time.Millisecond), float64(ops)/elapsed.Seconds(), len(m.orgs), len(m.members), b.String())
}

// burst runs a short fixed workload (ops operations on each of workers goroutines) on a
// fresh project of srv and checks it like the concurrent test does. With one goroutine, the same
// seed sends the same requests.
func burst(t *testing.T, srv *mockserver.Server, seed uint64, workers, ops int) {
	t.Helper()
	m := newModel(t)
	c, closeIdle := newClient(t, srv, m)
	defer closeIdle()
	m.run(c, workers, seed, func(n int) bool { return n >= ops })
	m.verifyHistory()
	m.verifyFinal(c)
}

func TestMockLeaksNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	func() {
		srv, err := mockserver.New()
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		burst(t, srv, 1, 8, 60)

		// Faults: a latency the client waits out, one it gives up on, and dropped connections
		// on a read (retried) and on a create (not retried).
		c, err := client.New("project-test-"+uuid.NewString(), "secret", client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Leak Test", Slug: "leak-test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []mockserver.Fault{
			{Method: "GET", Latency: 50 * time.Millisecond},
			{Method: "GET", Latency: 2 * time.Second},
			{Method: "GET", DropConnection: true},
			{Method: "POST", DropConnection: true},
		} {
			if err := srv.InjectFault(f); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Organizations.Get(ctx, org.ID); err != nil {
			t.Errorf("Get after a 50ms latency: %v", err)
		}
		if _, err := c.Organizations.Get(ctx, org.ID, client.WithRequestTimeout(100*time.Millisecond), client.WithRequestMaxRetries(0)); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get during a 2s latency with a 100ms timeout: %v, want context.DeadlineExceeded", err)
		}
		if _, err := c.Organizations.Get(ctx, org.ID); err != nil {
			t.Errorf("Get after a dropped connection (retried): %v", err)
		}
		if _, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Dropped"}); err == nil {
			t.Errorf("Create on a dropped connection succeeded; a create must not be retried")
		}
		if n := len(srv.PendingFaults()); n != 0 {
			t.Errorf("%d faults left unused", n)
		}
		checkServer(t, srv)
	}()
	goleak.VerifyNone(t, ignore)
}

// TestMockHeapSteadyAcrossResets runs one identical burst on a Reset server three times: after the first
// has warmed every cache and pool, the heap after the third must be about the one after the
// second (each holds the state of one burst). State that Reset does not free, or anything kept
// per request beyond it (the request log, cursors, credentials, faults), would grow it by about a
// kilobyte per request.
func TestMockHeapSteadyAcrossResets(t *testing.T) {
	srv := mockserver.Start(t)
	type sample struct{ inuse, alloc uint64 }
	measure := func() sample {
		var ms runtime.MemStats
		for range 3 {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		return sample{ms.HeapInuse, ms.HeapAlloc}
	}
	var s [3]sample
	var requests [3]int
	for i := range s {
		srv.ResetAll()
		burst(t, srv, 7, 1, 400)
		requests[i] = len(srv.Requests())
		s[i] = measure()
	}
	// Each burst sends the same requests, about 500: a kilobyte kept per request would be 500 KB.
	// HeapAlloc after a GC counts live bytes exactly; HeapInuse counts whole spans, so it moves
	// by up to a megabyte with fragmentation alone and gets a looser bound.
	const allocBound, inuseBound = 256 << 10, 2 << 20
	inuse, alloc := int64(s[2].inuse)-int64(s[1].inuse), int64(s[2].alloc)-int64(s[1].alloc)
	t.Logf("bursts of %v requests; HeapInuse after each %v, HeapAlloc %v; growth from the second to the third: HeapInuse %+d, HeapAlloc %+d bytes",
		requests, []uint64{s[0].inuse, s[1].inuse, s[2].inuse}, []uint64{s[0].alloc, s[1].alloc, s[2].alloc}, inuse, alloc)
	if inuse > inuseBound {
		t.Errorf("HeapInuse grew by %d bytes between two identical bursts on a Reset server (bound %d)", inuse, inuseBound)
	}
	if alloc > allocBound {
		t.Errorf("HeapAlloc grew by %d bytes between two identical bursts on a Reset server (bound %d)", alloc, allocBound)
	}
}
