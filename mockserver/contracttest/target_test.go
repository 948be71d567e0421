package contracttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The environment the suite reads.
const (
	envProjectID = "STYTCH_PROJECT_ID"
	envSecret    = "STYTCH_SECRET"
	envBaseURL   = "STYTCH_BASE_URL"
	envAllowLive = "STYTCH_CONTRACT_ALLOW_LIVE" // 1: run against a project-live- id too
	envReport    = "STYTCH_CONTRACT_REPORT"     // a file to write the table to, as Markdown
)

// target is what the suite runs against: the in-process mock, or a project at Stytch or at a
// base URL.
type target struct {
	// where describes the target for the table; it holds no secret.
	where     string
	baseURL   string // raw requests go here; no trailing slash
	projectID string
	secret    string
	// mock is the in-process mock, nil for any other target. Only through it may a rule use the
	// mock's fixtures and controls.
	mock   *mockserver.Server
	client *client.Client
	http   *http.Client // the client's transport, which records each exchange
	rec    *recorder

	// run is unique to this run; prefix starts the name and slug of every organization the run
	// creates, and wide is the same text in full-width letters, for the names that must give no
	// slug (see wideName).
	run, prefix, wide string
	// settle is how long a search may take to see a write: 0 for the mock, some seconds for a
	// remote target, whose search index may lag.
	settle time.Duration
	// serial numbers the names the run makes, so that no two rules share one.
	mu     sync.Mutex
	serial int
}

// targetConfig is the target the environment asks for, before anything is started.
type targetConfig struct {
	projectID, secret, baseURL string
	remote                     bool
}

// readConfig decides the target from the environment, or says why the run must not start.
func readConfig(getenv func(string) string) (targetConfig, error) {
	id, secret, base := getenv(envProjectID), getenv(envSecret), getenv(envBaseURL)
	switch {
	case id == "" && secret == "" && base == "":
		return targetConfig{}, nil
	case id == "" || secret == "":
		return targetConfig{}, fmt.Errorf("set both %s and %s to run against a project (or neither, for the in-process mock)", envProjectID, envSecret)
	case strings.HasPrefix(id, "project-live-") && getenv(envAllowLive) != "1":
		return targetConfig{}, fmt.Errorf("%s is a live project; the suite creates and deletes organizations, so it runs against a live project only with %s=1", envProjectID, envAllowLive)
	}
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return targetConfig{}, fmt.Errorf("%s must be an http or https URL without credentials", envBaseURL)
		}
	}
	return targetConfig{projectID: id, secret: secret, baseURL: strings.TrimRight(base, "/"), remote: true}, nil
}

// newTarget starts the target cfg describes: the in-process mock unless cfg is remote.
func newTarget(cfg targetConfig) (*target, error) {
	run := randomHex(4)
	tg := &target{run: run, prefix: "stytchorgs-ct-" + run}
	tg.wide = wide("ct" + run)
	var opts []client.Option
	if cfg.remote {
		tg.projectID, tg.secret, tg.baseURL = cfg.projectID, cfg.secret, cfg.baseURL
		switch {
		case cfg.baseURL != "":
			u, _ := url.Parse(cfg.baseURL) // readConfig parsed it
			tg.where = "the API at " + u.Scheme + "://" + u.Host + u.Path
			opts = append(opts, client.WithBaseURL(cfg.baseURL))
		case strings.HasPrefix(cfg.projectID, "project-live-"):
			tg.where, tg.baseURL = "Stytch's live API (https://api.stytch.com)", "https://api.stytch.com"
		default:
			tg.where, tg.baseURL = "Stytch's test API (https://test.stytch.com)", "https://test.stytch.com"
		}
		tg.settle = 15 * time.Second
		// Rate limits are answered 429; the client waits as Retry-After says, and more often
		// than by default, so that a busy project slows the run instead of failing it.
		opts = append(opts, client.WithMaxRetries(5), client.WithRetryWaits(time.Second, 10*time.Second))
	} else {
		srv, err := mockserver.New()
		if err != nil {
			return nil, err
		}
		tg.mock = srv
		tg.where = "the in-process mock (package mockserver)"
		tg.projectID, tg.secret, tg.baseURL = "project-test-contract-"+run, "secret-contract-"+run, srv.URL
		// The mock neither limits rates nor fails by itself: a retry would only hide a bug.
		opts = append(opts, client.WithBaseURL(srv.URL), client.WithMaxRetries(0))
	}
	tg.rec = &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
	tg.http = &http.Client{Transport: tg.rec}
	opts = append(opts, client.WithHTTPClient(tg.http), client.WithUserAgent("stytchorgs-contracttest/"+run))
	c, err := client.New(tg.projectID, tg.secret, opts...)
	if err != nil {
		tg.close()
		return nil, err
	}
	tg.client = c
	return tg, nil
}

