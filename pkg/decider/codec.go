package decider

import (
	"fmt"

	json "github.com/goccy/go-json"
)

// Encode returns the snapshot form of s.
func Encode(s *State) ([]byte, error) { return json.Marshal(s) }

// Decode reads a snapshot. The caller sets Def afterwards.
func Decode(b []byte) (*State, error) {
	s := &State{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%w: snapshot: %v", ErrCorrupt, err)
	}
	return s, nil
}
