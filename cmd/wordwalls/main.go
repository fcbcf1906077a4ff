// Command wordwalls runs the Wordwalls multiplayer bus: all in one process
// by default, or as separate bridge, rooms and webhook processes sharing a
// NATS server, plus the operator tools replay, questions and loadtest.
//
// Every flag has an environment-variable twin: --nats-url is
// WORDWALLS_NATS_URL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := root().ParseAndRun(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "wordwalls:", err)
		os.Exit(1)
	}
}

// usageError is an error in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func root() *ffcli.Command {
	return &ffcli.Command{
		ShortUsage: "wordwalls <subcommand> [flags]",
		LongHelp:   "Every flag can also be set by an environment variable: --nats-url is WORDWALLS_NATS_URL.",
		Subcommands: []*ffcli.Command{
			runCommand(),
			bridgeCommand(),
			roomsCommand(),
			webhookCommand(),
			replayCommand(),
			questionsCommand(),
			loadtestCommand(),
		},
		Exec: func(context.Context, []string) error { return flag.ErrHelp },
	}
}

// newCommand builds a subcommand whose flags read WORDWALLS_* variables.
func newCommand(name, usage, help string, fs *flag.FlagSet, exec func(context.Context, []string) error) *ffcli.Command {
	return &ffcli.Command{
		Name:       name,
		ShortUsage: "wordwalls " + name + " " + usage,
		ShortHelp:  help,
		FlagSet:    fs,
		Options:    []ff.Option{ff.WithEnvVarPrefix("WORDWALLS")},
		Exec:       exec,
	}
}

// logFlags adds the logging flags every long-running subcommand shares.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&l.format, "log-format", "text", "text or json")
}

func (l *logFlags) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", l.level)}
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch strings.ToLower(l.format) {
	case "text":
		h = slog.NewTextHandler(os.Stderr, opts)
	case "json":
		h = slog.NewJSONHandler(os.Stderr, opts)
	default:
		return nil, usageError{fmt.Sprintf("--log-format %q: want text or json", l.format)}
	}
	log := slog.New(h)
	slog.SetDefault(log)
	return log, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
