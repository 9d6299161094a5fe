package pebble

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// Table prefixes. Every key starts with one of these; doc.go lists the
// fields that follow each.
const (
	prefixEvent       = "e/"
	prefixSnapshot    = "s/"
	prefixDef         = "d/"
	prefixDispatch    = "q/"
	prefixMessage     = "p/"
	prefixVisibility  = "v/"
	prefixTimer       = "t/"
	prefixTaskIndex   = "x/"
	prefixCorrelation = "c/"
	prefixRunning     = "r/"
	prefixTaskLog     = "l/"
	prefixTaskDef     = "m/t/"
	prefixWorkflowDef = "m/w/"
	prefixHandler     = "m/e/"
)

// sep ends a variable-length field that other fields follow, so that no
// field's prefix scan can reach into a longer value sharing its start ("w1"
// must not see "w10"). Such fields must therefore not contain it.
const sep = 0x00

const maxShard = math.MaxUint16

// appendInt64 appends v as 8 big-endian bytes with the sign bit flipped, so
// that unsigned byte order equals signed numeric order (negatives first).
func appendInt64(dst []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(v)^(1<<63))
}

func decodeInt64(b []byte) int64 {
	return int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
}

func appendShard(dst []byte, shard int) []byte {
	return binary.BigEndian.AppendUint16(dst, uint16(shard))
}

func appendVersion(dst []byte, version int) []byte {
	return binary.BigEndian.AppendUint32(dst, uint32(version))
}

// appendField appends s followed by sep.
func appendField(dst []byte, s string) []byte {
	return append(append(dst, s...), sep)
}

// checkField reports whether s may be used as a sep-terminated field.
func checkField(what, s string) error {
	if strings.IndexByte(s, sep) >= 0 {
		return fmt.Errorf("persistence/pebble: %s %q contains a NUL byte: %w", what, s, ErrInvalidKey)
	}
	return nil
}

func checkShard(shard int) error {
	if shard < 0 || shard > maxShard {
		return fmt.Errorf("persistence/pebble: shard %d outside [0, %d]: %w", shard, maxShard, ErrInvalidKey)
	}
	return nil
}

func checkVersion(version int) error {
	if version < 0 || uint64(version) > math.MaxUint32 {
		return fmt.Errorf("persistence/pebble: version %d outside [0, %d]: %w", version, uint32(math.MaxUint32), ErrInvalidKey)
	}
	return nil
}

// eventPrefix is e/<wfID>\x00; an event key appends its 8-byte id.
func eventPrefix(dst []byte, wfID string) []byte {
	return appendField(append(dst, prefixEvent...), wfID)
}

func eventKey(dst []byte, wfID string, id int64) []byte {
	return appendInt64(eventPrefix(dst, wfID), id)
}

func snapshotKey(dst []byte, wfID string) []byte {
	return append(append(dst, prefixSnapshot...), wfID...)
}

func defKey(dst []byte, hash string) []byte {
	return append(append(dst, prefixDef...), hash...)
}

// dispatchPrefix is q/<shard>; a dispatch key appends the task id.
func dispatchPrefix(dst []byte, shard int) []byte {
	return appendShard(append(dst, prefixDispatch...), shard)
}

func dispatchKey(dst []byte, shard int, taskID string) []byte {
	return append(dispatchPrefix(dst, shard), taskID...)
}

// messagePrefix is p/<shard>; a message key appends the message id.
func messagePrefix(dst []byte, shard int) []byte {
	return appendShard(append(dst, prefixMessage...), shard)
}

func messageKey(dst []byte, shard int, id string) []byte {
	return append(messagePrefix(dst, shard), id...)
}

// visibilityPrefix is v/<shard>; a row's key appends the workflow id, sep
// and the version.
func visibilityPrefix(dst []byte, shard int) []byte {
	return appendShard(append(dst, prefixVisibility...), shard)
}

func visibilityKey(dst []byte, shard int, wfID string, version int64) []byte {
	return appendInt64(append(append(visibilityPrefix(dst, shard), wfID...), sep), version)
}

// decodeVisibilityKey splits the part of a visibility key after its prefix.
func decodeVisibilityKey(rest []byte) (wfID string, version int64, ok bool) {
	if len(rest) < 9 || rest[len(rest)-9] != sep {
		return "", 0, false
	}
	return string(rest[:len(rest)-9]), decodeInt64(rest[len(rest)-8:]), true
}

// timerPrefix is t/<shard>; a timer key appends the time and workflow id.
func timerPrefix(dst []byte, shard int) []byte {
	return appendShard(append(dst, prefixTimer...), shard)
}

func timerKey(dst []byte, shard int, at int64, wfID string) []byte {
	return append(appendInt64(timerPrefix(dst, shard), at), wfID...)
}

// decodeTimerKey splits the part of a timer key after its prefix.
func decodeTimerKey(rest []byte) (at int64, wfID string, ok bool) {
	if len(rest) < 8 {
		return 0, "", false
	}
	return decodeInt64(rest[:8]), string(rest[8:]), true
}

func taskIndexKey(dst []byte, taskID string) []byte {
	return append(append(dst, prefixTaskIndex...), taskID...)
}

// correlationPrefix is c/<name>\x00<cid>\x00; a key appends the workflow id.
func correlationPrefix(dst []byte, name, cid string) []byte {
	return appendField(appendField(append(dst, prefixCorrelation...), name), cid)
}

// runningPrefix is r/<name>\x00<version>; a key appends the workflow id.
func runningPrefix(dst []byte, name string, version int) []byte {
	return appendVersion(appendField(append(dst, prefixRunning...), name), version)
}

// taskLogPrefix is l/<taskID>\x00; a key appends the created time, a hash
// of the line and its occurrence among equal lines of one batch (see
// commit.go for why the key is derived from the content).
func taskLogPrefix(dst []byte, taskID string) []byte {
	return appendField(append(dst, prefixTaskLog...), taskID)
}

func taskLogKey(dst []byte, taskID string, created int64, hash uint64, occurrence uint32) []byte {
	dst = appendInt64(taskLogPrefix(dst, taskID), created)
	dst = binary.BigEndian.AppendUint64(dst, hash)
	return binary.BigEndian.AppendUint32(dst, occurrence)
}

func taskDefKey(dst []byte, name string) []byte {
	return append(append(dst, prefixTaskDef...), name...)
}

func handlerKey(name string) []byte {
	return append([]byte(prefixHandler), name...)
}

// workflowDefPrefix is m/w/<name>\x00; a key appends the 4-byte version.
func workflowDefPrefix(dst []byte, name string) []byte {
	return appendField(append(dst, prefixWorkflowDef...), name)
}

func workflowDefKey(dst []byte, name string, version int) []byte {
	return appendVersion(workflowDefPrefix(dst, name), version)
}

// prefixEnd returns the smallest key greater than every key starting with
// p, or nil when there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
