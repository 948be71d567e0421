package client_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// This file checks that the SDK covers the API: every operation of openapi.yaml is called by
// exactly one exported method of a service, named in that method's "API: METHOD /path" doc line,
// whose request is built by that operation's generated builder and sent under its operationId.

// services are the service types whose exported methods are the SDK's operations.
var services = []string{"OrganizationsService", "MembersService", "RBACService", "SessionsService"}

// wrappers are the exported service methods that have no "API:" line because they add no
// operation of their own: each is a documented convenience over the method it wraps. The test
// checks each entry: the wrapper must exist, must have no API line (else the operation would be
// named twice), and must reach the API only through the wrapped method or through the very
// generated calls the wrapped method makes. Add to this list only methods of that kind.
var wrappers = map[string]struct {
	wraps string // "Service.Method" the wrapper calls into
	why   string
}{
	// GetByEmail is GET /v1/b2b/organizations/{organization_id}/member, the operation Get names,
	// sent with the email_address query parameter instead of member_id (both go through the
	// unexported MembersService.get).
	"MembersService.GetByEmail": {wraps: "MembersService.Get", why: "the same operation as Get, looked up by email"},
	// SearchAll methods are iterators that call Search once per page.
	"OrganizationsService.SearchAll": {wraps: "OrganizationsService.Search", why: "iterates the pages of Search"},
	"MembersService.SearchAll":       {wraps: "MembersService.Search", why: "iterates the pages of Search"},
}

var (
	// apiLine matches a doc line that claims to name an operation, well-formed or not.
	apiLine = regexp.MustCompile(`(?m)^\s*API:(.*)$`)
	// apiForm is the form such a line must have: "API: METHOD /path".
	apiForm = regexp.MustCompile(`^ (GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (/\S+)$`)
)

// sourceMethod is one method declared on a service type, as go/ast sees it.
type sourceMethod struct {
	recv, name string // receiver type without '*', method name
	pos        token.Position
	decl       *ast.FuncDecl
	doc        string   // the doc comment's text, "" when there is none
	apiLines   []string // the text after "API:" of every API line of the doc
}

func (m *sourceMethod) key() string { return m.recv + "." + m.name }

// clientSource is the client package's non-test source.
type clientSource struct {
	methods map[string]*sourceMethod // by "Recv.Name", exported and unexported
	types   map[string]bool          // every type the package declares
}

// loadSpec loads openapi.yaml as the module embeds it, with every $ref resolved.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatalf("loading openapi.yaml: %v", err)
	}
	return doc
}

// parseClient parses the client package's non-test .go files (tests run in the package
// directory).
func parseClient(t *testing.T) *clientSource {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	src := &clientSource{methods: map[string]*sourceMethod{}, types: map[string]bool{}}
	fset := token.NewFileSet()
	parsed := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		if f.Name.Name != "client" {
			continue
		}
		parsed++
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						src.types[ts.Name.Name] = true
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				recv := receiverType(d.Recv.List[0].Type)
				if recv == "" {
					continue
				}
				m := &sourceMethod{recv: recv, name: d.Name.Name, pos: fset.Position(d.Pos()), decl: d}
				if d.Doc != nil {
					m.doc = d.Doc.Text()
					for _, sub := range apiLine.FindAllStringSubmatch(m.doc, -1) {
						m.apiLines = append(m.apiLines, sub[1])
					}
				}
				src.methods[m.key()] = m
			}
		}
	}
	if parsed == 0 {
		t.Fatal("found no non-test .go file of package client in the test's working directory")
	}
	return src
}

