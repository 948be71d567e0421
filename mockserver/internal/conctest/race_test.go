//go:build race

package conctest

// raceDetector is whether the race detector runs; it slows the workload about tenfold.
const raceDetector = true
