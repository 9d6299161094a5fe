package api

// EventMessage is one message published to an event queue: by an EVENT
// task to a conductor queue, or read from an external queue.
type EventMessage struct {
	// Queue is the event it belongs to, "type:queue"
	// (conductor:<workflow>:<ref>, kafka:<topic>).
	Queue string `json:"queue"`
	// ID identifies the message: an EVENT task's id, a Kafka record's
	// topic-partition-offset.
	ID      string `json:"id"`
	Payload any    `json:"payload"`
}
