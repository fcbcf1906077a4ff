// Package webhook hands round results to the app back end: a durable
// JetStream consumer reads the result stream and POSTs each result until
// the back end accepts it, backing off while it does not.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wordwalls/wordwalls/bus"
	"github.com/wordwalls/wordwalls/schemas"
)

// Config configures Run. Zero values say what they default to.
type Config struct {
	Conn   *nats.Conn // required
	URL    string     // required: where results are POSTed, e.g. http://127.0.0.1:8080/api/results
	Secret []byte     // required: sent as the bearer token
	// Durable names the consumer, so a restarted Run carries on where the
	// last one stopped; default "webhook".
	Durable string
	Logger  *slog.Logger

	// A refused result is offered again after MinBackoff, doubling with
	// each attempt up to MaxBackoff; defaults 500 ms and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// Timeout bounds one POST; default 10 s.
	Timeout time.Duration
}

// DefaultDurable is the consumer name when Config.Durable is empty.
const DefaultDurable = "webhook"

// logEvery is how often at most a table's failed deliveries are logged.
const logEvery = 5 * time.Second

// Log keys.
const (
	logConsumer = "consumer"
	logTable    = "table"
	logRound    = "round"
	logSubject  = "subject"
	logAttempt  = "attempt"
	logRetryIn  = "retry_in"
	logSkipped  = "skipped"
	logErr      = "err"
)

func (c *Config) check() error {
	switch {
	case c.Conn == nil:
		return errors.New("webhook needs a nats connection")
	case c.URL == "":
		return errors.New("webhook needs the back end's results URL")
	case len(c.Secret) == 0:
		return errors.New("webhook needs the back end's bearer secret")
	}
	if c.Durable == "" {
		c.Durable = DefaultDurable
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	c.MaxBackoff = max(c.MaxBackoff, c.MinBackoff)
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	return nil
}

// deliverer posts results one at a time; it lives in Run's goroutine.
type deliverer struct {
	cfg    Config
	log    *slog.Logger
	js     jetstream.JetStream
	client *http.Client
	quiet  *logLimiter
}

// Run delivers results until ctx ends. bus.Setup must have run. It returns
// an error when it cannot start or the NATS connection is closed; other
// trouble is logged and retried.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	d := &deliverer{
		cfg:    cfg,
		log:    cfg.Logger.With(slog.String(logConsumer, cfg.Durable)),
		js:     js,
		client: &http.Client{},
		quiet:  newLogLimiter(logEvery, time.Now),
	}

	cons, err := d.consumer(ctx)
	if err != nil {
		return err
	}
	for {
		err := d.deliver(ctx, cons)
		if ctx.Err() != nil {
			return nil
		}
		if cfg.Conn.IsClosed() {
			return fmt.Errorf("webhook: %w", err)
		}
		d.warnConsumer("result consumer stopped; starting it again", err)
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			if cons, err = d.consumer(ctx); err == nil {
				break
			}
			d.warnConsumer("result consumer", err)
		}
	}
}

// warnConsumer logs trouble with the consumer itself, which lasts as long
// as an outage does: at most once per logEvery.
func (d *deliverer) warnConsumer(msg string, err error) {
	if ok, skipped := d.quiet.allow(""); ok {
		d.log.Warn(msg, slog.Int(logSkipped, skipped), slog.Any(logErr, err))
	}
}

// consumer creates the durable consumer, or brings it to this
// configuration.
func (d *deliverer) consumer(ctx context.Context) (jetstream.Consumer, error) {
	cons, err := d.js.CreateOrUpdateConsumer(ctx, bus.ResultStream, jetstream.ConsumerConfig{
		Durable:       d.cfg.Durable,
		Description:   "delivers round results to the app back end",
		FilterSubject: bus.AllResults,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		// Results are pulled one at a time, so each is settled within one
		// POST of its delivery.
		AckWait:    d.cfg.Timeout + 10*time.Second,
		MaxDeliver: -1,
	})
	if err != nil {
		return nil, fmt.Errorf("create consumer %s on %s: %w", d.cfg.Durable, bus.ResultStream, err)
	}
	return cons, nil
}

