// libcrypto through pkg-config: EVP sha256 of "abc".
package main

/*
#cgo pkg-config: libcrypto
#include <openssl/evp.h>
static int sha(unsigned char *md) {
	unsigned int n = 0;
	return EVP_Digest("abc", 3, md, &n, EVP_sha256(), NULL) == 1 ? (int)n : -1;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	var md [64]byte
	n := int(C.sha((*C.uchar)(unsafe.Pointer(&md[0]))))
	fmt.Printf("sha256=%x\n", md[:n])
}
