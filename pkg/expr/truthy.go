package expr

// Truthy reports Conductor's truthiness of a script result, as used for a
// DO_WHILE loopCondition, an event handler condition and ScriptEvaluator.evalBool: the boolean true, or
// a number greater than zero. Everything else, strings included, is false.
func Truthy(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case int:
		return t > 0
	case int8:
		return t > 0
	case int16:
		return t > 0
	case int32:
		return t > 0
	case int64:
		return t > 0
	case uint:
		return t > 0
	case uint8:
		return t > 0
	case uint16:
		return t > 0
	case uint32:
		return t > 0
	case uint64:
		return t > 0
	case float32:
		return t > 0
	case float64:
		return t > 0 // NaN > 0 is false
	case interface{ Float64() (float64, error) }: // json.Number
		f, err := t.Float64()
		return err == nil && f > 0
	}
	return false
}
