package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// rawAnswer is the answer to a request the suite wrote by hand.
type rawAnswer struct {
	status int
	body   []byte
	// The fields of Stytch's error body, when the body is one.
	ErrorType    string `json:"error_type"`
	RequestID    string `json:"request_id"`
	StatusCode   int    `json:"status_code"`
	ErrorMessage string `json:"error_message"`
	ErrorURL     string `json:"error_url"`
}

// String is how the table shows the answer: the status, and the error type of an error.
func (a rawAnswer) String() string {
	switch {
	case a.status == http.StatusOK:
		return "200"
	case a.ErrorType != "":
		return fmt.Sprintf("%d %s", a.status, a.ErrorType)
	}
	return fmt.Sprintf("%d (no Stytch error body)", a.status)
}

// field decodes one top-level field of the answer's JSON body into v.
func (a rawAnswer) field(name string, v any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(a.body, &fields); err != nil {
		return err
	}
	raw, ok := fields[name]
	if !ok {
		return fmt.Errorf("the answer has no %s", name)
	}
	return json.Unmarshal(raw, v)
}

// raw sends a request the client would not send as it is: a body the client would refuse before
// sending, a field it does not have, a path it does not build. body is sent as it is when it is
// a string, as JSON otherwise, and not at all when nil. headers are name, value pairs. The
// request carries the project's credentials unless noAuth is among the headers' names.
func (c *ct) raw(method, path string, body any, headers ...string) rawAnswer {
	c.T.Helper()
	var payload []byte
	switch b := body.(type) {
	case nil:
	case string:
		payload = []byte(b)
	default:
		j, err := json.Marshal(b)
		c.must(err, "encoding a request body")
		payload = j
	}
	// A remote target may answer 429; wait as it says (or back off) and try again, a few times.
	wait := time.Second
	for attempt := 0; ; attempt++ {
		a, retryAfter := c.rawOnce(method, path, payload, body != nil, headers)
		if a.status != http.StatusTooManyRequests || attempt == 5 || !tg.remote() {
			return a
		}
		if retryAfter > 0 {
			wait = min(retryAfter, 30*time.Second)
		}
		time.Sleep(wait)
		wait = min(2*wait, 10*time.Second)
	}
}

// noAuth, as a header name given to raw, sends the request without credentials.
const noAuth = "-no-auth"

func (c *ct) rawOnce(method, path string, payload []byte, hasBody bool, headers []string) (rawAnswer, time.Duration) {
	c.T.Helper()
	var rd io.Reader
	if hasBody {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, tg.baseURL+path, rd)
	c.must(err, "building a request")
	req.Header.Set("Content-Type", "application/json")
	auth := true
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == noAuth {
			auth = false
			continue
		}
		req.Header.Add(headers[i], headers[i+1])
	}
	if auth {
		req.SetBasicAuth(tg.projectID, tg.secret)
	}
	resp, err := tg.http.Do(req)
	c.must(err, method+" "+path)
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	c.must(err, "reading the answer to "+method+" "+path)
	a := rawAnswer{status: resp.StatusCode, body: b}
	_ = json.Unmarshal(b, &a) // a body that is not Stytch's JSON leaves the fields empty
	secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return a, time.Duration(secs) * time.Second
}

// wantRaw checks that a hand-written request was answered with status and error type, in
// Stytch's error shape, and records the answer.
func (c *ct) wantRaw(a rawAnswer, status int, errorType string) {
	c.T.Helper()
	want := fmt.Sprintf("%d %s", status, errorType)
	if status == http.StatusOK {
		want = "200"
	}
	c.saw(want, a.String())
	if a.String() == want && status != http.StatusOK &&
		(a.StatusCode != status || a.RequestID == "" || a.ErrorMessage == "" || a.ErrorURL == "") {
		c.Errorf("the error is not Stytch-shaped: %s", a.body)
	}
}
