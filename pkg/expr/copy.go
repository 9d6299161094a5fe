package expr

// deepCopy returns v with every map[string]any and []any copied, so a
// resolved value never aliases the caller's context document. Scalars and
// unknown types are returned as they are.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return t
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		if t == nil {
			return t
		}
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	case *lazyDoc:
		// The virtual root document never leaves the package.
		return nil
	default:
		return v
	}
}
