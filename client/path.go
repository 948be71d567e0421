package client

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Path parameters are where the generated request builders are not enough. They escape each id
// with url.PathEscape, which leaves "." and ".." as they are, and then resolve the path against
// the base URL, which removes such dot segments: DeleteTOTP of the member "." would go out as
// DELETE …/members/totp and delete the member whose id is "totp". So a method hands each builder
// pathParam(id), a marker the builder passes through untouched, and setPathParams, on the one
// path every request takes, replaces each marker with the id escaped as exactly one segment.

// pathParam marks an id for a path parameter of a generated request builder: the hexadecimal
// digits of the id between two "~", which url.PathEscape and dot-segment removal leave alone
// and no literal segment of the API's paths looks like.
func pathParam(id string) string {
	b := make([]byte, 0, 2+hex.EncodedLen(len(id)))
	b = append(hex.AppendEncode(append(b, '~'), []byte(id)), '~')
	return string(b)
}

// pathParamID returns the id a segment marks, if it is a marker.
func pathParamID(segment string) (id string, ok bool) {
	if len(segment) < 2 || segment[0] != '~' || segment[len(segment)-1] != '~' {
		return "", false
	}
	b, err := hex.DecodeString(segment[1 : len(segment)-1])
	if err != nil {
		return "", false
	}
	return string(b), true
}

// escapeSegment escapes an id as one path segment: url.PathEscape, and "." and ".." spelled
// %2E and %2E%2E so that no one removes them as dot segments.
func escapeSegment(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}

// setPathParams replaces the markers in req's path, after the base path, with their ids
// escaped as one segment each. An empty id is refused: it would leave an empty segment, which a
// server that merges repeated slashes reads as another operation (DELETE …/members//totp is
// DELETE …/members/totp there).
func setPathParams(req *http.Request, basePath string) error {
	path := req.URL.EscapedPath()
	rest, ok := strings.CutPrefix(path, basePath+"/")
	if !ok {
		return fmt.Errorf("stytch: request path %q is not under the base path %q", path, basePath)
	}
	var b strings.Builder
	b.Grow(len(path))
	b.WriteString(basePath)
	for segment := range strings.SplitSeq(rest, "/") {
		b.WriteByte('/')
		id, isParam := pathParamID(segment)
		switch {
		case !isParam && strings.Contains(segment, "~"):
			return fmt.Errorf("stytch: request path %q has a path parameter that is not a whole segment", path)
		case !isParam:
			b.WriteString(segment)
		case id == "":
			return &ValidationError{Field: "path", Reason: fmt.Sprintf("an id in %s %s is empty", req.Method, showParams(path))}
		default:
			b.WriteString(escapeSegment(id))
		}
	}
	escaped := b.String()
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return fmt.Errorf("stytch: request path %q: %w", escaped, err)
	}
	req.URL.Path, req.URL.RawPath = unescaped, escaped
	return nil
}

// showParams is a marked path with each id shown escaped between braces, for an error.
func showParams(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		if id, ok := pathParamID(s); ok {
			segments[i] = "{" + escapeSegment(id) + "}"
		}
	}
	return strings.Join(segments, "/")
}