// receiverType returns the type name of a receiver, T or *T.
func receiverType(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// exportedServiceMethods returns the exported methods of the service types, sorted.
func (src *clientSource) exportedServiceMethods() []*sourceMethod {
	var out []*sourceMethod
	for _, m := range src.methods {
		if slices.Contains(services, m.recv) && ast.IsExported(m.name) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// generatedCalls returns the operations whose generated request builders (api.NewXRequest or
// api.NewXRequestWithBody, as X) a method calls, and the operationIds it passes to call, directly
// or through unexported methods of the same receiver type; and the receiver's methods it calls
// directly.
func (src *clientSource) generatedCalls(m *sourceMethod) (api, opIDs, direct map[string]bool) {
	api, opIDs, direct = map[string]bool{}, map[string]bool{}, map[string]bool{}
	seen := map[string]bool{}
	var walk func(m *sourceMethod, top bool)
	walk = func(m *sourceMethod, top bool) {
		if seen[m.key()] || m.decl.Body == nil {
			return
		}
		seen[m.key()] = true
		recvName := ""
		if names := m.decl.Recv.List[0].Names; len(names) == 1 {
			recvName = names[0].Name
		}
		ast.Inspect(m.decl.Body, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id := callOperationID(c); id != "" {
				opIDs[id] = true
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			switch {
			case !ok:
			case x.Name == "api": // api.NewXRequest(...) or api.NewXRequestWithBody(...)
				name := strings.TrimSuffix(strings.TrimSuffix(sel.Sel.Name, "WithBody"), "Request")
				if strings.HasPrefix(name, "New") && name != sel.Sel.Name {
					api[strings.TrimPrefix(name, "New")] = true
				}
			case recvName != "" && x.Name == recvName: // s.method(...)
				if top {
					direct[sel.Sel.Name] = true
				}
				if callee := src.methods[m.recv+"."+sel.Sel.Name]; callee != nil && !ast.IsExported(callee.name) {
					walk(callee, false)
				}
			}
			return true
		})
	}
	walk(m, true)
	return api, opIDs, direct
}

// callOperationID is the operationId literal of a call[T](ctx, c, "operationId", …), or "".
func callOperationID(c *ast.CallExpr) string {
	fun := c.Fun
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	if id, ok := fun.(*ast.Ident); !ok || id.Name != "call" || len(c.Args) < 3 {
		return ""
	}
	lit, ok := c.Args[2].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return ""
	}
	id, err := strconv.Unquote(lit.Value)
	if err != nil {
		return ""
	}
	return id
}

// operation is one operation of the spec.
type operation struct {
	route string // "METHOD /path"
	id    string // operationId
}

func operations(doc *openapi3.T) map[string]operation {
	ops := map[string]operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := strings.ToUpper(method) + " " + path
			ops[route] = operation{route: route, id: op.OperationID}
		}
	}
	return ops
}

