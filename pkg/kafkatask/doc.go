// Package kafkatask is Conductor's KAFKA_PUBLISH task: it reads the
// task's kafka_request (Parse) and publishes one record (Publisher), with
// upstream's failure reasons. It does no scheduling: services/history runs
// it as an async system task, as it runs HTTP tasks (pkg/httptask).
//
// The record, as upstream's KafkaPublishTask builds it: the topic; the key
// serialized by keySerializer (Kafka's StringSerializer by default, or
// IntegerSerializer / LongSerializer: 4 or 8 bytes big-endian); the value
// as JSON (a string value is a JSON string, quotes included); each header
// value as its text. Records are published with acks from all in-sync
// replicas and the Java client's default partitioner (murmur2 of the key),
// within requestTimeoutMs + maxBlockMs.
package kafkatask
