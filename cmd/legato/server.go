package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/services/events"
	"github.com/legatohq/legato/services/frontend"
	"github.com/legatohq/legato/services/history"
	"github.com/legatohq/legato/services/matching"
	"github.com/legatohq/legato/services/systask"
)

// serverConfig is what `legato server` reads from flags and environment.
type serverConfig struct {
	addr         string
	dataDir      string
	shards       int
	maxBodyBytes int64
	debugAddr    string
	retention    time.Duration
	limits       decider.Limits
	visibility   string
	scriptMemory int64
	kafkaBrokers []string
	// elasticsearchURLs, when set, put the read side in Elasticsearch.
	elasticsearchURLs []string
}

func parseServerFlags(args []string) (serverConfig, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	c := serverConfig{}
	fs.StringVar(&c.addr, "addr", envOr("LEGATO_ADDR", "127.0.0.1:8080"), "listen address (env LEGATO_ADDR)")
	fs.StringVar(&c.dataDir, "data", envOr("LEGATO_DATA", "./data"), "data directory (env LEGATO_DATA)")
	fs.IntVar(&c.shards, "shards", envInt("LEGATO_SHARDS", history.DefaultShards), "history shards; fixed when the data directory is created (env LEGATO_SHARDS)")
	fs.Int64Var(&c.maxBodyBytes, "max-body-bytes", int64(envInt("LEGATO_MAX_BODY_BYTES", 4<<20)), "largest request body accepted (env LEGATO_MAX_BODY_BYTES)")
	fs.DurationVar(&c.retention, "retention", envDuration("LEGATO_RETENTION"), "remove finished workflows this long after they end, e.g. 720h; 0 keeps them (env LEGATO_RETENTION)")
	fs.StringVar(&c.debugAddr, "debug-addr", os.Getenv("LEGATO_DEBUG_ADDR"), "if set, serve Go pprof profiles on this address (env LEGATO_DEBUG_ADDR)")
	fs.IntVar(&c.limits.MaxTasks, "max-workflow-tasks", envInt("LEGATO_MAX_WORKFLOW_TASKS", decider.DefaultMaxTasks), "tasks (attempts included) one workflow may schedule; the next fails it (env LEGATO_MAX_WORKFLOW_TASKS)")
	fs.IntVar(&c.limits.MaxForkBranches, "max-fork-branches", envInt("LEGATO_MAX_FORK_BRANCHES", decider.DefaultMaxForkBranches), "tasks one dynamic fork may fork; more fails the fork (env LEGATO_MAX_FORK_BRANCHES)")
	fs.IntVar(&c.limits.MaxPayloadBytes, "max-payload-bytes", envInt("LEGATO_MAX_PAYLOAD_BYTES", decider.DefaultMaxPayloadBytes), "largest workflow input or reported task output, as JSON (env LEGATO_MAX_PAYLOAD_BYTES)")
	fs.Int64Var(&c.scriptMemory, "script-max-memory", int64(envInt("LEGATO_SCRIPT_MAX_MEMORY", int(script.DefaultMaxMemory))), "heap growth one INLINE, LAMBDA, JSON_JQ_TRANSFORM or condition script may cause, in bytes (env LEGATO_SCRIPT_MAX_MEMORY)")
	fs.StringVar(&c.visibility, "visibility", envOr("LEGATO_VISIBILITY", "sqlite"), "the read side for search: sqlite (under the data directory), kafka (the indexer through Kafka's legato-visibility topic to sqlite; needs --kafka-brokers) or none (env LEGATO_VISIBILITY)")
	esURLs := fs.String("elasticsearch-url", os.Getenv("LEGATO_ELASTICSEARCH_URL"), "comma-separated Elasticsearch URLs: the read side indexes there and search reads there instead of SQLite; usually with --visibility kafka (env LEGATO_ELASTICSEARCH_URL)")
	brokers := fs.String("kafka-brokers", os.Getenv("LEGATO_KAFKA_BROKERS"), "comma-separated Kafka brokers (host:port) that kafka: event handlers consume and --visibility kafka uses; none leaves the handlers inactive (env LEGATO_KAFKA_BROKERS)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.visibility != "sqlite" && c.visibility != "kafka" && c.visibility != "none" {
		return c, fmt.Errorf("--visibility is %q, want sqlite, kafka or none", c.visibility)
	}
	for _, b := range strings.Split(*brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.kafkaBrokers = append(c.kafkaBrokers, b)
		}
	}
	for _, u := range strings.Split(*esURLs, ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.elasticsearchURLs = append(c.elasticsearchURLs, u)
		}
	}
	if len(c.elasticsearchURLs) > 0 && c.visibility == "none" {
		return c, errors.New("--elasticsearch-url needs a read side: --visibility kafka or sqlite")
	}
	if c.visibility == "kafka" && len(c.kafkaBrokers) == 0 {
		return c, errors.New("--visibility kafka needs --kafka-brokers")
	}
	return c, nil
}

