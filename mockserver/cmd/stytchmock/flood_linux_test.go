//go:build loadtest

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The binary's memory under a flood of large bad requests: 2,000 one-megabyte bodies sent
// without credentials to a path no route matches. Nothing of them deserves to be kept, so the
// process must stay small while it answers them, and while it serves its request log after.
// The peak resident set (VmHWM) is read from /proc, hence Linux only. The bound is far above
// what the mock needs (tens of megabytes) and far below what it took when the request log kept
// every body (gigabytes), so the test fails on that regression and on no noise.
//
// It moves gigabytes through loopback, which would starve the timing-sensitive tests that
// go test runs beside it, so it has a build tag of its own, and bash scripts/test runs it as a
// step after the others:
//
//	go test -tags loadtest -run TestBinaryMemoryUnderBadRequestFlood ./mockserver/cmd/stytchmock/
func TestBinaryMemoryUnderBadRequestFlood(t *testing.T) {
	const (
		requests = 2000
		bodySize = 1 << 20
		workers  = 4
		ceiling  = 300 << 20 // bytes
	)
	cmd, url := startBinary(t, "-log-format", "none")

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	body := bytes.Repeat([]byte("a"), bodySize)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				if msg := floodOne(client, url, i, body); msg != "" {
					mu.Lock()
					failures = append(failures, msg)
					mu.Unlock()
				}
			}
		})
	}
	for i := range requests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests were not answered 404 route_not_found; first: %s", len(failures), requests, failures[0])
	}
	afterFlood := peakRSS(t, cmd.Process.Pid)

	entries, bodies := readRequestLog(t, client, url)
	afterLog := peakRSS(t, cmd.Process.Pid)
	t.Logf("peak RSS after %d requests of %d bytes: %d MB; after reading the request log (%d entries): %d MB",
		requests, bodySize, afterFlood>>20, entries, afterLog>>20)
	if afterFlood > ceiling || afterLog > ceiling {
		t.Errorf("peak RSS %d MB after the flood, %d MB after reading the log; want both under %d MB",
			afterFlood>>20, afterLog>>20, ceiling>>20)
	}
	if entries != requests || bodies != 0 {
		t.Errorf("the request log holds %d entries, %d of them with a body; want %d, none with a body (nothing was routed)",
			entries, bodies, requests)
	}
}

// floodOne sends one large unroutable request and returns what was wrong with the answer, or "".
func floodOne(client *http.Client, url string, i int, body []byte) string {
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v1/flood/%d", url, i), bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var e struct {
		ErrorType string `json:"error_type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 404 || e.ErrorType != "route_not_found" {
		return fmt.Sprintf("%d %q (%v)", resp.StatusCode, e.ErrorType, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return ""
}

// readRequestLog reads GET /__stytchmock/requests one entry at a time, and counts the entries and
// those that kept a body.
func readRequestLog(t *testing.T, client *http.Client, url string) (entries, bodies int) {
	t.Helper()
	resp, err := client.Get(url + "/__stytchmock/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /__stytchmock/requests: %d", resp.StatusCode)
	}
	dec := json.NewDecoder(resp.Body)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("the request log is not a JSON array: %v %v", tok, err)
	}
	for dec.More() {
		var e struct {
			Body *json.RawMessage `json:"body"`
		}
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("request log entry %d: %v", entries, err)
		}
		entries++
		if e.Body != nil {
			bodies++
		}
	}
	return entries, bodies
}

// peakRSS is the process's peak resident set size, in bytes (VmHWM in /proc/PID/status).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM: %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
