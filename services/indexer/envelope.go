package indexer

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/segmentio/kafka-go"

	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/visibility"
)

// A visibility record on the topic is an outbox row as it is:
//
//	key:    the workflow id, so one workflow's records stay in one
//	        partition, in the order history wrote them
//	value:  the row's Data, a visibility.Record as Record.Encode makes it
//	header: VersionHeader, the row's version in decimal ASCII
//
// The version travels outside the value so a consumer can order or
// guard a record without decoding it (Elasticsearch's external_gte); the
// summaries in the value carry their own EventVersion too, which is what
// Store.Apply compares.
const VersionHeader = "legato-version"

// DefaultTopic is the visibility topic unless configured otherwise.
const DefaultTopic = "legato-visibility"

// errBadRecord marks a topic record that is not a visibility record.
var errBadRecord = errors.New("indexer: undecodable visibility record")

// encodeRow is the topic record of an outbox row.
func encodeRow(r persistence.VisibilityRow) kafka.Message {
	return kafka.Message{
		Key:     []byte(r.WorkflowID),
		Value:   r.Data,
		Headers: []kafka.Header{{Key: VersionHeader, Value: strconv.AppendInt(nil, r.Version, 10)}},
	}
}

// decodeRow reads a topic record back into its outbox row and Record.
func decodeRow(m kafka.Message) (persistence.VisibilityRow, *visibility.Record, error) {
	row := persistence.VisibilityRow{WorkflowID: string(m.Key), Data: m.Value, Version: -1}
	for _, h := range m.Headers {
		if h.Key != VersionHeader {
			continue
		}
		v, err := strconv.ParseInt(string(h.Value), 10, 64)
		if err != nil {
			return row, nil, fmt.Errorf("%w: header %s = %q: %v", errBadRecord, VersionHeader, h.Value, err)
		}
		row.Version = v
	}
	if row.Version < 0 {
		return row, nil, fmt.Errorf("%w: no %s header", errBadRecord, VersionHeader)
	}
	rec, err := visibility.DecodeRecord(m.Value)
	if err != nil {
		return row, nil, fmt.Errorf("%w: %w", errBadRecord, err)
	}
	return row, rec, nil
}
