// Package kibana holds no code: it is the home of the Kibana saved objects
// for the distributed read model (legato.ndjson: the data views
// legato-workflows and legato-tasks, the Lens panels and the "Legato
// overview" dashboard), the one-shot script that imports them
// (import.sh), and the test that checks the objects against the
// Elasticsearch mappings in schema/elasticsearch, so that a renamed or
// unmapped field fails `go test ./deployments/...` instead of showing as
// an empty panel in Kibana. See README.md.
package kibana
