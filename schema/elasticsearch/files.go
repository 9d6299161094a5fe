package elasticsearch

import (
	"embed"
	"io/fs"
)

//go:embed *.json
var files embed.FS

// Files are the templates: component_settings.json (the component every
// index template is composed of) and index_template_<kind>.json, one per
// summary kind (workflows, tasks).
func Files() fs.FS { return files }
