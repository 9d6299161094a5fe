package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// lagSampler measures the read side's lag during a throughput run: every
// interval it takes the workflow whose completion the load generator saw
// last and searches for it as COMPLETED until search has it. The lag is
// from the acknowledgement of the workflow's last task result to the
// first search that finds it, so it includes one search round trip.
type lagSampler struct {
	mu   sync.Mutex
	lags []time.Duration
	// off says why nothing was measured (search is off on the server).
	off  string
	done sync.WaitGroup
}

func startLagSampler(ctx context.Context, addr string, tr *tracker, every time.Duration) *lagSampler {
	ls := &lagSampler{}
	hc := &http.Client{Timeout: 5 * time.Second}
	ls.done.Add(1)
	go func() {
		defer ls.done.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			i := int(tr.lastIdx.Load())
			id := tr.ids[i].Load()
			end := tr.ends[i].Load()
			if id == nil || end <= 0 {
				continue
			}
			lag, err := ls.await(ctx, hc, addr, *id, tr.t0.Add(time.Duration(end)))
			if err != nil {
				ls.mu.Lock()
				ls.off = err.Error()
				ls.mu.Unlock()
				return
			}
			if lag > 0 {
				ls.mu.Lock()
				ls.lags = append(ls.lags, lag)
				ls.mu.Unlock()
			}
		}
	}()
	return ls
}

// await searches for workflow id as COMPLETED every few milliseconds and
// returns how long after completedAt it was found (0 if ctx ended first).
func (ls *lagSampler) await(ctx context.Context, hc *http.Client, addr, id string, completedAt time.Time) (time.Duration, error) {
	q := url.Values{"query": {fmt.Sprintf(`workflowId = "%s" AND status = COMPLETED`, id)}, "size": {"1"}}
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/api/workflow/search?"+q.Encode(), nil)
		if err != nil {
			return 0, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil // the run is ending
		}
		var page struct {
			TotalHits int64 `json:"totalHits"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable:
			return 0, fmt.Errorf("search is off on the server (--visibility none)")
		case resp.StatusCode != http.StatusOK || err != nil:
			return 0, fmt.Errorf("search answered %s", resp.Status)
		case page.TotalHits > 0:
			return time.Since(completedAt), nil
		}
		time.Sleep(25 * time.Millisecond) // the next look: the lag is measured to within this
	}
	return 0, nil
}

// summary is the report row: the lag's percentiles, or why there are none.
func (ls *lagSampler) summary() string {
	ls.done.Wait()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.off != "" {
		return "not measured: " + ls.off
	}
	return fmt.Sprintf("%s over %d samples (last task acknowledged → found COMPLETED by search)", latencies(ls.lags), len(ls.lags))
}
