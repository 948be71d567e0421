package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
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

	projectID string
	server    string       // the base URL with one trailing slash, as the generated builders take it
	basePath  string       // the escaped path of server, without the trailing slash
	http      *http.Client // sends every attempt, and never lets go-retryablehttp close idle connections
	own       *http.Client // the pool New made when WithHTTPClient was not given, for Close
	// authorize sets the Authorization header; a function, so that printing a Client shows no
	// secret.
	authorize  func(http.Header)
	userAgent  string
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
	inner, own := cfg.httpClient, (*http.Client)(nil)
	if inner == nil {
		inner = cleanhttp.DefaultPooledClient()
		own = inner
	}
	authorization := "Basic " + base64.StdEncoding.EncodeToString([]byte(projectID+":"+secret))
	userAgent := fmt.Sprintf("stytchorgs-go/%s %s", Version, runtime.Version())
	if cfg.userAgent != "" {
		userAgent += " " + cfg.userAgent
	}
	c := &Client{
		projectID:  projectID,
		server:     cfg.baseURL + "/",
		basePath:   cfg.basePath,
		http:       keepingIdleConnections(inner),
		own:        own,
		authorize:  func(h http.Header) { h.Set("Authorization", authorization) },
		userAgent:  userAgent,
		maxRetries: cfg.maxRetries,
		timeout:    cfg.timeout,
		logger:     cfg.logger,
		retrier:    &retrier{initial: cfg.initialWait, max: cfg.maxWait, maxRetryAfter: maxRetryAfterDefault, now: time.Now, random: defaultRandom},
	}
	c.Organizations = &OrganizationsService{c: c}
	c.Members = &MembersService{c: c}
	c.RBAC = &RBACService{c: c}
	c.Sessions = &SessionsService{c: c}
	return c, nil
}

// ProjectID returns the project the client acts for.
func (c *Client) ProjectID() string { return c.projectID }

// Close closes the idle connections of the connection pool the client made for itself, which
// would otherwise stay open for up to 90 seconds after the client is dropped. It leaves alone
// an *http.Client given with WithHTTPClient: its owner closes that. The client stays usable; a
// later call opens new connections.
func (c *Client) Close() {
	if c.own != nil {
		c.own.CloseIdleConnections()
	}
}

// call runs one operation and decodes its answer into a T. build makes the request with the
// operation's generated builder, given the base URL; every id in the path goes through
// pathParam.
func call[T any](ctx context.Context, c *Client, op string, opts []RequestOption, build func(server string) (*http.Request, error)) (*T, error) {
	req, err := build(c.server)
	if err != nil {
		return nil, fmt.Errorf("stytch: building the %s request: %w", op, err)
	}
	if err := setPathParams(req, c.basePath); err != nil {
		return nil, err
	}
	var out T
	if err := c.execute(ctx, op, req, opts, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// execute sends a request of operation op, with its retries, and decodes a success into out, or
// turns any other answer into an *Error.
func (c *Client) execute(ctx context.Context, op string, req *http.Request, opts []RequestOption, out any) error {
	// The call's settings: the client's, then the request options.
	rc := requestConfig{timeout: c.timeout, maxRetries: c.maxRetries}
	for _, o := range opts {
		if err := o(&rc); err != nil {
			return err
		}
	}

	// Credentials and headers.
	c.authorize(req.Header)
	req.Header.Set("User-Agent", c.userAgent)
	for k, vs := range rc.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}

	// One deadline for the whole call, waits and retries included.
	if rc.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rc.timeout)
		defer cancel()
	}

	// The attempts, through go-retryablehttp and this call's retry policy.
	tries := newAttempts(c.retrier, op, rc.maxRetries, c.logger, req)
	resp, err := tries.do(ctx, c.http, req)
	if err != nil {
		return err
	}
	defer func() {
		// Read to the end, so that the connection goes back to the pool.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()

	// The answer: a success decoded, anything else an *Error.
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("stytch: %s %s: decoding the response: %w", req.Method, req.URL.Path, err)
		}
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return err
	}
	e := newError(resp, body, c.retrier.now())
	e.Attempts, e.EarlierAttemptMayHaveSucceeded = tries.sent(), tries.uncertain
	return e
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
