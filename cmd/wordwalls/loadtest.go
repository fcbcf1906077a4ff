package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wordwalls/wordwalls/loadtest"
)

func loadtestCommand() *ffcli.Command {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	var (
		api        = fs.String("api", "http://127.0.0.1:8080", "app back end base URL: tables, tokens and answers")
		ws         = fs.String("ws", "", "bridge base URL; default: ws:// on the --api host")
		secret     = fs.String("secret", "", "the back end's bearer secret, to learn each round's answers")
		secretFile = fs.String("secret-file", "", "file holding the secret, e.g. DATA-DIR/secret of `wordwalls run`")
		players    = fs.Int("players", loadtest.DefaultPlayers, "simulated players in all")
		tables     = fs.Int("tables", loadtest.DefaultTables, "tables to spread the players over")
		rate       = fs.Float64("rate", loadtest.DefaultRate, "accepted guesses per second per table")
		duration   = fs.Duration("duration", loadtest.DefaultDuration, "how long to play, from the first round's start")
		timeLimit  = fs.Int("time-limit", loadtest.DefaultTimeLimit, "a round's time limit in seconds")
		questions  = fs.Int("questions", loadtest.DefaultQuestions, "questions per round, 10-200")
		length     = fs.Int("length", loadtest.DefaultLength, "word length")
		lexicon    = fs.String("lexicon", loadtest.DefaultLexicon, "lexicon name")
		ramp       = fs.Duration("ramp", 0, "spread the connections over this long; 0: as fast as they open")
		idle       = fs.Bool("idle", false, "also read the bridge's memory with everyone connected, before play")
		origin     = fs.String("origin", "", "Origin header to send; empty: none")
		jsonOut    = fs.Bool("json", false, "print the report as one JSON object")
		quiet      = fs.Bool("quiet", false, "no progress lines on stderr")
	)
	return newCommand("loadtest", "--secret-file DATA-DIR/secret [flags]",
		"play simulated players against a running game and measure it", fs,
		func(ctx context.Context, _ []string) error {
			key, err := loadtestSecret(*secret, *secretFile)
			if err != nil {
				return err
			}
			if err := loadtest.RaiseFileLimit(); err != nil {
				fmt.Fprintln(os.Stderr, "wordwalls: warning:", err)
			}
			if limit, err := loadtest.FileLimit(); err == nil && limit > 0 && limit < uint64(*players)+64 {
				fmt.Fprintf(os.Stderr, "wordwalls: warning: %d players need about %d open files; the limit is %d\n",
					*players, *players+64, limit)
			}

			level := slog.LevelInfo
			if *quiet {
				level = slog.LevelWarn
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
			rep, err := loadtest.Run(ctx, loadtest.Config{
				API: *api, WS: *ws, Secret: key, Origin: *origin,
				Players: *players, Tables: *tables, Rate: *rate, Duration: *duration,
				TimeLimit: *timeLimit, Questions: *questions, Length: *length, Lexicon: *lexicon,
				Ramp: *ramp, Idle: *idle, Logger: log,
			})
			if err != nil {
				return err
			}
			if *jsonOut {
				err = rep.WriteJSON(os.Stdout)
			} else {
				err = rep.WriteText(os.Stdout)
			}
			if err != nil {
				return err
			}
			if len(rep.Problems) > 0 {
				return fmt.Errorf("the load test found %d problems", len(rep.Problems))
			}
			return nil
		})
}

// loadtestSecret picks the back end's secret: the file's when one is
// given, else the flag's.
func loadtestSecret(secret, file string) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read secret: %w", err)
		}
		secret = strings.TrimSpace(string(data))
	}
	if secret == "" {
		return "", usageError{"--secret or --secret-file is required: the players learn each round's answers " +
			"from the back end's POST /api/questions, which needs it"}
	}
	return secret, nil
}
