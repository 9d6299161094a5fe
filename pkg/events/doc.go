// Package events defines the immutable workflow events that make up a
// workflow's history, and their encoding.
//
// A workflow's mutable state is always fold(events): the decider produces
// events, applies each to the state as it produces it, and the history
// service stores events and the state snapshot in the same atomic batch.
// Events are never rewritten; IDs are dense per workflow, starting at 1.
//
// An Event is a tagged union: Type says which one of the payload pointers is
// set. Encoding is JSON so that histories are readable in the events API and
// stable across versions (new fields are additive).
package events
