package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseServerFlags: flags override the environment, which overrides
// the defaults, and --kafka-brokers drops blanks around commas.
func TestParseServerFlags(t *testing.T) {
	t.Setenv("LEGATO_ADDR", "127.0.0.1:9000")
	t.Setenv("LEGATO_RETENTION", "2h")
	t.Setenv("LEGATO_KAFKA_BROKERS", "")
	c, err := parseServerFlags([]string{"--data", "/tmp/x", "--shards", "8", "--kafka-brokers", " a:1, ,b:2 "})
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:9000" || c.dataDir != "/tmp/x" || c.shards != 8 || c.retention != 2*time.Hour {
		t.Errorf("config %+v", c)
	}
	if !slices.Equal(c.kafkaBrokers, []string{"a:1", "b:2"}) {
		t.Errorf("brokers %q", c.kafkaBrokers)
	}
	if _, err := parseServerFlags([]string{"--shards", "many"}); err == nil {
		t.Error("--shards many: no error")
	}
	if _, err := parseServerFlags([]string{"--visibility", "kafka"}); err == nil || err.Error() != "--visibility kafka needs --kafka-brokers" {
		t.Errorf("--visibility kafka without brokers: %v", err)
	}
	if c, err := parseServerFlags([]string{"--visibility", "kafka", "--kafka-brokers", "a:1"}); err != nil || c.visibility != "kafka" {
		t.Errorf("--visibility kafka --kafka-brokers a:1: %+v, %v", c, err)
	}
	if c, err := parseServerFlags([]string{"--elasticsearch-url", "http://a:9200, http://b:9200"}); err != nil || len(c.elasticsearchURLs) != 2 || c.elasticsearchURLs[1] != "http://b:9200" {
		t.Errorf("--elasticsearch-url with two nodes: %+v, %v", c.elasticsearchURLs, err)
	}
	if _, err := parseServerFlags([]string{"--visibility", "none", "--elasticsearch-url", "http://a:9200"}); err == nil {
		t.Error("--elasticsearch-url with --visibility none: no error")
	}
}

// TestCheckShards: a new data directory records its shard count, and a
// later start with another count is refused with the count to use.
func TestCheckShards(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := checkShards(dir, 4); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "SHARDS")); err != nil || string(b) != "4\n" {
		t.Fatalf("SHARDS %q, %v", b, err)
	}
	if err := checkShards(dir, 4); err != nil {
		t.Errorf("same count: %v", err)
	}
	if err := checkShards(dir, 8); err == nil || !strings.Contains(err.Error(), "start with --shards 4") {
		t.Errorf("other count: %v", err)
	}
}
