package indexer

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
)

// startKafka starts an in-process broker (kfake speaks the real wire
// protocol) holding the visibility topic in three partitions.
func startKafka(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(3, DefaultTopic)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// openOutbox is a Pebble execution store in memory, as history's.
func openOutbox(t *testing.T) *pebble.Store {
	t.Helper()
	exec, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	return exec
}

// openSearch is the embedded search store in a temporary directory.
func openSearch(t *testing.T) *sqlite.Store {
	t.Helper()
	vs, err := sqlite.Open(sqlite.Options{Path: filepath.Join(t.TempDir(), "vis.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vs.Close() })
	return vs
}

func newKafkaSink(t *testing.T, o KafkaSinkOptions) *KafkaSink {
	t.Helper()
	s, err := NewKafkaSink(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// startConsumer runs a consumer until the test ends.
func startConsumer(t *testing.T, o ConsumerOptions) *Consumer {
	t.Helper()
	o.Linger = 20 * time.Millisecond
	if o.RetryDelay == 0 {
		o.RetryDelay = 10 * time.Millisecond
	}
	c, err := NewConsumer(o)
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	t.Cleanup(c.Close)
	return c
}

// startIndexer runs an indexer from exec to sink until the test ends.
func startIndexer(t *testing.T, exec *pebble.Store, sink Sink) *Indexer {
	t.Helper()
	ix, err := New(Options{Outbox: exec, Sink: sink, Shards: 2, BatchSize: 3, Linger: time.Millisecond, RetryDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ix.Start()
	t.Cleanup(ix.Close)
	return ix
}

// waitFor polls cond, which another goroutine makes true, for up to 20s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("still waiting after 20s for %s", what)
		}
	}
}

// commit writes rows to a shard's outbox as a history round does.
func commit(t *testing.T, exec *pebble.Store, shard int, rows ...persistence.VisibilityRow) {
	t.Helper()
	if err := exec.Commit(context.Background(), &persistence.Batch{Shard: shard, PutVisibility: rows}); err != nil {
		t.Fatal(err)
	}
}

// outboxLen is how many rows the outbox holds over both shards.
func outboxLen(t *testing.T, exec *pebble.Store) int {
	t.Helper()
	n := 0
	for shard := range 2 {
		rows, err := exec.Visibility(context.Background(), shard, 0)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rows)
	}
	return n
}

// summaries is every workflow summary the store holds, by id, as
// "STATUS@version". It may run on the consumer's goroutine, so it does
// not stop the test.
func summaries(t testing.TB, vs visibility.Store) map[string]string {
	t.Helper()
	p, err := vs.SearchWorkflows(context.Background(), visibility.Query{Size: visibility.MaxSize})
	if err != nil {
		t.Error(err)
		return nil
	}
	out := map[string]string{}
	for _, w := range p.Results {
		out[w.WorkflowID] = w.Status + "@" + strconv.FormatInt(w.EventVersion, 10)
	}
	return out
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// hookedStore is the real store with a hook run after each Apply, to
// check an invariant between batches, and an optional failure injected
// before it.
type hookedStore struct {
	visibility.Store
	fail  atomic.Bool
	tries atomic.Int64
	after func()
}

func (s *hookedStore) Apply(ctx context.Context, b *visibility.Batch) error {
	s.tries.Add(1)
	if s.fail.Load() {
		return context.DeadlineExceeded // any error: the store is down
	}
	if err := s.Store.Apply(ctx, b); err != nil {
		return err
	}
	if s.after != nil {
		s.after()
	}
	return nil
}

// countingSink counts its inner sink's failed writes.
type countingSink struct {
	Sink
	failed atomic.Int64
}

func (s *countingSink) Write(ctx context.Context, rows []persistence.VisibilityRow) error {
	err := s.Sink.Write(ctx, rows)
	if err != nil {
		s.failed.Add(1)
	}
	return err
}

// TestKafkaEndToEnd: outbox rows → KafkaSink → broker → Consumer → the
// SQLite store. Every summary becomes searchable at its newest version,
// the outbox empties once the brokers have the rows, and a second
// consumer group replaying the whole topic, one record per batch,
// changes nothing at any point.
func TestKafkaEndToEnd(t *testing.T) {
	cluster := startKafka(t)
	exec, vs := openOutbox(t), openSearch(t)
	commit(t, exec, 0, row(t, "w1", 3, "RUNNING"), row(t, "w2", 2, "RUNNING"))
	commit(t, exec, 0, row(t, "w1", 5, "COMPLETED"))
	commit(t, exec, 1, row(t, "w3", 4, "FAILED"))
	commit(t, exec, 1, row(t, "w2", 6, "TERMINATED"), row(t, "w4", 1, "RUNNING"))
	sink := newKafkaSink(t, KafkaSinkOptions{Brokers: cluster.ListenAddrs()})
	ix := startIndexer(t, exec, sink)
	waitFor(t, "the outbox to empty", func() bool { return ix.Applied() == 6 })
	if n := outboxLen(t, exec); n != 0 {
		t.Fatalf("outbox holds %d rows after the indexer wrote them all", n)
	}

	// The consumer starts only now: what it reads the brokers had
	// acknowledged before the rows left the outbox.
	c := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: vs})
	waitFor(t, "the consumer to apply 6 records", func() bool { return c.Applied() == 6 })
	want := map[string]string{"w1": "COMPLETED@5", "w2": "TERMINATED@6", "w3": "FAILED@4", "w4": "RUNNING@1"}
	if got := summaries(t, vs); !equal(got, want) {
		t.Fatalf("store holds %v, want %v", got, want)
	}
	p, err := vs.SearchWorkflows(context.Background(), visibility.Query{Query: `status = "RUNNING"`})
	if err != nil || p.TotalHits != 1 || p.Results[0].WorkflowID != "w4" {
		t.Errorf("search status = RUNNING: %+v, %v; want w4 alone", p, err)
	}

	// Redelivery: another group reads every record again, older versions
	// included, each in a batch of its own.
	hooked := &hookedStore{Store: vs}
	hooked.after = func() {
		if got := summaries(t, vs); !equal(got, want) {
			t.Errorf("a redelivered record changed the store to %v", got)
		}
	}
	replay := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: hooked, GroupID: "replay", BatchSize: 1})
	waitFor(t, "the replay to apply 6 records", func() bool { return replay.Applied() == 6 })
	if n := hooked.tries.Load(); n != 6 {
		t.Errorf("the replay applied %d batches, want 6 of one record", n)
	}
}

// TestKafkaReordered: an older summary of a workflow produced after a
// newer one, applied in a later batch, leaves the newer one.
func TestKafkaReordered(t *testing.T) {
	cluster := startKafka(t)
	vs := openSearch(t)
	sink := newKafkaSink(t, KafkaSinkOptions{Brokers: cluster.ListenAddrs()})
	ctx := context.Background()
	for _, r := range []persistence.VisibilityRow{row(t, "w1", 7, "COMPLETED"), row(t, "w1", 4, "RUNNING"), row(t, "w2", 2, "RUNNING")} {
		if err := sink.Write(ctx, []persistence.VisibilityRow{r}); err != nil {
			t.Fatal(err)
		}
	}
	c := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: vs, BatchSize: 1})
	waitFor(t, "the consumer to apply 3 records", func() bool { return c.Applied() == 3 })
	if got, want := summaries(t, vs), map[string]string{"w1": "COMPLETED@7", "w2": "RUNNING@2"}; !equal(got, want) {
		t.Errorf("store holds %v, want %v", got, want)
	}
}

