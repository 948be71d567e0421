//go:build loadtest || browser

package main

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"testing"
)

// The tests that run the stytchmock binary itself, as a user would: they have build tags of
// their own (loadtest, browser), and bash scripts/test runs each as a step of its own.

// buildBinary builds the command into the test's temporary directory: what runs is the binary,
// without the race detector's shadow memory that a test binary may carry.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build stytchmock: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "stytchmock")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary builds the command and runs it on a free loopback port with args, until the test
// ends; it returns the process and the base URL it printed.
func startBinary(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{} // written by exec's goroutine
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := listeningLine.FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("stytchmock printed %q (%v); stderr: %s", line, err, stderr.String())
	}
	return cmd, m[1]
}
