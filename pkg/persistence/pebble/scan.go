package pebble

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	pdb "github.com/cockroachdb/pebble"

	"github.com/legatohq/legato/pkg/persistence"
)

// get returns a copy of the value under key, or an error wrapping
// persistence.ErrNotFound that names what was looked for.
func (s *Store) get(ctx context.Context, key []byte, what string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pdb.ErrNotFound) {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, persistence.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	if err := closer.Close(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	return out, nil
}

// scan calls fn, in key order, for every key starting with prefix, passing
// the rest of the key after the prefix and the value. Both are valid only
// during the call. The iterator reads one consistent view of the store.
func (s *Store) scan(ctx context.Context, prefix []byte, what string, fn func(rest, val []byte) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	it, err := s.db.NewIterWithContext(ctx, &pdb.IterOptions{
		LowerBound: prefix,
		UpperBound: prefixEnd(prefix),
	})
	if err != nil {
		return fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	for valid := it.First(); valid; valid = it.Next() {
		val, err := it.ValueAndErr()
		if err == nil {
			err = fn(it.Key()[len(prefix):], val)
		}
		if err != nil {
			_ = it.Close() // the first error is the one to report
			return fmt.Errorf("persistence/pebble: %s: %w", what, err)
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	return nil
}

// last returns a copy of the value of the greatest key starting with
// prefix, or an error wrapping persistence.ErrNotFound.
func (s *Store) last(ctx context.Context, prefix []byte, what string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	it, err := s.db.NewIterWithContext(ctx, &pdb.IterOptions{
		LowerBound: prefix,
		UpperBound: prefixEnd(prefix),
	})
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	var out []byte
	if it.Last() {
		var val []byte
		val, err = it.ValueAndErr()
		out = bytes.Clone(val)
	}
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	if out == nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, persistence.ErrNotFound)
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, persistence.ErrNotFound) }
