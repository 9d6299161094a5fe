package persistence

import "hash/fnv"

// ShardOf places a workflow in one of shards shards. The mapping must
// never change for existing data: FNV-1a of the id, mod the shard count.
func ShardOf(workflowID string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(workflowID))
	return int(h.Sum32() % uint32(shards))
}
