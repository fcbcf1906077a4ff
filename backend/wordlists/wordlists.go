// Package wordlists holds the word lists that ship inside the binary. Only
// public-domain lists belong here; players bring tournament lists as files.
package wordlists

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
)

// ENABLEName is the lexicon name under which the built-in ENABLE list is
// offered.
const ENABLEName = "ENABLE"

//go:embed ENABLE.txt.gz
var enableGz []byte

// ENABLE returns the ENABLE word list, uncompressed: lowercase words, one per
// line, LF endings. The caller closes it.
func ENABLE() (io.ReadCloser, error) {
	zr, err := gzip.NewReader(bytes.NewReader(enableGz))
	if err != nil {
		return nil, fmt.Errorf("open ENABLE: %w", err)
	}
	return zr, nil
}
