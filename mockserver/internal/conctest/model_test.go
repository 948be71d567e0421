package conctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

const (
	workers    = 64
	metaOwners = 16 // goroutines 0..15 each own one metadata key (gNN) of every object
	slugPool   = 12 // organizations are created with slugs team-00…team-11, in either case
	emailPool  = 6  // members are created with user0…user5@conc.example, in either case
)

// write is a successful write of one field: the value, and the ticks around the request.
type write struct {
	v    string
	s, e int64
}

type span struct{ s, e int64 }

// orgRecord is what the model knows of an organization that was created. Fields after created
// are guarded by model.mu.
type orgRecord struct {
	id      string
	created span

	delIssued int64 // the earliest tick at which a delete of it was sent; 0 if none
	del       span  // the delete that succeeded; zero if none

	name, slug, mfa, invites []write
	meta                     map[string]any // trusted_metadata as the successful patches leave it
	members                  []*memberRecord
}

type memberRecord struct {
	id      string
	org     *orgRecord
	created span

	delIssued int64
	del       span

	email, name []write        // emails lowercased, as stored
	meta        map[string]any // untrusted_metadata
}

type eventKind int

const (
	orgNotFound eventKind = iota + 1
	memberNotFound
	slugConflict
	emailConflict
	retiredConflict
	metricsEvent
	getEvent
)

// event is an answer whose correctness depends on what other goroutines did; they are all
// checked after the run, when the model is complete.
type event struct {
	kind   eventKind
	g      int
	op     string
	org    *orgRecord
	member *memberRecord // the member acted on, if any
	value  string        // slug or email of a conflict, slug of a get
	value2 string        // name of a get
	n      int           // member count of a metrics call
	s, e   int64
}

// page is one page of a search as the transport saw it.
type page struct {
	s, e     int64
	cursor   bool // the request carried a cursor
	status   int
	errType  string
	total    int
	next     string
	ids      []string
	keys     []string // slugs (organizations) or emails (members)
	orgIDs   []string // members: each one's organization
	statuses []string // members: each one's status
}

// pass is one SearchAll loop.
type pass struct {
	g       int
	members bool         // a member search (of orgs) rather than an organization search
	orgs    []*orgRecord // the organizations a member search covered
	limit   int
	pages   []page // appended by the transport, in the goroutine running the loop
	yielded []string
	err     error
}

type passKey struct{}

// model is the test's knowledge of what must be true.
type model struct {
	t     *testing.T
	clock atomic.Int64

	mu      sync.Mutex
	orgs    []*orgRecord // every organization created, in order of the answers
	live    []*orgRecord // those not known to be deleted, to pick from
	byID    map[string]*orgRecord
	members map[string]*memberRecord
	events  []event
	passes  []*pass
	stats   map[string]int

	failures atomic.Int32
}

func newModel(t *testing.T) *model {
	return &model{t: t, byID: map[string]*orgRecord{}, members: map[string]*memberRecord{}, stats: map[string]int{}}
}

func (m *model) tick() int64 { return m.clock.Add(1) }

// errorf fails the test, printing only the first failures: one bug tends to cause many.
func (m *model) errorf(format string, args ...any) {
	m.t.Helper()
	if n := m.failures.Add(1); n <= 25 {
		m.t.Errorf(format, args...)
	} else if n == 26 {
		m.t.Errorf("… more failures not shown")
	}
}

func (m *model) count(key string) {
	m.mu.Lock()
	m.stats[key]++
	m.mu.Unlock()
}

func (m *model) addEvent(ev event) {
	m.mu.Lock()
	m.events = append(m.events, ev)
	m.mu.Unlock()
}

// transport records every page of the searches whose context carries a *pass, with the
// ticks around it, and otherwise passes requests through.
type transport struct {
	base  http.RoundTripper
	model *model
}

func (rt *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	pass, _ := req.Context().Value(passKey{}).(*pass)
	if pass == nil {
		return rt.base.RoundTrip(req)
	}
	var reqBody struct {
		Cursor string `json:"cursor"`
	}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			_ = json.NewDecoder(rc).Decode(&reqBody)
			rc.Close()
		}
	}
	pg := page{s: rt.model.tick(), cursor: reqBody.Cursor != ""}
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		pg.e = rt.model.tick()
		pg.errType = "transport: " + err.Error()
		pass.pages = append(pass.pages, pg)
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	pg.e = rt.model.tick()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	pg.status = resp.StatusCode
	if err != nil {
		pg.errType = "reading: " + err.Error()
		pass.pages = append(pass.pages, pg)
		return resp, nil
	}
	var wire struct {
		ErrorType     string          `json:"error_type"`
		Organizations json.RawMessage `json:"organizations"` // a list, or for members a map
		Members       []struct {
			ID     string `json:"member_id"`
			OrgID  string `json:"organization_id"`
			Email  string `json:"email_address"`
			Status string `json:"status"`
		} `json:"members"`
		ResultsMetadata struct {
			Total      int     `json:"total"`
			NextCursor *string `json:"next_cursor"`
		} `json:"results_metadata"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		pg.errType = "decoding: " + err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		pg.errType = wire.ErrorType
	}
	pg.total = wire.ResultsMetadata.Total
	if wire.ResultsMetadata.NextCursor != nil {
		pg.next = *wire.ResultsMetadata.NextCursor
	}
	if pass.members {
		// A member search answers an "organizations" map, not a list; only members count here.
		for _, mb := range wire.Members {
			pg.ids = append(pg.ids, mb.ID)
			pg.keys = append(pg.keys, mb.Email)
			pg.orgIDs = append(pg.orgIDs, mb.OrgID)
			pg.statuses = append(pg.statuses, mb.Status)
		}
	} else if resp.StatusCode == http.StatusOK {
		var orgs []struct {
			ID   string `json:"organization_id"`
			Slug string `json:"organization_slug"`
		}
		if err := json.Unmarshal(wire.Organizations, &orgs); err != nil {
			pg.errType = "decoding: " + err.Error()
		}
		for _, o := range orgs {
			pg.ids = append(pg.ids, o.ID)
			pg.keys = append(pg.keys, o.Slug)
		}
	}
	pass.pages = append(pass.pages, pg)
	return resp, nil
}

// newClient returns a client for a fresh project of srv whose searches the model can watch,
// and a function that closes its idle connections. Retries are off so that every answer, a 5xx
// included, reaches the workload as it was.
func newClient(t *testing.T, srv *mockserver.Server, m *model) (*client.Client, func()) {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * workers // one connection per goroutine, reused
	c, err := client.New("project-test-"+uuid.NewString(), "conc-secret",
		client.WithBaseURL(srv.URL), client.WithRetryWaits(0, 0), client.WithMaxRetries(0),
		client.WithTimeout(30*time.Second),
		client.WithHTTPClient(&http.Client{Transport: &transport{base: tr, model: m}}))
	if err != nil {
		t.Fatal(err)
	}
	return c, tr.CloseIdleConnections
}

// classify classifies an error: its Stytch error type when it is one, and whether it is one of
// the expected types. Every 5xx, transport error or unexpected type fails the test.
