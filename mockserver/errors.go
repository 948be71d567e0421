package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/b2bkit/stytchorgs/mockserver/internal/store"
)

// apiError is a Stytch error response in the making.
type apiError struct {
	Status  int
	Type    string
	Message string
	Details map[string]any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message) }

func newError(status int, errorType, format string, args ...any) *apiError {
	return &apiError{Status: status, Type: errorType, Message: fmt.Sprintf(format, args...)}
}

// errorURL is where Stytch documents an error type.
func errorURL(status int, errorType string) string {
	return fmt.Sprintf("https://stytch.com/docs/b2b/api/errors/%d#%s", status, errorType)
}

// errorBody is the JSON body of every error the mock sends.
type errorBody struct {
	StatusCode   int            `json:"status_code"`
	RequestID    string         `json:"request_id"`
	ErrorType    string         `json:"error_type"`
	ErrorMessage string         `json:"error_message"`
	ErrorURL     string         `json:"error_url"`
	ErrorDetails map[string]any `json:"error_details,omitempty"`
}

func (e *apiError) body(requestID string) errorBody {
	return errorBody{
		StatusCode:   e.Status,
		RequestID:    requestID,
		ErrorType:    e.Type,
		ErrorMessage: e.Message,
		ErrorURL:     errorURL(e.Status, e.Type),
		ErrorDetails: e.Details,
	}
}

// writeError writes e as a Stytch error response.
func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(e.body(requestID))
}

// asAPIError turns an error from the store or a handler into the response it stands for. Any
// other error is a bug in the mock and becomes a 500.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var se *store.Error
	if errors.As(err, &se) {
		status := map[store.Kind]int{
			store.Invalid:      http.StatusBadRequest,
			store.Unauthorized: http.StatusUnauthorized,
			store.Forbidden:    http.StatusForbidden,
			store.NotFound:     http.StatusNotFound,
		}[se.Kind]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		return &apiError{Status: status, Type: se.Type, Message: se.Message}
	}
	return newError(http.StatusInternalServerError, "internal_server_error", "The mock server failed: %v", err)
}
