package wordlists

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
)

// enableSHA256 is the checksum of the original enable1.txt; the embedded copy
// must decompress to exactly those bytes.
const enableSHA256 = "3f16130220645692ed49c7134e24a18504c2ca55b3c012f7290e3e77c63b1a89"

func TestENABLE(t *testing.T) {
	t.Run("checksum", func(t *testing.T) {
		rc, err := ENABLE()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()

		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != enableSHA256 {
			t.Errorf("sha256 = %s, want %s", got, enableSHA256)
		}
	})

	t.Run("word_count", func(t *testing.T) {
		rc, err := ENABLE()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()

		n := 0
		sc := bufio.NewScanner(rc)
		for sc.Scan() {
			n++
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if n != 172823 {
			t.Errorf("got %d lines, want 172823", n)
		}
	})
}
