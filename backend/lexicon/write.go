package lexicon

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/wordwalls/wordwalls/schemas"
)

// WriteQuestions writes each question as one JSON object on its own line,
// with the keys alphagram, length, probability, combinations and words. A
// question without words gets an empty list rather than null.
func WriteQuestions(w io.Writer, qs []schemas.Question) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, q := range qs {
		if q.Words == nil {
			q.Words = []schemas.Word{}
		}
		if err := enc.Encode(q); err != nil {
			return fmt.Errorf("write question %s: %w", q.Alphagram, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write questions: %w", err)
	}
	return nil
}
