package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wordwalls/wordwalls/backend/lexicon"
	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/replay"
)

func replayCommand() *ffcli.Command {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	var (
		nf    natsFlags
		table = fs.String("table", "", "the table to replay")
		quiet = fs.Bool("quiet", false, "only report differences, not the history")
	)
	nf.register(fs)
	return newCommand("replay", "--table ID [flags]", "print a table's history and check the rules reproduce it", fs,
		func(ctx context.Context, _ []string) error {
			if !bus.ValidID(*table) {
				return usageError{"--table: give a table id (letters, digits, - and _)"}
			}
			nc, err := bus.Connect(nf.url, "wordwalls-replay")
			if err != nil {
				return err
			}
			defer nc.Close()
			js, err := jetstream.New(nc)
			if err != nil {
				return fmt.Errorf("jetstream: %w", err)
			}
			h, err := replay.Load(ctx, js, *table)
			if err != nil {
				return err
			}
			if len(h.Inputs) == 0 {
				return fmt.Errorf("table %s: no inputs in the stream", *table)
			}
			out := bufio.NewWriter(os.Stdout)
			defer out.Flush()
			if !*quiet {
				if err := replay.Print(out, h); err != nil {
					return err
				}
				fmt.Fprintln(out)
			}
			diffs, err := replay.Check(h)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d inputs, %d events, %d replies; re-run: ", len(h.Inputs), len(h.Events), len(h.Replies))
			if len(diffs) == 0 {
				fmt.Fprintln(out, "no difference")
				return nil
			}
			fmt.Fprintf(out, "%d differences\n", len(diffs))
			for _, d := range diffs {
				fmt.Fprintln(out, d)
			}
			out.Flush()
			return errors.New("replay differs from what was sent")
		})
}

func questionsCommand() *ffcli.Command {
	fs := flag.NewFlagSet("questions", flag.ContinueOnError)
	var (
		name   = fs.String("lexicon", "ENABLE", "lexicon name")
		dir    = fs.String("lexicons", "", "folder whose NAME.txt files become lexicon NAME")
		length = fs.Int("length", 7, "word length, 2-15")
		prob   = fs.String("prob", "1-100", "probability ranks, FROM-TO (or one rank)")
	)
	return newCommand("questions", "--lexicon NAME --length N --prob FROM-TO", "print alphagrams in probability order as JSON lines", fs,
		func(ctx context.Context, _ []string) error {
			from, to, err := parseRange(*prob)
			if err != nil {
				return usageError{fmt.Sprintf("--prob %q: %v", *prob, err)}
			}
			lexs, err := loadLexicons(*dir)
			if err != nil {
				return err
			}
			lex, ok := lexs[*name]
			if !ok {
				return usageError{fmt.Sprintf("--lexicon %q: no such lexicon", *name)}
			}
			qs, err := lex.Questions(*length, from, to)
			if err != nil {
				return err
			}
			out := bufio.NewWriter(os.Stdout)
			if err := lexicon.WriteQuestions(out, qs); err != nil {
				return err
			}
			return out.Flush()
		})
}

func parseRange(s string) (int, int, error) {
	a, b, found := strings.Cut(s, "-")
	from, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, errors.New("want FROM-TO, e.g. 1-100")
	}
	to := from
	if found {
		if to, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, errors.New("want FROM-TO, e.g. 1-100")
		}
	}
	if from < 1 || to < from {
		return 0, 0, errors.New("ranks start at 1 and FROM must not exceed TO")
	}
	return from, to, nil
}
