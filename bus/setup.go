package bus

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/nats-io/jsm.go"
	"github.com/nats-io/jsm.go/api"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Retention says how long the streams keep what they hold. The zero value
// keeps the defaults.
type Retention struct {
	Inputs  time.Duration // default 7 days: replay reads tables from their start
	Events  time.Duration // default 7 days: resume and replay
	Results time.Duration // default 30 days: the webhook retries until acknowledged
}

func (r Retention) withDefaults() Retention {
	if r.Inputs == 0 {
		r.Inputs = 7 * 24 * time.Hour
	}
	if r.Events == 0 {
		r.Events = 7 * 24 * time.Hour
	}
	if r.Results == 0 {
		r.Results = 30 * 24 * time.Hour
	}
	return r
}

// DuplicateWindow is how long the streams remember message ids.
const DuplicateWindow = 2 * time.Minute

func streamConfigs(r Retention, replicas int) []api.StreamConfig {
	base := func(name string, age time.Duration, subjects ...string) api.StreamConfig {
		return api.StreamConfig{
			Name:         name,
			Subjects:     subjects,
			Retention:    api.LimitsPolicy,
			Discard:      api.DiscardOld,
			Storage:      api.FileStorage,
			Replicas:     replicas,
			MaxAge:       age,
			MaxMsgs:      -1,
			MaxBytes:     -1,
			MaxMsgSize:   1 << 20,
			MaxConsumers: -1,
			MaxMsgsPer:   -1,
			Duplicates:   DuplicateWindow,
		}
	}
	input := base(InputStream, r.Inputs, inputPrefix+">", schedulePrefix+">")
	input.AllowMsgSchedules = true
	return []api.StreamConfig{
		input,
		base(EventStream, r.Events, eventPrefix+">"),
		base(ResultStream, r.Results, resultPrefix+">"),
	}
}

// Setup creates the streams and KV buckets, or brings existing ones to the
// wanted configuration. It is safe to call from every process at start-up.
func Setup(ctx context.Context, nc *nats.Conn, r Retention, replicas int) error {
	if replicas < 1 {
		replicas = 1
	}
	mgr, err := jsm.New(nc, jsm.WithTimeout(10*time.Second))
	if err != nil {
		return fmt.Errorf("jetstream manager: %w", err)
	}
	for _, cfg := range streamConfigs(r.withDefaults(), replicas) {
		if err := ensureStream(mgr, cfg); err != nil {
			return err
		}
	}

	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	buckets := []jetstream.KeyValueConfig{
		{Bucket: TableBucket, Description: "table snapshots", History: 1, Replicas: replicas, Storage: jetstream.FileStorage},
		{Bucket: WorkerBucket, Description: "rooms worker checkpoints", History: 1, Replicas: replicas, Storage: jetstream.FileStorage},
	}
	for _, b := range buckets {
		if _, err := js.CreateOrUpdateKeyValue(ctx, b); err != nil {
			return fmt.Errorf("kv bucket %s: %w", b.Bucket, err)
		}
	}
	return nil
}

func ensureStream(mgr *jsm.Manager, cfg api.StreamConfig) error {
	s, err := mgr.LoadOrNewStreamFromDefault(cfg.Name, cfg)
	if err != nil {
		return fmt.Errorf("stream %s: %w", cfg.Name, err)
	}
	have := s.Configuration()
	if have.MaxAge == cfg.MaxAge && reflect.DeepEqual(have.Subjects, cfg.Subjects) &&
		have.Duplicates == cfg.Duplicates && have.AllowMsgSchedules == cfg.AllowMsgSchedules {
		return nil
	}
	have.MaxAge, have.Subjects = cfg.MaxAge, cfg.Subjects
	have.Duplicates, have.AllowMsgSchedules = cfg.Duplicates, cfg.AllowMsgSchedules
	if err := s.UpdateConfiguration(have); err != nil {
		return fmt.Errorf("update stream %s: %w", cfg.Name, err)
	}
	return nil
}
