package go122

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
)

func TestClosures(t *testing.T) {
	got := Closures()
	fmt.Printf("closures: %s\n", got)
	if got != "0 1 2" {
		t.Fatalf("loop variable closures = %q, want \"0 1 2\" (Go 1.22 semantics)", got)
	}
}

func TestTwiceThreads(t *testing.T) {
	// cgo calls from several threads at once: a host libc mapped next to
	// the sysroot's loader aborts here ("stack smashing detected").
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := fmt.Sprint(Twice(3)); got != "[0 2 4]" {
				t.Errorf("goroutine %d: Twice(3) = %s", g, got)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("cgo: %v on %s/%s, LD_LIBRARY_PATH=%s\n", Twice(3), runtime.GOOS, runtime.GOARCH,
		os.Getenv("LD_LIBRARY_PATH"))
}
