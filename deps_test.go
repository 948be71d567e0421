package stytchorgs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs"
)

// The packages' arrows, as DESIGN.md draws them: the client and the mock both stand on the
// nouns of the root package, and neither leans on the other. These tests hold the arrows that
// matter to what a program links.

// deps lists the packages a package of the module depends on, as the go command resolves them
// for a build (test files left out).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json", pkg).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	var paths []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct{ ImportPath string }
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p.ImportPath)
	}
	if len(paths) == 0 {
		t.Fatalf("go list -deps %s listed nothing", pkg)
	}
	return paths
}

// The mock binary links no part of the SDK: not the client, and not the retry library the
// client is built on.
func TestMockBinaryLinksNoClient(t *testing.T) {
	t.Parallel()
	for _, p := range deps(t, "./mockserver/cmd/stytchmock") {
		for _, banned := range []string{"github.com/b2bkit/stytchorgs/client", "github.com/hashicorp/go-retryablehttp", "github.com/hashicorp/go-cleanhttp"} {
			if p == banned || strings.HasPrefix(p, banned+"/") {
				t.Errorf("stytchmock depends on %s", p)
			}
		}
	}
}

// A program of the client compiles no kin-openapi, the mock's validator, and nothing of the mock.
func TestClientLinksNoMock(t *testing.T) {
	t.Parallel()
	for _, p := range deps(t, "./client") {
		if strings.HasPrefix(p, "github.com/getkin/") || strings.HasPrefix(p, "github.com/b2bkit/stytchorgs/mockserver") {
			t.Errorf("the client depends on %s", p)
		}
	}
}

// A program that imports the client imports the root package, which embeds openapi.yaml; the
// linker must leave the spec's 200 KB out unless the program calls OpenAPISpec. Two programs are
// built, one with the call and one without, and their bytes searched for a line of the spec.
func TestClientProgramsCarryNoSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	t.Parallel()
	const clientOnly = `package main

import (
	"context"
	"fmt"

	"github.com/b2bkit/stytchorgs/client"
)

func main() {
	c, err := client.New("project-test-1", "secret")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Organizations.Create(context.Background(), client.OrganizationCreateParams{Name: "Acme"}))
}
`
	const withSpec = `package main

import (
	"fmt"

	"github.com/b2bkit/stytchorgs"
)

func main() { fmt.Println(len(stytchorgs.OpenAPISpec())) }
`
	marker := []byte("operationId: createOrganization")
	if !bytes.Contains(stytchorgs.OpenAPISpec(), marker) {
		t.Fatalf("openapi.yaml has no %q to look for", marker)
	}
	if bin := buildProgram(t, withSpec); !bytes.Contains(bin, marker) {
		t.Fatalf("a program that calls OpenAPISpec does not hold %q: the search cannot see the spec", marker)
	}
	if bin := buildProgram(t, clientOnly); bytes.Contains(bin, marker) {
		t.Errorf("a program that only uses the client holds openapi.yaml")
	}
}

// buildProgram builds a main package of source, as if it were a directory of the module (an
// overlay, so nothing is written into the module), and returns the binary's bytes.
func buildProgram(t *testing.T, source string) []byte {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	mainFile := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainFile, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, "internal", "linkcheck", "main.go"): mainFile}})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "program")
	cmd := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, "./internal/linkcheck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the program: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
