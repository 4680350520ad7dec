// static-lm: libm linked statically (-lm through the sysroot's libm.a linker script).
package main

/*
#cgo LDFLAGS: -lm
#include <math.h>
static double f(double x) { return sqrt(x) + cos(x); }
*/
import "C"

import "fmt"

func main() {
	fmt.Printf("libm=%.6f\n", float64(C.f(C.double(3.0))))
}
