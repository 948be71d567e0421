package stytchorgs_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// snippetImports are the packages README snippets may use, by the name they are used with.
var snippetImports = map[string]string{
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"http":       "net/http",
	"os":         "os",
	"testing":    "testing",
	"client":     "github.com/b2bkit/stytchorgs/client",
	"stytchorgs": "github.com/b2bkit/stytchorgs",
	"mockserver": "github.com/b2bkit/stytchorgs/mockserver",
}

// TestReadmeSnippetsCompile type-checks every Go block of README.md that declares functions, so
// the README cannot drift from the API it shows. Each block becomes a test file of a package of
// its own, given the imports it uses, and go vet checks it. The packages live in a module of
// their own in the test's temporary directory, which requires this module from its directory
// (a replace directive), so nothing is written into the module.
func TestReadmeSnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) < 2 {
		t.Fatalf("README.md has %d Go blocks; it should show the client and the mock", len(blocks))
	}
	dir := snippetModule(t)
	checked := 0
	for i, b := range blocks {
		code := string(b[1])
		if !strings.HasPrefix(code, "func ") {
			continue // a fragment, not a declaration
		}
		var src strings.Builder
		fmt.Fprintf(&src, "package snippet%d\n\nimport (\n", i)
		for _, path := range usedImports(t, code) {
			fmt.Fprintf(&src, "\t%q\n", path)
		}
		fmt.Fprintf(&src, ")\n\n%s", code)
		pkg := filepath.Join(dir, fmt.Sprintf("snippet%d", i))
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "snippet_test.go"), []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		checked++
	}
	if checked < 2 {
		t.Fatalf("only %d README blocks declare functions", checked)
	}
	cmd := exec.Command("go", "vet", "./...")
	// -mod=mod lets the go command write the snippets' module's requirements, which are this
	// module's; the module cache already holds them.
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("README snippets do not compile:\n%s", out)
	}
}

// snippetModule makes a module in a temporary directory that requires this one, found in the
// test's working directory (the module's root), and returns its directory.
func snippetModule(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := fmt.Sprintf("module readmesnippets\n\ngo %s\n\nrequire github.com/b2bkit/stytchorgs v0.0.0\n\nreplace github.com/b2bkit/stytchorgs => %s\n",
		goVersion[1], root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// usedImports returns the import paths of the packages code refers to (pkg.Name selectors).
func usedImports(t *testing.T, code string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "snippet.go", "package snippet\n\n"+code, 0)
	if err != nil {
		t.Fatalf("a README snippet does not parse: %v\n%s", err, code)
	}
	seen := map[string]bool{}
	var paths []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				if path, ok := snippetImports[id.Name]; ok && !seen[path] {
					seen[path] = true
					paths = append(paths, path)
				}
			}
		}
		return true
	})
	return paths
}

// TestDocSnippetsHandleNewsError holds every snippet in the package docs and READMEs that
// calls client.New to checking its error on the next line: a snippet that discards it is copied
// into code that then fails later, with a nil client, far from the cause.
func TestDocSnippetsHandleNewsError(t *testing.T) {
	call := regexp.MustCompile(`(\w+), (\w+) :?= client\.New\(`)
	checked := 0
	for _, file := range []string{"README.md", "examples/README.md", "client/doc.go", "mockserver/doc.go"} {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(text), "\n")
		for i, line := range lines {
			if !strings.Contains(line, "client.New(") {
				continue
			}
			m := call.FindStringSubmatch(line)
			if m == nil || m[2] == "_" {
				t.Errorf("%s:%d: the snippet does not keep client.New's error: %s", file, i+1, strings.TrimSpace(line))
				continue
			}
			// The call may continue on the lines after it; the check follows the call.
			handled := false
			for _, next := range lines[i+1 : min(i+4, len(lines))] {
				if strings.Contains(next, "if "+m[2]+" != nil") {
					handled = true
					break
				}
			}
			if !handled {
				t.Errorf("%s:%d: the snippet does not check client.New's error: %s", file, i+1, strings.TrimSpace(line))
			}
			checked++
		}
	}
	if checked < 3 {
		t.Fatalf("found %d calls of client.New in the docs; the test reads the wrong files", checked)
	}
}
