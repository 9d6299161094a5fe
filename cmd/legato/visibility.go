package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"

	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/elasticsearch"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
	"github.com/legatohq/legato/services/frontend"
	"github.com/legatohq/legato/services/history"
	"github.com/legatohq/legato/services/indexer"
)

// readSide is the running read side: what search answers from, what
// history wakes, and how to stop it.
type readSide struct {
	search frontend.Search
	// analytics is the store's, when it has them (SQLite does).
	analytics frontend.Analytics
	written   history.VisibilitySink
	stops     []func() error // in start order
}

// close stops the read side in the reverse of its start order: the
// indexer first, the store last.
func (r *readSide) close() error {
	var errs []error
	for i := len(r.stops) - 1; i >= 0; i-- {
		errs = append(errs, r.stops[i]())
	}
	return errors.Join(errs...)
}

// visibilityPath is where `legato server` keeps the SQLite read model
// (and `legato reindex` rebuilds it).
func visibilityPath(dataDir string) string { return filepath.Join(dataDir, "visibility.db") }

// openVisibilityStore is the store the read side applies to and search
// reads: Elasticsearch when --elasticsearch-url names it (its templates
// and indices made first), else SQLite under the data directory.
func openVisibilityStore(ctx context.Context, cfg serverConfig) (visibility.Store, error) {
	if len(cfg.elasticsearchURLs) == 0 {
		return sqlite.Open(sqlite.Options{Path: visibilityPath(cfg.dataDir)})
	}
	es, err := elasticsearch.New(elasticsearch.Options{URLs: cfg.elasticsearchURLs})
	if err != nil {
		return nil, err
	}
	if err := es.EnsureIndices(ctx); err != nil {
		return nil, errors.Join(err, es.Close())
	}
	return es, nil
}

// startReadSide starts what --visibility names. sqlite: the indexer
// applies history's visibility outbox to the store itself. kafka: the
// indexer produces the outbox to Kafka and a consumer, here in the same
// process as a separate `legato indexer` would run it, applies the topic
// to the store. none: no read side (search answers 503).
func startReadSide(ctx context.Context, cfg serverConfig, outbox indexer.Outbox, log *slog.Logger) (rs *readSide, err error) {
	rs = &readSide{}
	if cfg.visibility == "none" {
		return rs, nil
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, rs.close())
		}
	}()
	vs, err := openVisibilityStore(ctx, cfg)
	if err != nil {
		return rs, err
	}
	rs.stops = append(rs.stops, vs.Close)
	rs.search = vs
	if a, ok := vs.(frontend.Analytics); ok {
		rs.analytics = a
	}
	var sink indexer.Sink = indexer.NewStoreSink(vs, log)
	if cfg.visibility == "kafka" {
		c, err := indexer.NewConsumer(indexer.ConsumerOptions{Brokers: cfg.kafkaBrokers, Store: vs, Logger: log})
		if err != nil {
			return rs, err
		}
		c.Start()
		rs.stops = append(rs.stops, func() error { c.Close(); return nil })
		ks, err := indexer.NewKafkaSink(indexer.KafkaSinkOptions{Brokers: cfg.kafkaBrokers})
		if err != nil {
			return rs, err
		}
		rs.stops = append(rs.stops, ks.Close)
		sink = ks
	}
	idx, err := indexer.New(indexer.Options{Outbox: outbox, Sink: sink, Shards: cfg.shards, Logger: log})
	if err != nil {
		return rs, err
	}
	idx.Start()
	rs.stops = append(rs.stops, func() error { idx.Close(); return nil })
	rs.written = idx
	return rs, nil
}
