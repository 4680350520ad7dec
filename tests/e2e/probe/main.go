// probe: a cgo program with C and C++ parts, built by the end-to-end tests
// inside a gotc environment and run under qemu-user.
package main

/*
#include <linux/version.h>
#include <stdlib.h>
static int kernel_code(void) { return LINUX_VERSION_CODE; }
const char *cxx_roundtrip(const char *s);
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

func main() {
	k := int(C.kernel_code())
	in := C.CString("gotc")
	defer C.free(unsafe.Pointer(in))
	out := C.GoString(C.cxx_roundtrip(in))
	fmt.Printf("GOARCH=%s\n", runtime.GOARCH)
	fmt.Printf("LINUX_VERSION_CODE=%d.%d.%d\n", k>>16, (k>>8)&0xff, k&0xff)
	fmt.Printf("CXX=%s\n", out)
}
