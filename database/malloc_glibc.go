//go:build linux && cgo

package database

/*
#ifdef __GLIBC__
#include <malloc.h>
// SQLite frees the page cache of every short-lived b-tree (the IN lists of
// CHECK constraints, RETURNING rows, statement journals) at the end of the
// statement. glibc then gives the top of the heap back to the kernel, and
// on a virtual machine each madvise costs a TLB flush on every core: a
// quarter of the writer's time. Keeping up to 32 MB free stops that.
static void keepFreedHeap(void) { mallopt(M_TRIM_THRESHOLD, 32 << 20); }
#else
static void keepFreedHeap(void) {}
#endif
*/
import "C"

func init() { C.keepFreedHeap() }
