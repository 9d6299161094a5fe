package frontend

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	json "github.com/goccy/go-json"
)

// limitBody caps every request body at MaxBodyBytes. A body announced as
// larger is refused before it is read; one that turns out larger fails the
// read with *http.MaxBytesError, which fail maps to 413.
func (s *Server) limitBody(c *gin.Context) {
	limit := s.opts.MaxBodyBytes
	if c.Request.ContentLength > limit {
		s.fail(c, &http.MaxBytesError{Limit: limit})
		return
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// readBody returns the whole request body.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, invalid("cannot read the request body: %v", err)
	}
	return b, nil
}

// errEmptyBody reports a missing body where one is required.
var errEmptyBody = invalid("the request body is required")

// decodeJSON decodes the request body into v with encoding/json: unknown
// fields are ignored, as Jackson does, and numbers in maps become float64,
// which is what the engine expects. An empty body leaves v untouched and
// returns errEmptyBody, which callers that accept one ignore.
func decodeJSON(c *gin.Context, v any) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return errEmptyBody
	}
	if json.Unmarshal(b, v) == nil {
		return nil
	}
	// goccy/go-json is the fast path; encoding/json explains failures better.
	if err := stdjson.Unmarshal(b, v); err != nil {
		var typeErr *stdjson.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := typeErr.Field
			if field == "" {
				field = "the body"
			}
			return invalid("the request body does not have the expected shape: %s must not be a JSON %s", field, typeErr.Value)
		}
		return invalid("the request body is not valid JSON: %v", err)
	}
	return nil
}

// queryBool reads a boolean query parameter, def when absent.
func queryBool(c *gin.Context, key string, def bool) (bool, error) {
	v, ok := c.GetQuery(key)
	if !ok || v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalid("query parameter %s must be true or false, got %q", key, v)
	}
	return b, nil
}

// queryInt reads an integer query parameter, def when absent.
func queryInt(c *gin.Context, key string, def int) (int, error) {
	v, ok := c.GetQuery(key)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, invalid("query parameter %s must be an integer, got %q", key, v)
	}
	return n, nil
}

// queryMillis reads a duration given in milliseconds, def when absent.
func queryMillis(c *gin.Context, key string, def time.Duration) (time.Duration, error) {
	v, ok := c.GetQuery(key)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, invalid("query parameter %s must be an integer number of milliseconds, got %q", key, v)
	}
	return time.Duration(n) * time.Millisecond, nil
}

// pathInt reads an integer path parameter.
func pathInt(c *gin.Context, key string) (int, error) {
	v := c.Param(key)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid("%s must be an integer, got %q", key, v)
	}
	return n, nil
}

// checkPriority enforces Conductor's workflow priority range.
func checkPriority(p int) error {
	if p < 0 || p > 99 {
		return invalid("priority must be between 0 and 99, got %d", p)
	}
	return nil
}

const (
	jsonContentType = "application/json"
	textContentType = "text/plain"
)

// writeJSON answers with v as JSON. HTML characters are not escaped, as
// Jackson does not escape them either.
func writeJSON(c *gin.Context, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values the engine built reach here; one that cannot be
		// encoded is a bug, reported as such.
		msg, _ := json.Marshal("cannot encode the response: " + err.Error())
		c.Data(http.StatusInternalServerError, jsonContentType,
			[]byte(`{"status":500,"message":`+string(msg)+`,"retryable":false}`))
		return
	}
	c.Data(code, jsonContentType, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// writeText answers 200 with a raw string, as Conductor returns ids.
func writeText(c *gin.Context, s string) {
	c.Data(http.StatusOK, textContentType, []byte(s))
}
