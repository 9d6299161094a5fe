package httptask

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ErrBadRequest means the task input does not describe a valid request.
var ErrBadRequest = errors.New("httptask: invalid http_request")

// DefaultTimeout is upstream's connect and read timeout.
const DefaultTimeout = 3 * time.Second

// Request is one HTTP call as the task input describes it.
type Request struct {
	URI               string
	Method            string
	Headers           map[string]string
	Body              any
	Accept            string
	ContentType       string
	ConnectionTimeout time.Duration
	ReadTimeout       time.Duration
}

// Parse reads a Request from a task's resolved input.
func Parse(input map[string]any) (*Request, error) {
	in := input
	if hr, ok := input["http_request"].(map[string]any); ok {
		in = hr
	}
	r := &Request{
		URI:               str(in["uri"]),
		Method:            strings.ToUpper(str(in["method"])),
		Body:              in["body"],
		Accept:            accept(in["accept"]),
		ContentType:       str(in["contentType"]),
		ConnectionTimeout: millis(in["connectionTimeOut"]),
		ReadTimeout:       millis(in["readTimeOut"]),
		Headers:           map[string]string{},
	}
	if r.URI == "" {
		return nil, fmt.Errorf("%w: uri is required", ErrBadRequest)
	}
	if u, err := url.Parse(r.URI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: uri %q is not an http(s) URL", ErrBadRequest, r.URI)
	}
	switch r.Method {
	case "":
		return nil, fmt.Errorf("%w: method is required", ErrBadRequest)
	case "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE":
	default:
		return nil, fmt.Errorf("%w: unknown method %q", ErrBadRequest, r.Method)
	}
	if r.Accept == "" {
		r.Accept = "application/json"
	}
	if r.ContentType == "" {
		r.ContentType = "application/json"
	}
	if h, ok := in["headers"].(map[string]any); ok {
		for k, v := range h {
			r.Headers[k] = fmt.Sprint(v)
		}
	}
	return r, nil
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// accept takes a string or a list of media types.
func accept(v any) string {
	if l, ok := v.([]any); ok {
		parts := make([]string, 0, len(l))
		for _, p := range l {
			if s := str(p); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return str(v)
}

func millis(v any) time.Duration {
	switch n := v.(type) {
	case float64:
		if n > 0 {
			return time.Duration(n) * time.Millisecond
		}
	case int:
		if n > 0 {
			return time.Duration(n) * time.Millisecond
		}
	case int64:
		if n > 0 {
			return time.Duration(n) * time.Millisecond
		}
	}
	return DefaultTimeout
}
