//go:build race

package script

// raceEnabled: the race detector multiplies memory use (shadow memory) and
// slows goja several times over, so RSS bounds are not checked under it.
const raceEnabled = true
