package pebble

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/cockroachdb/pebble/vfs"
)

// createDir makes dir and its missing parents and syncs the parent of each
// directory it created. Pebble v1 creates the directory without syncing
// its parent, so a crash soon after the first Open could lose the whole
// database, acknowledged commits included. (Found by crash_test.go.)
func createDir(vfsys vfs.FS, dir string) error {
	var created []string
	for d := dir; ; {
		_, err := vfsys.Stat(d)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("persistence/pebble: stat %s: %w", d, err)
		}
		created = append(created, d)
		parent := vfsys.PathDir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if len(created) == 0 {
		return nil
	}
	if err := vfsys.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("persistence/pebble: create %s: %w", dir, err)
	}
	// Deepest first: each parent now holds its new child.
	for _, d := range created {
		if err := syncDir(vfsys, vfsys.PathDir(d)); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(vfsys vfs.FS, dir string) error {
	f, err := vfsys.OpenDir(dir)
	if err != nil {
		return fmt.Errorf("persistence/pebble: open dir %s: %w", dir, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("persistence/pebble: sync dir %s: %w", dir, err)
	}
	return nil
}