// TestKafkaBrokerDown: while the broker is unreachable every Write fails
// and the rows stay in the outbox; once it is back they go, on the
// indexer's retry, and reach the store.
func TestKafkaBrokerDown(t *testing.T) {
	first := startKafka(t)
	addr := first.ListenAddrs()[0]
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	first.Close() // the broker is gone; its address stays ours to reuse

	exec, vs := openOutbox(t), openSearch(t)
	sink := &countingSink{Sink: newKafkaSink(t, KafkaSinkOptions{Brokers: []string{addr}, WriteTimeout: 200 * time.Millisecond})}
	ix := startIndexer(t, exec, sink)
	commit(t, exec, 0, row(t, "w1", 2, "RUNNING"))
	commit(t, exec, 1, row(t, "w2", 3, "COMPLETED"))
	ix.Written(1)
	waitFor(t, "two failed writes", func() bool { return sink.failed.Load() >= 2 })
	if n := outboxLen(t, exec); n != 2 || ix.Applied() != 0 {
		t.Fatalf("with the broker down the outbox holds %d rows (want 2) and %d were applied", n, ix.Applied())
	}

	p, _ := strconv.Atoi(port)
	cluster := startKafka(t, kfake.Ports(p))
	waitFor(t, "the outbox to empty", func() bool { return ix.Applied() == 2 })
	if n := outboxLen(t, exec); n != 0 {
		t.Fatalf("outbox holds %d rows", n)
	}
	c := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: vs})
	waitFor(t, "the consumer to apply 2 records", func() bool { return c.Applied() == 2 })
	if got, want := summaries(t, vs), map[string]string{"w1": "RUNNING@2", "w2": "COMPLETED@3"}; !equal(got, want) {
		t.Errorf("store holds %v, want %v", got, want)
	}
}

