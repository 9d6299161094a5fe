package elasticsearch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/visibilitytest"
)

// TestContract runs the visibility contract against a real Elasticsearch
// 8 at LEGATO_ELASTICSEARCH_URL (LEGATO_ELASTICSEARCH_USERNAME and
// _PASSWORD if it has security on), e.g.
//
//	docker run -d -p 9200:9200 -e discovery.type=single-node \
//	  -e xpack.security.enabled=false elasticsearch:8.19.7
//	LEGATO_ELASTICSEARCH_URL=http://localhost:9200 go test -run TestContract ./pkg/visibility/elasticsearch
//
// Each store the suite opens gets its own index prefix, and its indices
// and templates are deleted when its test ends.
func TestContract(t *testing.T) {
	url := os.Getenv("LEGATO_ELASTICSEARCH_URL")
	if url == "" {
		t.Skip("LEGATO_ELASTICSEARCH_URL is not set: the Elasticsearch contract suite needs a real server")
	}
	visibilitytest.Run(t, func(t *testing.T) visibility.Store {
		return openReal(t, url)
	})
}

func openReal(t *testing.T, url string) *Store {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	s, err := New(Options{
		URLs:        []string{url},
		IndexPrefix: "legato-test-" + hex.EncodeToString(b[:]),
		Username:    os.Getenv("LEGATO_ELASTICSEARCH_USERNAME"),
		Password:    os.Getenv("LEGATO_ELASTICSEARCH_PASSWORD"),
		// Writes must be searchable when Apply returns (visibilitytest).
		Refresh: "wait_for",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Cleanup(func() {
		dropAll(t, s)
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := s.EnsureIndices(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// dropAll deletes what EnsureIndices made, by name: Elasticsearch 8
// refuses wildcard index deletions (action.destructive_requires_name).
func dropAll(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	var indices []string
	for _, kind := range kinds {
		indices = append(indices, s.Alias(kind)+"-"+generation)
	}
	paths := []string{"/" + strings.Join(indices, ",")}
	for _, kind := range kinds {
		paths = append(paths, "/_index_template/"+s.Alias(kind))
	}
	paths = append(paths, "/_component_template/"+s.opts.IndexPrefix+"-settings")
	for _, p := range paths {
		res, err := s.do(ctx, http.MethodDelete, p, nil, nil)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			continue
		}
		if !ok(res.status) && res.status != http.StatusNotFound {
			t.Errorf("cleanup: %v", res.failed("delete "+p))
		}
	}
}
