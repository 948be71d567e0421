//go:build browser

package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/b2bkit/stytchorgs"
)

// The API reference page the binary serves at /__stytchmock/docs, opened in headless Chromium:
// every operation of openapi.yaml renders, with its parameters, its request body's fields and,
// for every status it documents, its response body's fields; nothing is logged to the console
// as an error; and the page loads nothing from anywhere but the mock (no script, font, image or
// telemetry from a CDN), so that it works offline. Chromium runs with every host name but
// 127.0.0.1 unresolvable, as on a machine without a network.
//
// It needs Chromium, so it has a build tag of its own; bash scripts/test-docs-browser installs
// Debian's chromium if it is missing and runs it:
//
//	go test -tags browser -run TestReferencePageInChromium ./mockserver/cmd/stytchmock/
//
// STYTCHMOCK_CHROMIUM names the browser (default: chromium on the PATH), and
// STYTCHMOCK_SCREENSHOTS the directory the screenshots go to (default: the test's temporary
// directory, which is removed after it).
func TestReferencePageInChromium(t *testing.T) {
	browserPath := os.Getenv("STYTCHMOCK_CHROMIUM")
	if browserPath == "" {
		var err error
		if browserPath, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("no chromium on the PATH (bash scripts/test-docs-browser installs Debian's): %v", err)
		}
	}
	shots := os.Getenv("STYTCHMOCK_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	_, base := startBinary(t, "-log-format", "none")
	page := base + "/__stytchmock/docs"
	checkServedPageLoadsNothingExternal(t, page)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := launch(ctx, t, browserPath)
	tab := b.newTab()
	tab.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": false}, nil)
	tab.call("Page.navigate", map[string]any{"url": page}, nil)
	var title string
	tab.eval(`(async () => {
		for (let i = 0; i < 400; i++) {
			const h1 = document.querySelector("h1");
			if (document.readyState === "complete" && h1) return document.title;
			await new Promise(r => setTimeout(r, 25));
		}
		throw new Error("the page did not render a heading in 10 s");
	})()`, &title)
	if title != "Stytch B2B Organizations API" {
		t.Errorf("page title %q", title)
	}
	settle := func() { tab.eval(`new Promise(r => setTimeout(() => r(""), 1500))`, nil) } // the search index, the sidebar's animations
	settle()
	tab.screenshot(filepath.Join(shots, "reference-overview.png"))

	ops := specOperations(t)
	if len(ops) != 34 {
		t.Errorf("openapi.yaml has %d operations, want the 34 of the README", len(ops))
	}
	fields := 0 // what was checked, so that a spec read wrongly cannot pass on nothing
	for _, op := range ops {
		var got renderedOperation
		arg, _ := json.Marshal(op)
		tab.eval("("+renderOperationJS+")("+string(arg)+")", &got)
		for _, problem := range op.compare(got) {
			t.Errorf("%s (#/%s): %s", op.ID, op.Page, problem)
		}
		fields += len(op.Params) + len(op.Body)
		for _, ids := range op.Responses {
			fields += len(ids)
		}
	}
	t.Logf("%d operations, %d parameters and top-level fields of requests and responses checked", len(ops), fields)
	if fields < 500 {
		t.Errorf("only %d parameters and fields checked: the expectations read from openapi.yaml are wrong", fields)
	}
	// One operation's page, as a reader sees it.
	tab.call("Page.navigate", map[string]any{"url": page + "#/organizations/createorganization"}, nil)
	settle()
	tab.screenshot(filepath.Join(shots, "reference-createOrganization.png"))
	t.Logf("screenshots in %s", shots)

	// Give late loads (telemetry, lazily loaded assets) the time to show before the verdict.
	time.Sleep(time.Second)
	for _, p := range b.problems() {
		t.Error(p)
	}
	loads := b.loads()
	for _, u := range loads {
		if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:"+base+"/") {
			t.Errorf("the page loaded %.200s: it must load nothing but from the mock, to work offline", u)
		}
	}
	if !slices.Contains(loads, page) {
		t.Errorf("the browser's requests %q do not include the page itself: the network log is not being read", loads)
	}
}

