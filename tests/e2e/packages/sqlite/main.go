// sqlite3 without pkg-config: the header and -lsqlite3 found in the sysroot.
package main

/*
#cgo LDFLAGS: -lsqlite3
#include <sqlite3.h>
static int query(void) {
	sqlite3 *db; sqlite3_stmt *st; int v = -1;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
	if (sqlite3_prepare_v2(db, "select 6*7", -1, &st, 0) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}
*/
import "C"

import "fmt"

func main() {
	fmt.Printf("sqlite %s 6*7=%d\n", C.GoString(C.sqlite3_libversion()), int(C.query()))
}
