//go:build ignore

// modzip writes a module zip, as a module proxy serves one, of the module in a directory:
//
//	go run scripts/lib/modzip.go DIR module@version OUT.zip
//
// Every regular file under DIR goes in under module@version/, except in directories that hold
// a go.mod of their own (another module) or are named vendor, as the go command leaves them out.
// scripts/test-consumer uses it to serve the committed tree from a local proxy.
package main

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/lib/modzip.go DIR module@version OUT.zip")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "modzip:", err)
		os.Exit(1)
	}
}

func write(dir, prefix, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	z := zip.NewWriter(f)
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(dir, p, d)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return add(z, p, path.Join(prefix, filepath.ToSlash(rel)))
	})
	if err := z.Close(); walkErr == nil {
		walkErr = err
	}
	if err := f.Close(); walkErr == nil {
		walkErr = err
	}
	return walkErr
}

// skipDir leaves out what is not part of the module in dir: vendor directories and nested
// modules.
func skipDir(dir, p string, d fs.DirEntry) error {
	if p == dir {
		return nil
	}
	if d.Name() == "vendor" {
		return filepath.SkipDir
	}
	if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
		return filepath.SkipDir
	}
	return nil
}

func add(z *zip.Writer, src, name string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	w, err := z.Create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, in)
	return err
}
