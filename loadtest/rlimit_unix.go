//go:build unix

package loadtest

import (
	"errors"
	"fmt"
	"syscall"
)

// RaiseFileLimit raises the soft limit on open files to the hard limit:
// every WebSocket is a file, and thousands of them exceed the usual soft
// limit of 1024. Go has done this by itself at start-up since 1.19 when the
// os package is linked in; calling it as well states the need and reports
// a failure.
func RaiseFileLimit() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("read open-file limit: %w", err)
	}
	if lim.Cur >= lim.Max {
		return nil
	}
	want := lim
	want.Cur = lim.Max
	err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want)
	if errors.Is(err, syscall.EINVAL) && lim.Cur < darwinOpenMax {
		// macOS refuses an unlimited soft limit; its per-process
		// ceiling is OPEN_MAX.
		want.Cur = darwinOpenMax
		err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want)
	}
	if err != nil {
		return fmt.Errorf("raise open-file limit from %d to %d: %w", lim.Cur, lim.Max, err)
	}
	return nil
}

const darwinOpenMax = 10240

// FileLimit is the soft limit on open files.
func FileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read open-file limit: %w", err)
	}
	return uint64(lim.Cur), nil
}
