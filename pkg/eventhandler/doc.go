// Package eventhandler is Conductor's EventHandler: the model stored by
// the metadata API, its validation, and the pure part of running one —
// deciding whether a message's payload meets the handler's condition and
// resolving each action's ${...} parameters against that payload.
// Consuming queues and applying the actions to workflows is the events
// service's job (services/events); nothing here does I/O.
package eventhandler
