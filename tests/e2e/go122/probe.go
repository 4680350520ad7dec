// go122: a cgo package that needs Go 1.22 semantics, tested with `go test`
// through the target's go_linux_GOARCH_exec (tests/e2e/targets.sh).
package go122

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

import (
	"fmt"
	"strings"
)

// Closures returns what closures made in a three-clause loop capture: with
// Go 1.22's per-iteration loop variables "0 1 2", before it "3 3 3".
func Closures() string {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprint(f()))
	}
	return strings.Join(out, " ")
}

// Twice ranges over an int (Go 1.22) and calls C for each value.
func Twice(n int) []int {
	var out []int
	for i := range n {
		out = append(out, int(C.twice(C.int(i))))
	}
	return out
}
