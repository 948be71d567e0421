package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client calls Stytch's B2B Organizations API for one project. It is safe for concurrent use;
// create one and share it.
type Client struct {
	Organizations *OrganizationsService
	Members       *MembersService
	RBAC          *RBACService
	Sessions      *SessionsService

	projectID  string
	api        *api.Client
	maxRetries int
	timeout    time.Duration
	logger     *slog.Logger
	retrier    *retrier
}

// New returns a client for the project. It validates its input and does no network I/O.
// Requests go to https://api.stytch.com for project ids that start with project-live-, and to
// https://test.stytch.com for every other, unless WithBaseURL says otherwise.
func New(projectID, secret string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(projectID) == "" {
		return nil, fmt.Errorf("client: a project id is required")
	}
	if secret == "" {
		return nil, fmt.Errorf("client: a secret is required")
	}
	cfg := config{
		maxRetries:  DefaultMaxRetries,
		timeout:     DefaultTimeout,
		initialWait: 500 * time.Millisecond,
		maxWait:     8 * time.Second,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.baseURL == "" {
		cfg.baseURL = testBaseURL
		if strings.HasPrefix(projectID, "project-live-") {
			cfg.baseURL = liveBaseURL
		}
	}
	inner := cfg.httpClient
	if inner == nil {
		inner = cleanhttp.DefaultPooledClient()
	}
	r := &retrier{initial: cfg.initialWait, max: cfg.maxWait, maxRetryAfter: maxRetryAfterDefault, now: time.Now, random: defaultRandom}
	userAgent := fmt.Sprintf("stytchorgs-go/%s %s", Version, runtime.Version())
	if cfg.userAgent != "" {
		userAgent += " " + cfg.userAgent
	}
	a, err := api.NewClient(cfg.baseURL, api.WithHTTPClient(newRetryingDoer(inner, r)),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth(projectID, secret)
			req.Header.Set("User-Agent", userAgent)
			return nil
		}))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	c := &Client{projectID: projectID, api: a, maxRetries: cfg.maxRetries, timeout: cfg.timeout, logger: cfg.logger, retrier: r}
	c.Organizations = &OrganizationsService{c: c}
	c.Members = &MembersService{c: c}
	c.RBAC = &RBACService{c: c}
	c.Sessions = &SessionsService{c: c}
	return c, nil
}

// ProjectID returns the project the client acts for.
func (c *Client) ProjectID() string { return c.projectID }

// sender sends one request through the generated client with the given editors.
type sender func(ctx context.Context, editors ...api.RequestEditorFn) (*http.Response, error)

// do runs one call: it applies the request options, bounds the call in time, marks whether it
// may be retried, sends it, and decodes a success into out (when out is not nil) or turns any
// other answer into an *Error.
func (c *Client) do(ctx context.Context, idempotent bool, opts []RequestOption, send sender, out any) error {
	rc := requestConfig{timeout: c.timeout, maxRetries: c.maxRetries}
	for _, o := range opts {
		o(&rc)
	}
	if rc.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rc.timeout)
		defer cancel()
	}
	st := &callState{idempotent: idempotent, maxRetries: rc.maxRetries, logger: c.logger}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	resp, err := send(ctx, func(_ context.Context, req *http.Request) error {
		st.method, st.path = req.Method, req.URL.Path
		for k, vs := range rc.header {
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer func() {
		// Read to the end, so that the connection goes back to the pool.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		if out == nil {
			return nil
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("stytch: %s %s: decoding the response: %w", resp.Request.Method, resp.Request.URL.Path, err)
		}
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return err
	}
	return newError(resp, body)
}

// call runs an operation whose whole answer decodes into a T, and returns it.
func call[T any](ctx context.Context, c *Client, idempotent bool, opts []RequestOption, send sender) (*T, error) {
	var out T
	if err := c.do(ctx, idempotent, opts, send, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// jsonBody encodes a request body.
func jsonBody(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("stytch: encoding the request: %w", err)
	}
	return bytes.NewReader(b), nil
}

const contentJSON = "application/json"
