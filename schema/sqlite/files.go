package sqlite

import (
	"embed"
	"io/fs"
)

//go:embed *.sql
var files embed.FS

// Files are the schema versions, NNN_name.sql at the root.
func Files() fs.FS { return files }
