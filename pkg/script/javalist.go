package script

import (
	"strconv"

	"github.com/dop251/goja"
)

// installListGet gives arrays a get(i) method, a narrow compatibility shim
// for Conductor scripts: Conductor runs JavaScript on GraalJS with Java
// host objects, where a list in the input is a java.util.List and scripts
// read it with list.get(i) (Conductor's own do_while_with_decision_task
// fixture does: "return $.list.get($.iterator - 1);"). Only get is
// provided, the List method such scripts use to read input lists; as
// Java's, it takes a whole index inside the list and throws otherwise.
// The method is not enumerable, so arrays still export as plain lists.
func installListGet(vm *goja.Runtime) error {
	arr := vm.Get("Array").ToObject(vm).Get("prototype").ToObject(vm)
	get := func(call goja.FunctionCall) goja.Value {
		this := call.This.ToObject(vm)
		n := this.Get("length").ToInteger()
		f := call.Argument(0).ToFloat()
		i := int64(f)
		if float64(i) != f || i < 0 || i >= n {
			panic(vm.NewTypeError("Index " + call.Argument(0).String() + " out of bounds for length " + strconv.FormatInt(n, 10)))
		}
		return this.Get(strconv.FormatInt(i, 10))
	}
	return arr.DefineDataProperty("get", vm.ToValue(get), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}
