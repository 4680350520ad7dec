// probe-c: the C-only cgo probe (targets without a C++ library).
package main

/*
#include <linux/version.h>
#include <string.h>
static int kernel_code(void) { return LINUX_VERSION_CODE; }
static size_t c_strlen(const char *s) { return strlen(s); }
*/
import "C"

import (
	"fmt"
	"runtime"
)

func main() {
	k := int(C.kernel_code())
	fmt.Printf("GOARCH=%s\n", runtime.GOARCH)
	fmt.Printf("LINUX_VERSION_CODE=%d.%d.%d\n", k>>16, (k>>8)&0xff, k&0xff)
	fmt.Printf("C=%d\n", int(C.c_strlen(C.CString("gotc"))))
}
