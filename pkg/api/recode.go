package api

import "encoding/json"

// Recode converts v into into through their JSON encoding: a task input's
// JSON-shaped map into a typed message (a StartWorkflowRequest, a
// WorkflowDef), or a message into the map a workflow's input holds.
func Recode(v, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}