// checkServedPageLoadsNothingExternal reads the page as served and fails the test if it refers
// to a script, style sheet, font or image by an absolute URL: the browser check below sees what
// is loaded on the way it renders, this sees what the markup asks for whatever the browser does.
func checkServedPageLoadsNothingExternal(t *testing.T, page string) {
	t.Helper()
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	html, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", page, resp.StatusCode, err)
	}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`<script[^>]*\ssrc\s*=`),                                   // every script is inline
		regexp.MustCompile(`<link[^>]*\shref\s*=\s*["']?(https?:)?//`),                // style sheets, fonts, icons
		regexp.MustCompile(`<img[^>]*\ssrc\s*=\s*["']?(https?:)?//`),                  // images in the markup
		regexp.MustCompile(`url\(\s*["']?(https?:)?//`),                               // CSS: fonts, backgrounds
		regexp.MustCompile(`@import\s+(url\(\s*)?["']?(https?:)?//`),                  // CSS imports
		regexp.MustCompile(`https://cdn\.redoc\.ly/|https://cdn\.redocly\.com/redoc`), // Redoc's own assets
	} {
		if m := re.Find(html); m != nil {
			t.Errorf("the served page refers to an external resource: %.120q", m)
		}
	}
}

// operation is what the page must show of one operation of openapi.yaml.
type operation struct {
	ID         string              `json:"id"`
	Page       string              `json:"page"`       // the page's route, without "#/": tag/operationid
	Params     []string            `json:"params"`     // element ids of the parameters, after Page
	Body       []string            `json:"body"`       // element ids of the request body's top-level fields
	Responses  map[string][]string `json:"responses"`  // by status: element ids of the body's top-level fields
	StatusList []string            `json:"statusList"` // the statuses, sorted
}

// renderedOperation is what the page shows of an operation (see renderOperationJS).
type renderedOperation struct {
	Title     string              `json:"title"`
	InSidebar bool                `json:"inSidebar"`
	IDs       []string            `json:"ids"`
	Statuses  []string            `json:"statuses"`
	Responses map[string][]string `json:"responses"`
	Error     string              `json:"error"`
}

// renderOperationJS opens an operation's page (Redoc 3 routes by the URL's fragment) and
// reports what it rendered: its title, the element ids of its request's parameters and fields,
// the status tabs of its responses, and for each status, after its tab is clicked, the element
// ids of the response body's fields. Redoc gives every rendered field an element id of the form
// tag/operationid/t=request&path=field or …/t=response&c=200&path=field.
const renderOperationJS = `async (op) => {
	const sleep = (ms) => new Promise(r => setTimeout(r, ms));
	const waitFor = async (what, f) => {
		for (let i = 0; i < 400; i++) {
			const v = f();
			if (v) return v;
			await sleep(25);
		}
		throw new Error("no " + what + " after 10 s");
	};
	const ids = (prefix) => Array.from(document.querySelectorAll("[id]")).map(e => e.id).filter(id => id.startsWith(prefix));
	try {
		location.hash = "#/" + op.page;
		const section = await waitFor("operation section", () => document.getElementById(op.page));
		const responses = await waitFor("responses section", () => document.getElementById(op.page + "/responses"));
		const out = {
			title: (section.querySelector("h1, h2") || {}).textContent || "",
			inSidebar: !!document.querySelector('a[href="#/' + op.page + '"]'),
			ids: ids(op.page + "/t=request&"),
			statuses: [],
			responses: {},
		};
		for (const tab of responses.querySelectorAll("[role=tab]")) {
			const status = tab.textContent.trim();
			out.statuses.push(status);
			tab.click();
			await waitFor("body of response " + status, () => document.getElementById(op.page + "/response&c=" + status + "/body"));
			out.responses[status] = ids(op.page + "/t=response&c=" + status + "&");
		}
		return JSON.stringify(out);
	} catch (e) {
		return JSON.stringify({ error: String(e) });
	}
}`

