package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxBodyBytes is the largest request body the mock reads; a larger one is answered 413
// without reading the rest.
const maxBodyBytes = 1 << 20

// maxHeaderBytes is the most request line and headers the mock takes, about; more is answered
// 431. It is below the http.Server's own limit (ServerMaxHeaderBytes), which net/http answers
// in plain text before the mock sees the request, so that headers over this limit and under
// that one get a Stytch-shaped answer.
const maxHeaderBytes = 32 << 10

// bodyFirstAlloc is the most readBody allocates for a body before its bytes arrive.
const bodyFirstAlloc = 16 << 10

// readBody reads a request body up to limit bytes; past it, it reports tooLarge without reading
// the rest.
func readBody(r *http.Request, limit int64) (body []byte, tooLarge bool, err error) {
	switch {
	case r.ContentLength > limit:
		return nil, true, nil
	case r.Body == nil || r.Body == http.NoBody:
		return nil, false, nil
	}
	// The buffer grows as bytes arrive, never ahead of them: a declared Content-Length is a
	// promise, not data, and a client that announces a megabyte and sends ten bytes must not
	// make every one of its connections hold a megabyte.
	first := int64(bodyFirstAlloc)
	if r.ContentLength >= 0 {
		first = min(first, r.ContentLength)
	}
	buf := make([]byte, 0, first+1) // + 1: room to read the EOF in, without growing the buffer
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow as append does
		}
		n, err := r.Body.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	return nil, true, nil
}

// headerBytes is about what the request line and headers of r took on the wire.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len(r.Host) + 16
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// decodeStrict decodes exactly one JSON value into v: unknown fields and trailing data other
// than whitespace are errors. Numbers decoded into `any` (metadata values) are kept exact, as
// json.Number.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
