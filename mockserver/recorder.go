package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// recorder buffers a response so it can be validated before any of it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	enc    *json.Encoder // of body, made once per pooled recorder
	// call is the request the response answers, for the generated server's middleware and error
	// handlers, which see only the ResponseWriter.
	call *call
}

// encoder returns an encoder that writes to r's body.
func (r *recorder) encoder() *json.Encoder {
	if r.enc == nil {
		r.enc = json.NewEncoder(&r.body) // r stays where it is: it lives in a pooled exchange
	}
	return r.enc
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// reset empties r for another response. The header map is cleared, not replaced: the value
// slices a previous ServeHTTP handed to its ResponseWriter are left as they were.
func (r *recorder) reset() {
	if r.header == nil {
		r.header = http.Header{}
	}
	clear(r.header)
	r.status = 0
	r.body.Reset()
}

// sendTo writes the buffered response to w.
func (r *recorder) sendTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes())
}
