// Package bus is the NATS plumbing every part shares: subject names,
// streams and KV buckets, the connection, and the embedded server that the
// one-machine default runs.
package bus

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
)

// Partitions is how many input partitions tables are spread over. A rooms
// worker owns whole partitions, so every table has exactly one writer.
const Partitions = 16

// Stream and bucket names.
const (
	InputStream  = "WW_INPUT"   // commands, presence, questions and timers
	EventStream  = "WW_EVENTS"  // table events and replies, for resume and replay
	ResultStream = "WW_RESULTS" // round-finished results
	TableBucket  = "ww_tables"  // table snapshots with the last applied input
	WorkerBucket = "ww_workers" // worker checkpoints
	// BackendBucket is where the built-in back end keeps its tables; the
	// Django back end keeps its own in its database.
	BackendBucket = "ww_backend"
)

// Headers set on bus messages.
const (
	HeaderSeq  = "Ww-Seq"  // a table event's sequence number
	HeaderConn = "Ww-Conn" // the connection a reply is for
)

// Subject prefixes.
const (
	inputPrefix    = "ww.in."
	schedulePrefix = "ww.sched."
	eventPrefix    = "ww.ev."
	resultPrefix   = "ww.results."
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidID reports whether s can name a table or a user: it becomes a
// subject token, so it is limited to letters, digits, '-' and '_'.
func ValidID(s string) bool {
	return idPattern.MatchString(s)
}

// Partition is the input partition of a table.
func Partition(table string) int {
	h := fnv.New32a()
	h.Write([]byte(table))
	return int(h.Sum32() % Partitions)
}

// InputSubject is where a table's inputs are published.
func InputSubject(table string) string {
	return inputPrefix + strconv.Itoa(Partition(table)) + "." + table
}

// InputFilter matches every input of one partition.
func InputFilter(partition int) string {
	return inputPrefix + strconv.Itoa(partition) + ".*"
}

// AllInputs matches every table's inputs.
const AllInputs = inputPrefix + ">"

// TableOfInput returns the table an input subject belongs to.
func TableOfInput(subject string) (string, error) {
	parts := strings.Split(subject, ".")
	if len(parts) != 4 || parts[0]+"."+parts[1]+"." != inputPrefix {
		return "", fmt.Errorf("not an input subject: %q", subject)
	}
	return parts[3], nil
}

// ScheduleSubject holds the schedule of one timer of one round. The server
// publishes the timer to the table's input subject when it is due, whether
// or not a worker is running.
func ScheduleSubject(table string, round int, timer string) string {
	return schedulePrefix + strconv.Itoa(Partition(table)) + "." + table + "." + strconv.Itoa(round) + "." + timer
}

// EventSubject carries a table's numbered events.
func EventSubject(table string) string {
	return eventPrefix + table + ".pub"
}

// ReplySubject carries answers to single connections at a table.
func ReplySubject(table string) string {
	return eventPrefix + table + ".dm"
}

// TableEvents matches both of a table's event subjects.
func TableEvents(table string) string {
	return eventPrefix + table + ".*"
}

// ResultSubject carries a table's round-finished results.
func ResultSubject(table string) string {
	return resultPrefix + table
}

// AllResults matches every table's results.
const AllResults = resultPrefix + "*"

// InputMsgID is the de-duplication id of a client command.
func InputMsgID(table, user, command string) string {
	return table + ":c:" + user + ":" + command
}

// EventMsgID is the de-duplication id of a table event: a worker that
// re-applies inputs after a restart publishes the same events again and the
// stream keeps one of each.
func EventMsgID(table string, seq uint64) string {
	return table + ":e:" + strconv.FormatUint(seq, 10)
}
