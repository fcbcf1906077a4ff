//go:build !unix

package loadtest

// RaiseFileLimit does nothing where there is no RLIMIT_NOFILE.
func RaiseFileLimit() error { return nil }

// FileLimit is 0 where there is no RLIMIT_NOFILE: unknown.
func FileLimit() (uint64, error) { return 0, nil }
