package mockserver

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// Option configures a Mock or a Server.
type Option func(*config) error

type config struct {
	credentials map[string]string
	now         func() time.Time
	newID       func() (hi, lo uint64) // the 128 bits of the next UUID, before appendUUIDv4 marks them
	cursorKey   []byte                 // nil: the store picks a random one
	logger      *slog.Logger
	fixtures    []Fixture
	reference   []byte

	requestLogBytes int
	adminHosts      []string

	stateFile string
	// Proxy mode (proxy.go): the upstream, when set, and its options.
	upstream        *url.URL
	upstreamTimeout time.Duration
	recordFile      string
	// mockOnly names the options given that configure the mock's own answers and state, which
	// proxy mode has none of.
	mockOnly []string
}

func newConfig(opts []Option) (*config, error) {
	cfg := &config{now: time.Now, newID: randomID, requestLogBytes: DefaultRequestLogBytes, upstreamTimeout: DefaultUpstreamTimeout}
	for _, o := range opts {
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// randomID returns the bits of a random UUID. A mock's ids need to be unique, not
// unpredictable, so they come from math/rand/v2 (ChaCha8, seeded once by the runtime), which
// costs no system call, rather than from crypto/rand.
func randomID() (hi, lo uint64) { return rand.Uint64(), rand.Uint64() }

// newUUID is the text of a new version 4 UUID, for the store's ids.
func (c *config) newUUID() (u [36]byte) {
	hi, lo := c.newID()
	appendUUIDv4(u[:0], hi, lo)
	return u
}

// appendUUIDv4 appends 128 bits formatted as a version 4 UUID (store.UUIDv4) to dst.
func appendUUIDv4(dst []byte, hi, lo uint64) []byte {
	s := store.UUIDv4(hi, lo)
	return append(dst, s[:]...)
}

// WithCredentials accepts exactly these project id and secret pairs and no others. Without it,
// any project-test- or project-live- id (followed by 1 to 64 letters, digits, hyphens or
// underscores) is accepted with the first non-empty secret used for it. Pinned ids may have any
// shape.
func WithCredentials(projectID, secret string) Option {
	return func(c *config) error {
		if projectID == "" || secret == "" {
			return fmt.Errorf("mockserver: WithCredentials needs a project id and a secret")
		}
		if c.credentials == nil {
			c.credentials = map[string]string{}
		}
		c.credentials[projectID] = secret
		c.mockOnly = append(c.mockOnly, "WithCredentials")
		return nil
	}
}

// WithClock makes the mock read the time from now, for stable created_at and updated_at.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("mockserver: WithClock needs a function")
		}
		c.now = now
		c.mockOnly = append(c.mockOnly, "WithClock")
		return nil
	}
}

// WithFixedClock stops the mock's clock at t.
func WithFixedClock(t time.Time) Option {
	return WithClock(func() time.Time { return t })
}

// WithDeterministicIDs makes every id and request id come from a counter instead of random
// UUIDs, so the same requests in the same order always get the same ids. seed tells apart the
// sequences of mocks that must not share ids. Search cursors, which the mock signs with a
// random key otherwise, are signed with a key derived from seed too, so that they repeat as
// well; anyone who knows the seed can forge them.
func WithDeterministicIDs(seed string) Option {
	return func(c *config) error {
		var n atomic.Uint64
		sum := sha256.Sum256([]byte(seed))
		prefix := binary.BigEndian.Uint64(sum[:8])
		c.newID = func() (uint64, uint64) { return prefix, n.Add(1) }
		key := sha256.Sum256([]byte("stytchmock search cursors\x00" + seed))
		c.cursorKey = key[:]
		c.mockOnly = append(c.mockOnly, "WithDeterministicIDs")
		return nil
	}
}

// WithLogger logs one line per request (method, path, project id, status, error type, latency
// as a duration string) to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithFixture seeds the mock with f when it starts. It may be given several times.
func WithFixture(f Fixture) Option {
	return func(c *config) error {
		c.fixtures = append(c.fixtures, f)
		c.mockOnly = append(c.mockOnly, "WithFixture")
		return nil
	}
}

// WithAPIReference serves page, an HTML reference of the API the mock fakes, at
// GET /__stytchmock/docs. The stytchmock command serves the page bash scripts/docs builds from
// openapi.yaml; without this option that path answers 404.
func WithAPIReference(page []byte) Option {
	return func(c *config) error {
		c.reference = page
		return nil
	}
}

// WithFixtureFile seeds the mock with the JSON fixture in a file when it starts: one fixture,
// or an array of them, such as a saved state or a recording holds (see ParseFixtures).
func WithFixtureFile(path string) Option {
	return func(c *config) error {
		fs, err := LoadFixtures(path)
		if err != nil {
			return err
		}
		c.fixtures = append(c.fixtures, fs...)
		c.mockOnly = append(c.mockOnly, "WithFixtureFile")
		return nil
	}
}

// WithRequestLogBytes bounds the request log (Requests, GET /__stytchmock/requests) to about n
// bytes of memory; the oldest requests are dropped to make room, and a body too large to fit
// alone is cut (RecordedRequest.BodyTruncated). 0 keeps no log. Without this option the
// budget is DefaultRequestLogBytes.
func WithRequestLogBytes(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("mockserver: WithRequestLogBytes(%d): the budget cannot be negative", n)
		}
		c.requestLogBytes = n
		return nil
	}
}

// WithAdminHosts lets the admin API answer requests addressed to these host names, as well as
// to IP addresses and localhost: for a mock reached by a name, such as a container's
// (http://stytchmock:4010). Other names are refused, so that a web page cannot reach the admin
// API, which takes no credentials, through DNS rebinding.
func WithAdminHosts(hosts ...string) Option {
	return func(c *config) error {
		for _, h := range hosts {
			h = strings.ToLower(strings.TrimSuffix(h, "."))
			if h == "" || strings.ContainsAny(h, ":/[] ") {
				return fmt.Errorf("mockserver: WithAdminHosts(%q): want a host name, without a port", h)
			}
			c.adminHosts = append(c.adminHosts, h)
		}
		return nil
	}
}