// compare lists what the page lacks of op.
func (op operation) compare(got renderedOperation) []string {
	if got.Error != "" {
		return []string{got.Error}
	}
	var problems []string
	if strings.TrimSpace(got.Title) == "" {
		problems = append(problems, "no title")
	}
	if !got.InSidebar {
		problems = append(problems, "no link in the sidebar")
	}
	for _, id := range append(slices.Clone(op.Params), op.Body...) {
		if !slices.Contains(got.IDs, op.Page+"/"+id) {
			problems = append(problems, "the request lacks "+id)
		}
	}
	statuses := slices.Sorted(slices.Values(got.Statuses))
	if !slices.Equal(statuses, op.StatusList) {
		problems = append(problems, fmt.Sprintf("response statuses %v, want %v", statuses, op.StatusList))
	}
	for status, want := range op.Responses {
		for _, id := range want {
			if !slices.Contains(got.Responses[status], op.Page+"/"+id) {
				problems = append(problems, fmt.Sprintf("response %s lacks %s", status, id))
			}
		}
	}
	return problems
}

// specOperations reads what the page must show of each operation from openapi.yaml: the
// element ids Redoc gives a parameter (t=request&in=path&path=name; headers are in=headers,
// lower case), a top-level field of the request body (t=request&path=name) and one of a
// response body (t=response&c=status&path=name).
func specOperations(t *testing.T) []operation {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(stytchorgs.OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Find(path)
		for _, o := range item.Operations() {
			if len(o.Tags) == 0 {
				t.Fatalf("%s has no tag: its page's route is unknown", o.OperationID)
			}
			op := operation{
				ID:        o.OperationID,
				Page:      strings.ReplaceAll(strings.ToLower(o.Tags[0]), " ", "-") + "/" + strings.ToLower(o.OperationID),
				Responses: map[string][]string{},
			}
			for _, p := range append(slices.Clone(item.Parameters), o.Parameters...) {
				in, name := p.Value.In, p.Value.Name
				if in == "header" {
					in, name = "headers", strings.ToLower(name)
				}
				op.Params = append(op.Params, "t=request&in="+in+"&path="+name)
			}
			if o.RequestBody != nil {
				for _, name := range topLevelFields(o.RequestBody.Value.Content.Get("application/json")) {
					op.Body = append(op.Body, "t=request&path="+name)
				}
			}
			for status, r := range o.Responses.Map() {
				op.StatusList = append(op.StatusList, status)
				for _, name := range topLevelFields(r.Value.Content.Get("application/json")) {
					op.Responses[status] = append(op.Responses[status], "t=response&c="+status+"&path="+name)
				}
			}
			slices.Sort(op.StatusList)
			ops = append(ops, op)
		}
	}
	return ops
}

// topLevelFields are the property names of a media type's schema, allOf included.
func topLevelFields(mt *openapi3.MediaType) []string {
	if mt == nil || mt.Schema == nil {
		return nil
	}
	var names []string
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for name := range s.Properties {
			names = append(names, name)
		}
		for _, sub := range s.AllOf {
			walk(sub.Value)
		}
	}
	walk(mt.Schema.Value)
	slices.Sort(names)
	return slices.Compact(names)
}

// browser is headless Chromium driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: JSON messages, each ended by a NUL byte, on file descriptors 3
// and 4), which needs nothing beyond the standard library.
type browser struct {
	t   *testing.T
	ctx context.Context
	out io.Writer // to Chromium

	mu       sync.Mutex
	nextID   int
	waiting  map[int]chan cdpMessage
	requests []string // every URL the page asked for
	issues   []string // console errors, exceptions, failed loads
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

// launch starts Chromium with a fresh profile, headless, with its background traffic (updates,
// sync, safe browsing) off and every host name but 127.0.0.1 unresolvable, so that anything
// the page tried to load from elsewhere would fail as it would offline, and be seen.
func launch(ctx context.Context, t *testing.T, path string) *browser {
	t.Helper()
	toBrowser, browserIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	browserOut, fromBrowser, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser} // the browser's descriptors 3 and 4
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	b := &browser{t: t, ctx: ctx, out: browserIn, waiting: map[int]chan cdpMessage{}}
	done := make(chan struct{})
	go b.read(browserOut, done)
	t.Cleanup(func() {
		// Not b.call: the test's context may be over, and Chromium may close the pipe before
		// it answers.
		_, _ = browserIn.Write([]byte(`{"id":1000000,"method":"Browser.close"}` + "\x00"))
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
		browserIn.Close()
		if t.Failed() {
			t.Logf("chromium's stderr:\n%s", stderr.String())
		}
	})
	return b
}

