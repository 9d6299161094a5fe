// Package elasticsearch holds the distributed read model's Elasticsearch
// templates as JSON, so pkg/visibility/elasticsearch embeds the files
// reviewed here rather than a copy of them. The names inside use the
// default prefix "legato"; the store rewrites index_patterns, composed_of
// and aliases for another prefix and leaves everything else as written.
package elasticsearch
