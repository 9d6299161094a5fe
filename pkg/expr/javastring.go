package expr

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// javaString renders v the way Java's String.valueOf / Objects.toString
// would render the equivalent Jackson-decoded value. Conductor uses it when an
// expression is embedded in other text.
func javaString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return "null"
	}
	var b strings.Builder
	writeJava(&b, v)
	return b.String()
}

// writeJava appends the Java toString form of v to b:
//
//	null → null, map → {k=v, k2=v2} (keys sorted: Go maps keep no insertion
//	order), list → [a, b], integral floats → 5, other floats → Double.toString.
func writeJava(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case float64:
		b.WriteString(javaFloat(t, 64))
	case float32:
		b.WriteString(javaFloat(float64(t), 32))
	case int:
		b.WriteString(strconv.Itoa(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(t), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(t), 10))
	case int8:
		b.WriteString(strconv.FormatInt(int64(t), 10))
	case uint:
		b.WriteString(strconv.FormatUint(uint64(t), 10))
	case uint64:
		b.WriteString(strconv.FormatUint(t, 10))
	case uint32:
		b.WriteString(strconv.FormatUint(uint64(t), 10))
	case uint16:
		b.WriteString(strconv.FormatUint(uint64(t), 10))
	case uint8:
		b.WriteString(strconv.FormatUint(uint64(t), 10))
	case json.Number:
		b.WriteString(string(t))
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeJava(b, t[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	default:
		writeJavaReflect(b, v)
	}
}

// writeJavaReflect handles containers of other element types (e.g.
// []string, map[string]string) that a caller might place in a context.
func writeJavaReflect(b *strings.Builder, v any) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			b.WriteString("null")
			return
		}
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, rv.Index(i).Interface())
		}
		b.WriteByte(']')
	case reflect.Map:
		if rv.IsNil() {
			b.WriteString("null")
			return
		}
		type kv struct {
			k string
			v any
		}
		entries := make([]kv, 0, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			entries = append(entries, kv{javaString(it.Key().Interface()), it.Value().Interface()})
		}
		slices.SortFunc(entries, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		b.WriteByte('{')
		for i, e := range entries {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.k)
			b.WriteByte('=')
			writeJava(b, e.v)
		}
		b.WriteByte('}')
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			b.WriteString("null")
			return
		}
		writeJava(b, rv.Elem().Interface())
	default:
		// Best effort for anything else (structs, named scalar types).
		switch rv.Kind() {
		case reflect.String:
			b.WriteString(rv.String())
		case reflect.Bool:
			b.WriteString(strconv.FormatBool(rv.Bool()))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b.WriteString(strconv.FormatInt(rv.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		case reflect.Float32, reflect.Float64:
			b.WriteString(javaFloat(rv.Float(), 64))
		default:
			if data, err := json.Marshal(v); err == nil {
				b.Write(data)
			} else {
				b.WriteString("null")
			}
		}
	}
}

// javaFloat formats a float. JSON numbers decoded by encoding/json are
// float64 even when the source held an integer, which Jackson would have
// decoded as Integer/Long/BigInteger; so an integral value prints as an
// integer ("5", not "5.0"). Other values follow Java's Double.toString:
// plain notation for 1e-3 <= |d| < 1e7, otherwise "d.dddE±n".
func javaFloat(d float64, bits int) string {
	switch {
	case math.IsNaN(d):
		return "NaN"
	case math.IsInf(d, 1):
		return "Infinity"
	case math.IsInf(d, -1):
		return "-Infinity"
	case d == 0:
		return "0"
	case d == math.Trunc(d):
		return strconv.FormatFloat(d, 'f', -1, bits)
	}
	abs := math.Abs(d)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(d, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	// Scientific: Go gives "1.5e-05"; Java gives "1.5E-5".
	s := strconv.FormatFloat(d, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		exp = "0"
	}
	return mant + "E" + sign + exp
}