// generatedName is the name oapi-codegen gives an operation in internal/api (its request
// builders are NewXRequest and NewXRequestWithBody).
func generatedName(operationID string) string {
	r := []rune(operationID)
	if len(r) == 0 {
		return ""
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// TestSpecServicesAreKnown guards the inputs of the mapping test: a service type added to the
// client without being added to services would escape every check below.
func TestSpecServicesAreKnown(t *testing.T) {
	src := parseClient(t)
	for _, s := range services {
		if !src.types[s] {
			t.Errorf("service type %s is listed in services but the client package does not declare it", s)
		}
	}
	for name := range src.types {
		if ast.IsExported(name) && strings.HasSuffix(name, "Service") && !slices.Contains(services, name) {
			t.Errorf("the client package declares %s, which is not in services: add it so its methods are mapped to the spec", name)
		}
	}
}

// TestSpecEveryOperationHasExactlyOneMethod maps the spec's operations to the client's methods
// through the methods' "API: METHOD /path" doc lines.
func TestSpecEveryOperationHasExactlyOneMethod(t *testing.T) {
	doc := loadSpec(t)
	src := parseClient(t)
	ops := operations(doc)
	if len(ops) == 0 {
		t.Fatal("openapi.yaml has no operations")
	}

	namedBy := map[string][]string{} // route -> methods whose API line names it
	for _, m := range src.exportedServiceMethods() {
		where := m.key() + " (" + m.pos.String() + ")"
		wrapper, isWrapper := wrappers[m.key()]
		switch {
		case isWrapper && len(m.apiLines) > 0:
			t.Errorf("%s: is allow-listed in wrappers as a wrapper of %s, but has an API line %q; a wrapper must not name an operation (remove the line, or remove it from wrappers if it now calls an operation of its own)", where, wrapper.wraps, strings.TrimSpace(m.apiLines[0]))
		case isWrapper:
			continue // checked by TestSpecWrappersWrap
		case len(m.apiLines) == 0:
			t.Errorf("%s: exported service method has no \"API: METHOD /path\" line in its doc comment; add one naming the operation it calls (or, if it only wraps another method, allow-list it in wrappers)", where)
			continue
		case len(m.apiLines) > 1:
			t.Errorf("%s: has %d API lines; a method calls exactly one operation", where, len(m.apiLines))
			continue
		}
		sub := apiForm.FindStringSubmatch(m.apiLines[0])
		if sub == nil {
			t.Errorf("%s: API line %q is not of the form \"API: METHOD /path\" (one space after the colon, an upper-case method, one space, the spec's path)", where, "API:"+m.apiLines[0])
			continue
		}
		route := sub[1] + " " + sub[2]
		op, ok := ops[route]
		if !ok {
			t.Errorf("%s: API line names %s, which is not an operation of openapi.yaml", where, route)
			continue
		}
		namedBy[route] = append(namedBy[route], m.key())

		// The API line must agree with the request builder the method calls, and with the
		// operationId it passes to call, which picks the retry class.
		calls, opIDs, _ := src.generatedCalls(m)
		want := generatedName(op.id)
		if !calls[want] {
			t.Errorf("%s: API line names %s (operationId %s), but the method never calls api.New%sRequest or api.New%sRequestWithBody (it builds %v)", where, route, op.id, want, want, slices.Sorted(maps.Keys(calls)))
		}
		for _, c := range slices.Sorted(maps.Keys(calls)) {
			if c != want {
				t.Errorf("%s: API line names %s (operationId %s), but the method also builds a request of %s, another operation", where, route, op.id, c)
			}
		}
		if !maps.Equal(opIDs, map[string]bool{op.id: true}) {
			t.Errorf("%s: API line names %s (operationId %s), but the method passes %v to call", where, route, op.id, slices.Sorted(maps.Keys(opIDs)))
		}
	}

	for _, route := range slices.Sorted(maps.Keys(ops)) {
		switch methods := namedBy[route]; len(methods) {
		case 0:
			t.Errorf("operation %s (operationId %s) has no client method: no exported method of %s has the doc line \"API: %s\"", route, ops[route].id, strings.Join(services, ", "), route)
		case 1:
		default:
			sort.Strings(methods)
			t.Errorf("operation %s (operationId %s) is named by %d methods (%s); exactly one method may name it, and convenience wrappers belong in wrappers", route, ops[route].id, len(methods), strings.Join(methods, ", "))
		}
	}
}

// TestSpecWrappersWrap checks each allow-listed wrapper really only wraps its target.
func TestSpecWrappersWrap(t *testing.T) {
	src := parseClient(t)
	for _, key := range slices.Sorted(maps.Keys(wrappers)) {
		w := wrappers[key]
		m := src.methods[key]
		if m == nil {
			t.Errorf("wrappers lists %s, which no longer exists; remove the entry", key)
			continue
		}
		target := src.methods[w.wraps]
		if target == nil {
			t.Errorf("%s: wrappers says it wraps %s, which does not exist", key, w.wraps)
			continue
		}
		if target.recv != m.recv {
			t.Errorf("%s: wraps %s, a method of another service", key, w.wraps)
			continue
		}
		if _, isWrapper := wrappers[w.wraps]; isWrapper || len(target.apiLines) != 1 {
			t.Errorf("%s: wraps %s, which is not a method with one API line", key, w.wraps)
			continue
		}
		wCalls, _, wDirect := src.generatedCalls(m)
		tCalls, _, _ := src.generatedCalls(target)
		callsTarget := wDirect[target.name]
		sameCalls := len(wCalls) > 0 && maps.Equal(wCalls, tCalls)
		if !callsTarget && !sameCalls {
			t.Errorf("%s: allow-listed as a wrapper of %s (%s), but it neither calls %s nor makes the same generated call (%v vs %v)", key, w.wraps, w.why, target.name, slices.Sorted(maps.Keys(wCalls)), slices.Sorted(maps.Keys(tCalls)))
		}
		if callsTarget && len(wCalls) > 0 {
			t.Errorf("%s: wraps %s but also calls the generated client itself (%v); that is an operation of its own and needs an API line", key, w.wraps, slices.Sorted(maps.Keys(wCalls)))
		}
	}
}

// TestSpecMethodDocsStartWithName checks the go doc convention: a method's doc comment is a
// sentence whose first word is the method's name.
func TestSpecMethodDocsStartWithName(t *testing.T) {
	src := parseClient(t)
	for _, m := range src.exportedServiceMethods() {
		switch {
		case strings.TrimSpace(m.doc) == "":
			t.Errorf("%s (%s): exported method has no doc comment", m.key(), m.pos)
		case !strings.HasPrefix(m.doc, m.name+" "):
			first, _, _ := strings.Cut(m.doc, "\n")
			t.Errorf("%s (%s): doc comment must start with the method name %q, got %q", m.key(), m.pos, m.name, first)
		}
	}
}

// TestSpecEveryMethodMeetsFaults requires a row of methodCalls (methods_test.go), which runs the
// method against injected faults, for every exported method of a service.
func TestSpecEveryMethodMeetsFaults(t *testing.T) {
	src := parseClient(t)
	rows := map[string]bool{}
	for _, m := range methodCalls {
		rows[m.method] = true
	}
	for _, m := range src.exportedServiceMethods() {
		if !rows[m.key()] {
			t.Errorf("%s (%s) has no row in methodCalls: add one, so that its errors and retries are tested", m.key(), m.pos)
		}
		delete(rows, m.key())
	}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		t.Errorf("methodCalls has a row for %s, which is not an exported method of a service", name)
	}
}
