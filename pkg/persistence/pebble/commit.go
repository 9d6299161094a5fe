package pebble

import (
	"bytes"
	"context"
	"fmt"

	pdb "github.com/cockroachdb/pebble"
	json "github.com/goccy/go-json"
	"github.com/legatohq/legato/pkg/persistence"
)

// Commit writes every row of b into one pebble batch and commits it with
// one WAL record, synced unless Options.NoSync. Pebble's commit pipeline
// lets concurrent synced commits (one per shard owner) share a WAL fsync,
// which is the group commit: there is deliberately no lock of ours here.
//
// Within the batch, row kinds are applied in the order of persistence.Batch's
// fields, and for each kind puts before deletes, so a row that one batch
// both puts and deletes ends up deleted. A WorkflowWrite with Delete set
// removes the workflow's events (one range deletion) and snapshot and
// ignores its Events and Snapshot; a nil Snapshot leaves the stored one.
func (s *Store) Commit(ctx context.Context, b *persistence.Batch) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("persistence/pebble: commit shard %d: %w", b.Shard, err)
	}
	wb := s.db.NewBatch()
	defer wb.Close()

	w := s.writers.Get().(*batchWriter)
	err := w.write(wb, b)
	w.wb = nil
	if w.val.Cap() <= maxPooledBuffer {
		s.writers.Put(w)
	}
	if err != nil {
		return err
	}
	if wb.Empty() {
		return nil
	}
	if err := wb.Commit(s.commit); err != nil {
		return fmt.Errorf("persistence/pebble: commit shard %d: %w", b.Shard, err)
	}
	return nil
}

// maxPooledBuffer bounds the JSON buffer a pooled batchWriter keeps, so
// that one huge event does not pin its buffer for the life of the Store.
const maxPooledBuffer = 1 << 20

// batchWriter turns a persistence.Batch into pebble batch operations. Its
// buffers are reused across commits; pebble copies keys and values into
// the batch, so they may be overwritten right after each call.
type batchWriter struct {
	wb  *pdb.Batch
	key []byte
	val bytes.Buffer
	enc *json.Encoder
	// logSeen counts equal task log lines within one batch (see taskLogs).
	logSeen map[logID]uint32
}

type logID struct {
	taskID  string
	created int64
	hash    uint64
}

func (w *batchWriter) write(wb *pdb.Batch, b *persistence.Batch) error {
	if w.enc == nil {
		w.enc = json.NewEncoder(&w.val)
		w.enc.SetEscapeHTML(false)
	}
	w.wb = wb
	if err := checkShard(b.Shard); err != nil {
		return err
	}
	if err := w.workflows(b); err != nil {
		return err
	}
	if err := w.defs(b); err != nil {
		return err
	}
	if err := w.dispatches(b); err != nil {
		return err
	}
	if err := w.messages(b); err != nil {
		return err
	}
	for _, r := range b.PutVisibility {
		w.key = visibilityKey(w.key[:0], b.Shard, r.WorkflowID, r.Version)
		if err := w.set(w.key, r.Data); err != nil {
			return err
		}
	}
	if err := w.timers(b); err != nil {
		return err
	}
	if err := w.taskIndex(b); err != nil {
		return err
	}
	if err := w.indexes(b); err != nil {
		return err
	}
	return w.taskLogs(b)
}

func (w *batchWriter) set(key, val []byte) error {
	if err := w.wb.Set(key, val, nil); err != nil {
		return fmt.Errorf("persistence/pebble: batch set: %w", err)
	}
	return nil
}

func (w *batchWriter) del(key []byte) error {
	if err := w.wb.Delete(key, nil); err != nil {
		return fmt.Errorf("persistence/pebble: batch delete: %w", err)
	}
	return nil
}

// delPrefix deletes every key starting with prefix.
func (w *batchWriter) delPrefix(prefix []byte) error {
	if err := w.wb.DeleteRange(prefix, prefixEnd(prefix), nil); err != nil {
		return fmt.Errorf("persistence/pebble: batch delete range: %w", err)
	}
	return nil
}

// setJSON stores v encoded as JSON under key.
func (w *batchWriter) setJSON(key []byte, v any) error {
	w.val.Reset()
	if err := w.enc.Encode(v); err != nil {
		return fmt.Errorf("persistence/pebble: encode %T: %w", v, err)
	}
	val := w.val.Bytes()
	return w.set(key, val[:len(val)-1]) // Encode ends with a newline
}

