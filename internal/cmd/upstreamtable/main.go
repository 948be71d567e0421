// Command upstreamtable refreshes testdata/stytch-openapi-table.json, the table of facts from
// Stytch's published OpenAPI document that spec_upstream_test.go compares openapi.yaml with.
//
//	go run ./internal/cmd/upstreamtable -spec PATH/openapi.yml -commit SHA -committed YYYY-MM-DD -o testdata/stytch-openapi-table.json
//
// With -o the table replaces the file whole (a temporary file renamed over it), so a run that
// fails leaves the committed table as it was; without -o it goes to standard output.
//
// PATH/openapi.yml is Stytch's file at commit SHA of stytchauth/stytch-openapi, committed on
// YYYY-MM-DD. The operations taken from it are those of this repository's openapi.yaml, so the
// table follows the operations this project covers without a list to keep up to date.
//
// The table holds facts, not Stytch's text, so it can be committed where Stytch's file cannot.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/b2bkit/stytchorgs"
	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	if err := run(os.Args[1:], stytchorgs.OpenAPISpec(), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "upstreamtable:", err)
		os.Exit(1)
	}
}

var commitPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)

// run writes the table for the operations of ours (an OpenAPI document in YAML) to stdout. It
// writes nothing unless the whole table could be made, so that a failure never leaves half a
// table behind.
func run(args []string, ours []byte, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("upstreamtable", flag.ContinueOnError)
	flags.SetOutput(stderr)
	specPath := flags.String("spec", "", "path of Stytch's openapi.yml")
	commit := flags.String("commit", "", "full commit of stytchauth/stytch-openapi the file was taken from")
	committed := flags.String("committed", "", "date of that commit, YYYY-MM-DD")
	outPath := flags.String("o", "", "write the table to this file, replacing it whole, instead of to standard output")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	src, err := checkSource(*specPath, *commit, *committed)
	if err != nil {
		return err
	}
	routes, err := routes(ours)
	if err != nil {
		return fmt.Errorf("this repository's openapi.yaml: %w", err)
	}
	upstream, err := openapi3.NewLoader().LoadFromFile(*specPath)
	if err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	t, err := extract(upstream, routes)
	if err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	table := render(t, src)
	if *outPath != "" {
		return replaceFile(*outPath, table)
	}
	_, err = stdout.Write(table)
	return err
}

// replaceFile writes data to path through a temporary file in the same directory, renamed over
// path once written and synced: path holds the old table or the new one, never part of one.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// checkSource refuses a table whose source a later reader could not find again: the table is
// only worth what its commit lets one check.
func checkSource(specPath, commit, committed string) (source, error) {
	if specPath == "" {
		return source{}, errors.New("-spec is required: the path of Stytch's openapi.yml")
	}
	if !commitPattern.MatchString(commit) {
		return source{}, fmt.Errorf("-commit %q is not a full commit (40 lowercase hex digits)", commit)
	}
	if _, err := time.Parse(time.DateOnly, committed); err != nil {
		return source{}, fmt.Errorf("-committed %q is not a date YYYY-MM-DD", committed)
	}
	return source{commit: commit, committed: committed}, nil
}
