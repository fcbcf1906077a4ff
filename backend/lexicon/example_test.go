package lexicon_test

import (
	"fmt"
	"os"

	"github.com/wordwalls/wordwalls/backend/lexicon"
)

func Example() {
	l := lexicon.New("tiny", []string{"at", "ta", "cat", "act", "tact", "scat", "cats", "acts"})

	qs, err := l.Questions(3, 1, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lexicon.WriteQuestions(os.Stdout, qs); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"alphagram":"ACT","length":3,"probability":1,"combinations":293,"words":[{"word":"ACT","front_hooks":"T","back_hooks":"S","inner_front_hook":false,"inner_back_hook":false},{"word":"CAT","front_hooks":"S","back_hooks":"S","inner_front_hook":true,"inner_back_hook":false}]}
}

func ExampleLexicon_Question() {
	l, err := lexicon.LoadBuiltin()
	if err != nil {
		fmt.Println(err)
		return
	}

	q, ok := l.Question("retains")
	fmt.Println(ok, q.Alphagram, q.Probability, q.Combinations)
	for _, w := range q.Words {
		fmt.Printf("%s%s%s\n", w.FrontHooks, w.Word, w.BackHooks)
	}
	// Output:
	// true AEINRST 9 3006072
	// ANESTRI
	// ANTSIER
	// NASTIER
	// RATINES
	// RETAINS
	// RETINAS
	// RETSINAS
	// STAINERS
	// STEARINES
}