func runServer(ctx context.Context, args []string) error {
	cfg, err := parseServerFlags(args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tuneGC()
	if err := checkShards(cfg.dataDir, cfg.shards); err != nil {
		return err
	}
	store, err := pebble.Open(pebble.Options{Dir: filepath.Join(cfg.dataDir, "pebble"), Logger: log})
	if err != nil {
		return err
	}
	defer store.Close()

	// History and matching call each other; each gets the other through
	// the small interface it owns.
	hist := &lateHistory{}
	match, err := matching.New(matching.Options{History: hist, Logger: log, TaskDefs: store})
	if err != nil {
		return err
	}
	defer match.Close()
	// History hands EVENT tasks' messages to the event handlers, which
	// act through history: the sink is set before history starts.
	scripts, err := script.New(script.Limits{MaxMemory: cfg.scriptMemory})
	if err != nil {
		return err
	}
	sink := &lateEvents{}
	// The read side: the indexer projects history's visibility outbox
	// into the search store, directly or through Kafka. It reads only the
	// store, so it starts first and stops last; history only wakes it.
	rs, err := startReadSide(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	defer rs.close()
	h, err := history.New(history.Options{Exec: store, Meta: store, Matching: match, Shards: cfg.shards, Retention: cfg.retention, Logger: log, Getenv: os.LookupEnv,
		Scripts: scripts, Events: sink, Limits: cfg.limits, Visibility: rs.written})
	if err != nil {
		return err
	}
	hist.h = h
	ev, err := events.New(events.Options{Meta: store, History: h, Scripts: scripts, KafkaBrokers: cfg.kafkaBrokers, Logger: log})
	if err != nil {
		return err
	}
	sink.s = ev
	if err := h.Start(ctx); err != nil {
		return err
	}
	defer h.Close()
	// The system-task runners act through history and poll matching:
	// started after history, closed before it (defers run in reverse).
	sys, err := systask.New(systask.Options{Matching: match, History: h, Logger: log})
	if err != nil {
		return err
	}
	sys.Start(ctx)
	defer sys.Close()
	if err := ev.Start(ctx); err != nil {
		return err
	}
	defer ev.Close() // before history closes: handlers act through it
	fe, err := frontend.New(frontend.Options{History: h, Matching: match, Meta: store, Search: rs.search, Analytics: rs.analytics, MaxBodyBytes: cfg.maxBodyBytes, Logger: log})
	if err != nil {
		return err
	}

	if cfg.debugAddr != "" {
		stopDebug, err := serveDebug(cfg.debugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fe.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("legato server ready", "addr", ln.Addr().String(), "data", cfg.dataDir, "shards", cfg.shards)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("legato server stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	match.Close() // releases long polls so Shutdown need not wait for them
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tuneGC trades memory for CPU: the engine's live heap is small and
// allocation-heavy, so Go's default GOGC=100 collects far too often. A soft
// memory limit keeps the larger target from running away. GOGC and
// GOMEMLIMIT in the environment take precedence.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}

// lateHistory lets matching be built before the history it calls.
type lateHistory struct{ h *history.Service }

func (l *lateHistory) RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask {
	return l.h.RecordTasksStarted(ctx, reqs)
}

func (l *lateHistory) QueuePolled(q api.TaskQueue, at int64) { l.h.QueuePolled(q, at) }

// lateEvents lets history be built before the events service it feeds.
type lateEvents struct{ s *events.Service }

func (l *lateEvents) Publish(msgs []api.EventMessage, handled func(id string)) {
	l.s.Publish(msgs, handled)
}

// checkShards records the shard count in a new data directory and refuses
// to open one created with another: workflows are placed by it.
func checkShards(dir string, shards int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n, err := readShards(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.WriteFile(filepath.Join(dir, "SHARDS"), []byte(strconv.Itoa(shards)+"\n"), 0o644)
	}
	if err != nil {
		return err
	}
	if n != shards {
		return fmt.Errorf("data directory %s was created with %d shards; start with --shards %d", dir, n, n)
	}
	return nil
}

// readShards reads the shard count a data directory was created with.
func readShards(dir string) (int, error) {
	p := filepath.Join(dir, "SHARDS")
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(trimNL(b)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p, err)
	}
	return n, nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envDuration(name string) time.Duration {
	d, _ := time.ParseDuration(os.Getenv(name))
	return d
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// The embedded store lets history cache resolved definitions.
var _ persistence.Generationer = (*pebble.Store)(nil)
