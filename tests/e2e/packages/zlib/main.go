// zlib through pkg-config: compress and uncompress with the sysroot's libz.
package main

/*
#cgo pkg-config: zlib
#include <string.h>
#include <zlib.h>
static int roundtrip(void) {
	const char *in = "gotc gotc gotc gotc";
	unsigned char z[128], out[128];
	uLongf zl = sizeof(z), ol = sizeof(out);
	if (compress(z, &zl, (const Bytef *)in, strlen(in)) != Z_OK) return -1;
	if (uncompress(out, &ol, z, zl) != Z_OK) return -2;
	return ol == strlen(in) && !memcmp(out, in, ol) ? (int)ol : -3;
}
*/
import "C"

import "fmt"

func main() {
	fmt.Printf("zlib %s roundtrip=%d\n", C.GoString(C.zlibVersion()), int(C.roundtrip()))
}
