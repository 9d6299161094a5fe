package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/legatohq/legato/pkg/client"
)

// countingTransport counts requests and failed ones. A request whose own
// context was cancelled (a poll cut short at shutdown) is not an error.
type countingTransport struct {
	base      http.RoundTripper
	requests  atomic.Int64
	transport atomic.Int64 // no HTTP answer
	status4xx atomic.Int64
	status5xx atomic.Int64
}

// newClient is a client for the server at cfg.addr whose requests the
// returned transport counts.
func newClient(cfg config) (*client.Client, *countingTransport) {
	counter := &countingTransport{base: client.NewTransport()}
	return client.New(cfg.addr, client.WithHTTPClient(&http.Client{Transport: counter, Timeout: client.DefaultRequestTimeout})), counter
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	resp, err := t.base.RoundTrip(req)
	switch {
	case err != nil:
		if req.Context().Err() == nil {
			t.transport.Add(1)
		}
	case resp.StatusCode >= 500:
		t.status5xx.Add(1)
	case resp.StatusCode >= 400:
		t.status4xx.Add(1)
	}
	return resp, err
}

func (t *countingTransport) errors() int64 {
	return t.transport.Load() + t.status4xx.Load() + t.status5xx.Load()
}

func (t *countingTransport) summary(elapsed time.Duration) string {
	n := t.requests.Load()
	return fmt.Sprintf("%d requests (%.0f/s); errors %d (no answer %d, 4xx %d, 5xx %d)",
		n, perSecond(n, elapsed), t.errors(), t.transport.Load(), t.status4xx.Load(), t.status5xx.Load())
}

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// latencies summarises durations as p50/p90/p99/max (nearest rank).
func latencies(ds []time.Duration) string {
	if len(ds) == 0 {
		return "n/a"
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.5) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s",
		round(q(0.50)), round(q(0.90)), round(q(0.99)), round(ds[len(ds)-1]))
}

// round keeps three significant-ish digits for display.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

// report prints rows of label and value as an aligned plain-text block.
type report struct {
	title string
	rows  [][2]string
}

func (r *report) add(label, format string, args ...any) {
	r.rows = append(r.rows, [2]string{label, fmt.Sprintf(format, args...)})
}

func (r *report) print(w io.Writer) {
	line := strings.Repeat("=", 72)
	fmt.Fprintf(w, "\n%s\n legato loadgen: %s\n%s\n", line, r.title, line)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range r.rows {
		fmt.Fprintf(tw, " %s\t%s\n", row[0], row[1])
	}
	tw.Flush()
	fmt.Fprintln(w, line)
}

// serverRows adds the server's resource figures between samples a and b.
func (r *report) serverRows(pid int, s *sampler, a, b procSample) {
	if pid == 0 {
		r.add("server cpu / rss", "n/a (pass -server-pid)")
		return
	}
	if err := s.Err(); err != nil {
		r.add("server sampling", "error: %v", err)
	}
	r.add("server cpu", "%s", cpuUse(a, b))
	r.add("server rss", "max %s, end %s (peak since start %s)", mib(s.MaxRSS()), mib(b.rss), mib(b.hwm))
}