func (tg *target) close() {
	if tg.client != nil {
		tg.client.Close()
	}
	if tg.mock != nil {
		tg.mock.Close()
	}
}

// remote reports whether the target is anything but the in-process mock.
func (tg *target) remote() bool { return tg.mock == nil }

// next returns a number no other name of the run has.
func (tg *target) next() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.serial++
	return tg.serial
}

// ping makes one harmless request, so that wrong credentials or an unreachable target stop the
// run before any rule, and so that a mock that learns a project's secret on first use learns
// the right one.
func (tg *target) ping(ctx context.Context) error {
	_, err := tg.client.RBAC.Policy(ctx)
	return err
}

// sweep deletes every organization of this run that is left: those a test could not delete,
// or whose create answered nothing. It finds them by the run's prefix and deletes only those
// whose name or slug starts with it. It returns how many it deleted and the first error.
func (tg *target) sweep(ctx context.Context) (int, error) {
	deleted := 0
	var firstErr error
	for _, f := range []client.OrganizationFilter{
		client.OrganizationNameFuzzy(tg.prefix), client.OrganizationNameFuzzy(tg.wide), client.OrganizationSlugFuzzy(tg.prefix),
	} {
		var found []string
		for o, err := range tg.client.Organizations.SearchAll(ctx, client.OrganizationSearchParams{Query: client.All(f)}) {
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				break
			}
			if ours(o.Name, o.Slug) {
				found = append(found, o.ID)
			}
		}
		for _, id := range found {
			err := tg.client.Organizations.Delete(ctx, id)
			switch {
			case err == nil:
				deleted++
			case !errors.Is(err, client.ErrNotFound):
				firstErr = cmpErr(firstErr, err)
			}
		}
	}
	return deleted, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// wide writes ASCII letters and digits in their full-width forms (U+FF10…), which are no
// characters of a slug: a name made of them gives no slug, yet still names the run.
func wide(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			b.WriteRune(r - 0x21 + 0xFF01)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// exchange is one request the suite sent and what came back, for the table's failure details:
// enough to find the request in Stytch's logs, nothing secret.
type exchange struct {
	Method, Path string
	Status       int
	RequestID    string
	Err          string // a transport error instead of an answer
}

func (e exchange) String() string {
	if e.Method == "" {
		return ""
	}
	s := e.Method + " " + e.Path
	if e.Err != "" {
		return s + ": " + e.Err
	}
	s += " → " + strconv.Itoa(e.Status)
	if e.RequestID != "" {
		s += " (request_id " + e.RequestID + ")"
	}
	return s
}

// recorder is the transport of every request the suite sends: it notes each exchange for the
// rule that is running, and counts them for the report.
type recorder struct {
	next http.RoundTripper
	sent atomic.Int64
}

// maxRecordedBody bounds what the recorder reads of an answer to find its request id; the API's
// answers are far smaller.
const maxRecordedBody = 8 << 20

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{Method: req.Method, Path: req.URL.EscapedPath()}
	r.sent.Add(1)
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		ex.Err = err.Error()
		noteExchange(ex)
		return nil, err
	}
	ex.Status = resp.StatusCode
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
	}
	var id struct {
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(body, &id) == nil {
		ex.RequestID = id.RequestID
	}
	noteExchange(ex)
	return resp, nil
}

// errReader hands the client the error that cut a body short.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