func (w *batchWriter) workflows(b *persistence.Batch) error {
	for i := range b.Workflows {
		ww := &b.Workflows[i]
		if err := checkField("workflow id", ww.WorkflowID); err != nil {
			return err
		}
		if ww.Delete {
			w.key = eventPrefix(w.key[:0], ww.WorkflowID)
			if err := w.delPrefix(w.key); err != nil {
				return err
			}
			if err := w.del(snapshotKey(w.key[:0], ww.WorkflowID)); err != nil {
				return err
			}
			continue
		}
		// One key per commit, at its first event id: a round's events are
		// written and read together, and fewer keys mean cheaper memtable
		// inserts and compactions.
		if len(ww.Events) > 0 {
			w.key = eventKey(w.key[:0], ww.WorkflowID, ww.Events[0].ID)
			if err := w.setJSON(w.key, ww.Events); err != nil {
				return err
			}
		}
		if ww.Snapshot != nil {
			w.key = snapshotKey(w.key[:0], ww.WorkflowID)
			if err := w.set(w.key, ww.Snapshot); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *batchWriter) defs(b *persistence.Batch) error {
	for _, d := range b.Defs {
		w.key = defKey(w.key[:0], d.Hash)
		if err := w.set(w.key, d.Data); err != nil {
			return err
		}
	}
	return nil
}

func (w *batchWriter) dispatches(b *persistence.Batch) error {
	for i := range b.PutDispatches {
		w.key = dispatchKey(w.key[:0], b.Shard, b.PutDispatches[i].TaskID)
		if err := w.setJSON(w.key, &b.PutDispatches[i]); err != nil {
			return err
		}
	}
	for _, taskID := range b.DelDispatches {
		w.key = dispatchKey(w.key[:0], b.Shard, taskID)
		if err := w.del(w.key); err != nil {
			return err
		}
	}
	return nil
}

func (w *batchWriter) messages(b *persistence.Batch) error {
	for i := range b.PutMessages {
		w.key = messageKey(w.key[:0], b.Shard, b.PutMessages[i].ID)
		if err := w.setJSON(w.key, &b.PutMessages[i]); err != nil {
			return err
		}
	}
	for _, id := range b.DelMessages {
		w.key = messageKey(w.key[:0], b.Shard, id)
		if err := w.del(w.key); err != nil {
			return err
		}
	}
	return nil
}

func (w *batchWriter) timers(b *persistence.Batch) error {
	for _, t := range b.PutTimers {
		w.key = timerKey(w.key[:0], b.Shard, t.At, t.WorkflowID)
		if err := w.set(w.key, nil); err != nil {
			return err
		}
	}
	for _, t := range b.DelTimers {
		w.key = timerKey(w.key[:0], b.Shard, t.At, t.WorkflowID)
		if err := w.del(w.key); err != nil {
			return err
		}
	}
	return nil
}

func (w *batchWriter) taskIndex(b *persistence.Batch) error {
	for _, ti := range b.PutTaskIndex {
		w.key = taskIndexKey(w.key[:0], ti.TaskID)
		if err := w.set(w.key, []byte(ti.WorkflowID)); err != nil {
			return err
		}
	}
	for _, taskID := range b.DelTaskIndex {
		if err := w.del(taskIndexKey(w.key[:0], taskID)); err != nil {
			return err
		}
	}
	return nil
}

// indexes writes the correlation and running indexes.
func (w *batchWriter) indexes(b *persistence.Batch) error {
	lists := []struct {
		rows    []persistence.WorkflowIndex
		running bool
		del     bool
	}{
		{b.PutCorrelation, false, false},
		{b.DelCorrelation, false, true},
		{b.PutRunning, true, false},
		{b.DelRunning, true, true},
	}
	for _, l := range lists {
		for _, ix := range l.rows {
			if err := w.indexKey(ix, l.running); err != nil {
				return err
			}
			var err error
			if l.del {
				err = w.del(w.key)
			} else {
				err = w.set(w.key, nil)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// indexKey sets w.key to the correlation or running index key of ix.
func (w *batchWriter) indexKey(ix persistence.WorkflowIndex, running bool) error {
	if err := checkField("workflow name", ix.Name); err != nil {
		return err
	}
	if running {
		if err := checkVersion(ix.Version); err != nil {
			return err
		}
		w.key = append(runningPrefix(w.key[:0], ix.Name, ix.Version), ix.WorkflowID...)
		return nil
	}
	if err := checkField("correlation id", ix.Key); err != nil {
		return err
	}
	w.key = append(correlationPrefix(w.key[:0], ix.Name, ix.Key), ix.WorkflowID...)
	return nil
}

// taskLogs writes log lines under keys derived from their content (time,
// hash of the text, rank among equal lines of this batch) rather than from
// a counter: Batch promises that applying a batch twice leaves the same
// result, and a counter would store every line twice. The price is that
// lines of one task with the same time come back in hash order, and that an
// identical line (same task, time and text) sent again in a later batch,
// e.g. by a worker retrying its update, is stored once.
func (w *batchWriter) taskLogs(b *persistence.Batch) error {
	clear(w.logSeen)
	for i := range b.TaskLogs {
		l := &b.TaskLogs[i]
		if err := checkField("task id", l.TaskID); err != nil {
			return err
		}
		h := fnv64a(l.Log)
		var occ uint32
		if len(b.TaskLogs) > 1 {
			if w.logSeen == nil {
				w.logSeen = make(map[logID]uint32)
			}
			id := logID{l.TaskID, l.CreatedTime, h}
			occ = w.logSeen[id]
			w.logSeen[id] = occ + 1
		}
		w.key = taskLogKey(w.key[:0], l.TaskID, l.CreatedTime, h, occ)
		if err := w.setJSON(w.key, l); err != nil {
			return err
		}
	}
	for _, taskID := range b.DelTaskLogs {
		if err := checkField("task id", taskID); err != nil {
			return err
		}
		w.key = taskLogPrefix(w.key[:0], taskID)
		if err := w.delPrefix(w.key); err != nil {
			return err
		}
	}
	return nil
}

// fnv64a is FNV-1a: stable across processes, unlike hash/maphash, since
// it becomes part of stored keys.
func fnv64a(s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}