// deliver handles results one at a time until ctx ends or the consumer
// fails. Each result is pulled alone, so none waits in a buffer while its
// ack timer runs, and none is left with a pull that outlives Run.
func (d *deliverer) deliver(ctx context.Context, cons jetstream.Consumer) error {
	for {
		msg, err := cons.Next(jetstream.FetchContext(ctx))
		switch {
		case err == nil:
			d.handle(ctx, msg)
		case errors.Is(err, nats.ErrTimeout):
			// No result came before the pull expired.
		default:
			return err
		}
	}
}

// handle delivers one result and settles the message: acknowledged once
// the back end took it, terminated if it is no result at all, offered again
// later otherwise.
func (d *deliverer) handle(ctx context.Context, msg jetstream.Msg) {
	var res schemas.RoundResult
	err := schemas.Validate("round_result", msg.Data())
	if err == nil {
		err = json.Unmarshal(msg.Data(), &res)
	}
	if err != nil {
		if ok, skipped := d.quiet.allow(msg.Subject()); ok {
			d.log.Error("not a round result; dropping it", slog.String(logSubject, msg.Subject()),
				slog.Int(logSkipped, skipped), slog.Any(logErr, err))
		}
		if err := msg.Term(); err != nil {
			d.log.Warn("terminate message", slog.String(logSubject, msg.Subject()), slog.Any(logErr, err))
		}
		return
	}

	attempt := uint64(1)
	if meta, err := msg.Metadata(); err == nil {
		attempt = meta.NumDelivered
	}
	err = d.post(ctx, msg.Data(), res.Table+":"+strconv.Itoa(res.Round))
	if err == nil {
		// Wait for the server to confirm, so that a restart does not
		// post it again; the POST happened, so the ack outlives ctx.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := msg.DoubleAck(actx); err != nil {
			d.log.Warn("acknowledge result", slog.String(logTable, res.Table), slog.Int(logRound, res.Round),
				slog.Any(logErr, err))
		}
		d.log.Debug("result delivered", slog.String(logTable, res.Table), slog.Int(logRound, res.Round),
			slog.Uint64(logAttempt, attempt))
		return
	}

	if ctx.Err() != nil {
		// Shutting down: let the next run have it without waiting.
		msg.Nak()
		return
	}
	delay := backoff(d.cfg.MinBackoff, d.cfg.MaxBackoff, attempt)
	if err := msg.NakWithDelay(delay); err != nil {
		d.log.Warn("nak result", slog.String(logTable, res.Table), slog.Any(logErr, err))
	}
	if ok, skipped := d.quiet.allow(res.Table); ok {
		d.log.Warn("result not delivered; will retry", slog.String(logTable, res.Table), slog.Int(logRound, res.Round),
			slog.Uint64(logAttempt, attempt), slog.Duration(logRetryIn, delay), slog.Int(logSkipped, skipped),
			slog.Any(logErr, err))
	}
}

// post sends one result; any answer but 2xx is an error.
func (d *deliverer) post(ctx context.Context, body []byte, key string) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(d.cfg.Secret))
	req.Header.Set("Idempotency-Key", key)

	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("back end answered %s: %s", resp.Status, strings.TrimSpace(string(text)))
	}
	return nil
}

// backoff is the wait before the attempt after attempt: lo doubled for
// each attempt after the first, at most hi.
func backoff(lo, hi time.Duration, attempt uint64) time.Duration {
	d := lo
	for i := uint64(1); i < attempt && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// logLimiter lets one message per key through each period and counts the
// ones it holds back.
type logLimiter struct {
	every   time.Duration
	now     func() time.Time
	last    map[string]time.Time
	skipped map[string]int
}

func newLogLimiter(every time.Duration, now func() time.Time) *logLimiter {
	return &logLimiter{
		every:   every,
		now:     now,
		last:    make(map[string]time.Time),
		skipped: make(map[string]int),
	}
}

// allow reports whether to log for key now and how many were held back
// since the last one.
func (l *logLimiter) allow(key string) (bool, int) {
	now := l.now()
	if last, ok := l.last[key]; ok && now.Sub(last) < l.every {
		l.skipped[key]++
		return false, 0
	}
	if len(l.last) >= 1024 {
		for k, t := range l.last {
			if now.Sub(t) >= l.every {
				delete(l.last, k)
				delete(l.skipped, k)
			}
		}
	}
	skipped := l.skipped[key]
	delete(l.skipped, key)
	l.last[key] = now
	return true, skipped
}