// read dispatches Chromium's messages: answers to their callers, events to the records.
func (b *browser) read(r io.Reader, done chan<- struct{}) {
	defer close(done)
	in := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := in.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.waiting[m.ID]; ch != nil {
				ch <- m
				delete(b.waiting, m.ID)
			}
		} else {
			b.record(m)
		}
		b.mu.Unlock()
	}
}

// record keeps what an event says about the page's health and its loads; b.mu is held.
func (b *browser) record(m cdpMessage) {
	var p struct {
		Type string `json:"type"` // Runtime.consoleAPICalled
		Args []struct {
			Value       any    `json:"value"`
			Description string `json:"description"`
		} `json:"args"`
		ExceptionDetails struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
		Entry struct {
			Level, Text, URL string
		} `json:"entry"`
		Request struct {
			URL string `json:"url"`
		} `json:"request"`
		ErrorText string `json:"errorText"`
		Canceled  bool   `json:"canceled"`
	}
	_ = json.Unmarshal(m.Params, &p)
	switch m.Method {
	case "Runtime.consoleAPICalled":
		if p.Type == "error" || p.Type == "assert" {
			var words []string
			for _, a := range p.Args {
				words = append(words, fmt.Sprint(a.Value)+a.Description)
			}
			b.issues = append(b.issues, "console."+p.Type+": "+strings.Join(words, " "))
		}
	case "Runtime.exceptionThrown":
		b.issues = append(b.issues, "uncaught exception: "+p.ExceptionDetails.Text+" "+p.ExceptionDetails.Exception.Description)
	case "Log.entryAdded":
		if p.Entry.Level == "error" {
			b.issues = append(b.issues, "console error: "+p.Entry.Text+" "+p.Entry.URL)
		}
	case "Network.requestWillBeSent":
		b.requests = append(b.requests, p.Request.URL)
	case "Network.loadingFailed":
		if !p.Canceled {
			b.issues = append(b.issues, "a load failed: "+p.ErrorText)
		}
	}
}

func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.issues)
}

func (b *browser) loads() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests)
}

// call sends a command (to a page's session, or to the browser when session is "") and decodes
// its result into result, failing the test on an error or a timeout.
func (b *browser) call(session, method string, params, result any) {
	b.t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(struct {
		ID        int    `json:"id"`
		Method    string `json:"method"`
		Params    any    `json:"params,omitempty"`
		SessionID string `json:"sessionId,omitempty"`
	}{id, method, params, session})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.out.Write(append(msg, 0)); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				b.t.Fatalf("%s: %v: %s", method, err, m.Result)
			}
		}
	case <-b.ctx.Done():
		b.t.Fatalf("%s: no answer from chromium: %v", method, b.ctx.Err())
	}
}

// tab is a page of the browser, attached to with its own session.
type tab struct {
	b       *browser
	session string
}

// newTab opens a blank page and starts recording its console, exceptions and network loads.
func (b *browser) newTab() *tab {
	b.t.Helper()
	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	tb := &tab{b: b, session: attached.SessionID}
	for _, domain := range []string{"Page", "Runtime", "Log", "Network"} {
		tb.call(domain+".enable", nil, nil)
	}
	return tb
}

func (tb *tab) call(method string, params, result any) {
	tb.b.t.Helper()
	tb.b.call(tb.session, method, params, result)
}

// eval evaluates a JavaScript expression in the page, waits for the promise it returns, and
// decodes its value into out: a string that holds JSON is decoded as that JSON.
func (tb *tab) eval(expr string, out any) {
	tb.b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	tb.call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		tb.b.t.Fatalf("evaluating %.80q: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out == nil {
		return
	}
	value := []byte(r.Result.Value)
	var s string
	if json.Unmarshal(value, &s) == nil && json.Valid([]byte(s)) && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) {
		value = []byte(s)
	}
	if err := json.Unmarshal(value, out); err != nil {
		tb.b.t.Fatalf("evaluating %.80q: %v: %s", expr, err, value)
	}
}

// screenshot saves the visible part of the page as a PNG file.
func (tb *tab) screenshot(file string) {
	tb.b.t.Helper()
	var shot struct{ Data string }
	tb.call("Page.captureScreenshot", map[string]any{"format": "png"}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		tb.b.t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.b.t.Fatal(err)
	}
}
