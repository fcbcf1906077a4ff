//go:build !unix

package loadtest

import "time"

// cpuTime is 0 where getrusage is missing: unknown.
func cpuTime() time.Duration { return 0 }