// TestKafkaConsumerFailures: an undecodable record is dead-lettered and
// committed; a failing Apply commits nothing, so the group's next member
// gets the batch again.
func TestKafkaConsumerFailures(t *testing.T) {
	cluster := startKafka(t)
	vs := openSearch(t)
	ctx := context.Background()
	tr := &kafka.Transport{}
	w := &kafka.Writer{Addr: kafka.TCP(cluster.ListenAddrs()...), Topic: DefaultTopic, Transport: tr, BatchTimeout: time.Millisecond}
	defer func() { w.Close(); tr.CloseIdleConnections() }()
	good := encodeRow(row(t, "w1", 2, "RUNNING"))
	noVersion := good
	noVersion.Headers = nil
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("w9"), Value: []byte("not json"), Headers: good.Headers}, noVersion, good); err != nil {
		t.Fatal(err)
	}

	// The store is down: the consumer retries and commits nothing.
	down := &hookedStore{Store: vs}
	down.fail.Store(true)
	c1 := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: down})
	waitFor(t, "three failed applies", func() bool { return down.tries.Load() >= 3 })
	c1.Close()
	if c1.Applied() != 0 || c1.DeadLettered() != 2 {
		t.Errorf("with the store down: %d applied, %d dead-lettered; want 0 and 2", c1.Applied(), c1.DeadLettered())
	}

	// The next member of the group gets the three records again.
	c2 := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: vs})
	waitFor(t, "the record to be applied", func() bool { return c2.Applied() == 1 })
	if c2.DeadLettered() != 2 {
		t.Errorf("%d dead-lettered, want 2", c2.DeadLettered())
	}
	if got := summaries(t, vs); got["w1"] != "RUNNING@2" {
		t.Errorf("store holds %v", got)
	}
	c2.Close()

	// Committed, dead letters included: a third member reads only what
	// comes after.
	if err := w.WriteMessages(ctx, encodeRow(row(t, "w1", 3, "COMPLETED"))); err != nil {
		t.Fatal(err)
	}
	c3 := startConsumer(t, ConsumerOptions{Brokers: cluster.ListenAddrs(), Store: vs})
	waitFor(t, "the new record to be applied", func() bool { return c3.Applied() == 1 })
	if c3.DeadLettered() != 0 {
		t.Errorf("%d dead-lettered after the commit, want 0", c3.DeadLettered())
	}
	if got := summaries(t, vs); got["w1"] != "COMPLETED@3" {
		t.Errorf("store holds %v", got)
	}
}

func TestKafkaOptionsValidate(t *testing.T) {
	if _, err := NewKafkaSink(KafkaSinkOptions{}); err == nil || err.Error() != "indexer: invalid options: KafkaSinkOptions.Brokers is required" {
		t.Errorf("NewKafkaSink({}) = %v", err)
	}
	for _, c := range []struct {
		o    ConsumerOptions
		want string
	}{
		{ConsumerOptions{}, "indexer: invalid options: ConsumerOptions.Brokers is required"},
		{ConsumerOptions{Brokers: []string{"x:1"}}, "indexer: invalid options: ConsumerOptions.Store is required"},
	} {
		if _, err := NewConsumer(c.o); err == nil || err.Error() != c.want {
			t.Errorf("NewConsumer(%+v) = %v, want %q", c.o, err, c.want)
		}
	}
}
