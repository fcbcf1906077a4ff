package rooms

// Snapshot is a saved table with the sequence of the last input applied to
// it in the input stream; a worker that loads it applies only later inputs.
type Snapshot struct {
	InputSeq uint64 `json:"input_seq"`
	Table    *Table `json:"table"`
}
