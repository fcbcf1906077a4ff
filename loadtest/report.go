package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wordwalls/wordwalls/rooms"
)

// Report is what a load test measured. Its JSON form is one object with
// durations in milliseconds (_ms) or seconds (_s) and memory in bytes.
type Report struct {
	Config ConfigSummary `json:"config"`

	Tables  int     `json:"tables"` // tables created
	Rounds  int64   `json:"rounds"` // rounds started
	Elapsed Seconds `json:"elapsed_s"`

	Connections Connections `json:"connections"`
	Guesses     Guesses     `json:"guesses"`

	// TargetAccepted is the rate asked for: per table times tables.
	TargetAccepted float64 `json:"target_accepted_per_s"`
	// Accepted counts solved events for this run's guesses while measuring.
	Accepted Rate `json:"accepted"`
	// Deliveries counts table events received by all clients while
	// measuring.
	Deliveries Rate `json:"deliveries"`

	// Latency runs from sending a right guess to each other player at the
	// table receiving its solved event.
	Latency Latency `json:"latency"`
	// AckLatency runs from sending a right guess to its ack.
	AckLatency Latency `json:"ack_latency"`
	// SendLag is how late guesses went out against their schedule: large
	// values mean the load generator itself could not keep up.
	SendLag Latency `json:"send_lag"`
	// GeneratorCPU is the CPU the load test itself used while measuring,
	// in cores.
	GeneratorCPU float64 `json:"generator_cpu_cores"`

	Events Events `json:"events"`
	Memory Memory `json:"memory"`

	// Problems are faults the run found; a clean run has none.
	Problems []string `json:"problems"`
	// Notes are observations that are not faults of the game.
	Notes []string `json:"notes"`
}

// ConfigSummary is the configuration a report was made with.
type ConfigSummary struct {
	API       string  `json:"api"`
	WS        string  `json:"ws"`
	Players   int     `json:"players"`
	Tables    int     `json:"tables"`
	Rate      float64 `json:"rate_per_table"`
	Duration  Seconds `json:"duration_s"`
	TimeLimit int     `json:"time_limit_s"`
	Questions int     `json:"questions"`
	Length    int     `json:"length"`
	Lexicon   string  `json:"lexicon"`
	Ramp      Seconds `json:"ramp_s"`
}

func summarize(c Config) ConfigSummary {
	return ConfigSummary{
		API: c.API, WS: c.WS, Players: c.Players, Tables: c.Tables, Rate: c.Rate,
		Duration: Seconds(c.Duration), TimeLimit: c.TimeLimit, Questions: c.Questions,
		Length: c.Length, Lexicon: c.Lexicon, Ramp: Seconds(c.Ramp),
	}
}

// Connections counts the WebSockets.
type Connections struct {
	Attempted   int `json:"attempted"`
	Established int `json:"established"` // caught up with their table
	Failed      int `json:"failed"`
	// Dropped were closed by the server or the network before the end.
	Dropped    int            `json:"dropped"`
	CloseCodes map[string]int `json:"close_codes,omitempty"` // of the dropped ones; 0 when there was no close frame
	Connect    Latency        `json:"connect"`               // dial to the first snapshot or table event
}

// Guesses counts what the players sent and what came back besides solved
// events.
type Guesses struct {
	Right      int64          `json:"right"`
	Wrong      int64          `json:"wrong"`
	SendErrors int64          `json:"send_errors"`
	Skipped    int64          `json:"skipped"`           // dropped because the generator fell behind
	Replies    map[string]int `json:"replies,omitempty"` // rules' refusals by code
	Refused    map[string]int `json:"refused,omitempty"` // bridge's errors by code
}

// Rate is a count over the measured time.
type Rate struct {
	Count     int64   `json:"count"`
	PerSecond float64 `json:"per_s"`
}

func rate(n int64, d time.Duration) Rate {
	r := Rate{Count: n}
	if d > 0 {
		r.PerSecond = round(float64(n)/d.Seconds(), 1)
	}
	return r
}

// Latency summarizes a histogram, in milliseconds.
type Latency struct {
	Count uint64  `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
}

func summary(h *Histogram) Latency {
	return Latency{
		Count: h.Count(),
		P50:   ms(h.Quantile(0.50)),
		P90:   ms(h.Quantile(0.90)),
		P99:   ms(h.Quantile(0.99)),
		Max:   ms(h.Max()),
		Mean:  ms(h.Mean()),
	}
}

// Events checks that every client saw every table event once.
type Events struct {
	Lost       int `json:"lost"`       // a client's sequence jumped
	Duplicated int `json:"duplicated"` // a client saw a sequence twice
	// ClientsAtLast reached their table's last event after the settle;
	// ClientsBehind did not, missing EventsBehind events between them.
	ClientsAtLast int    `json:"clients_at_last"`
	ClientsBehind int    `json:"clients_behind"`
	EventsBehind  uint64 `json:"events_behind"`
	// TablesUnconfirmed never echoed the host's closing chat line, so
	// their last event is only the newest any client saw.
	TablesUnconfirmed int `json:"tables_unconfirmed"`
	// Stray solved events matched no guess of this run.
	Stray int64 `json:"stray_solved"`
}

// Memory is the bridge's resident memory from its /healthz.
type Memory struct {
	Before            int64 `json:"rss_before_bytes"`
	Idle              int64 `json:"rss_idle_bytes,omitempty"`
	End               int64 `json:"rss_end_bytes"`
	IdlePerConnection int64 `json:"idle_bytes_per_connection,omitempty"`
	EndPerConnection  int64 `json:"end_bytes_per_connection"`
	ConnectionsBefore int   `json:"connections_before"`
	ConnectionsIdle   int   `json:"connections_idle,omitempty"`
	ConnectionsEnd    int   `json:"connections_end"`
}

func (m *Memory) perConnection(conns int) {
	if conns == 0 || m.Before == 0 {
		return
	}
	if m.Idle > 0 {
		m.IdlePerConnection = (m.Idle - m.Before) / int64(conns)
	}
	if m.End > 0 {
		m.EndPerConnection = (m.End - m.Before) / int64(conns)
	}
}

// Seconds is a duration that reads as seconds in JSON.
type Seconds time.Duration

func (s Seconds) MarshalJSON() ([]byte, error) {
	return json.Marshal(round(time.Duration(s).Seconds(), 3))
}

func (s Seconds) String() string {
	return time.Duration(s).Round(10 * time.Millisecond).String()
}

func ms(d time.Duration) float64 {
	return round(float64(d)/float64(time.Millisecond), 3)
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// judge turns the counters into problems and notes.
func (rep *Report) judge(problems map[string]int) {
	var ps []string
	for msg, n := range problems {
		ps = append(ps, times(msg, n))
	}
	add := func(n int64, format string, args ...any) {
		if n > 0 {
			ps = append(ps, fmt.Sprintf(format, args...))
		}
	}
	c, e, g := rep.Connections, rep.Events, rep.Guesses
	add(int64(c.Dropped), "%d connections dropped (close codes %v)", c.Dropped, c.CloseCodes)
	add(int64(e.Lost), "%d events lost (a client's sequence jumped)", e.Lost)
	add(int64(e.Duplicated), "%d events duplicated", e.Duplicated)
	add(int64(e.ClientsBehind), "%d clients behind their table's last event at the end, by %d events in all",
		e.ClientsBehind, e.EventsBehind)
	add(g.SendErrors, "%d guesses could not be sent", g.SendErrors)
	for code, n := range g.Refused {
		ps = append(ps, times("bridge refused commands: "+code, n))
	}
	for code, n := range g.Replies {
		switch code {
		case rooms.CodeWrong, rooms.CodeNotRunning, rooms.CodeTooLate:
		default:
			ps = append(ps, times("the rules refused commands: "+code, n))
		}
	}
	if rep.Rounds > 0 && rep.Accepted.Count == 0 {
		ps = append(ps, "no guess was accepted")
	}
	slices.Sort(ps)
	rep.Problems = ps

	if rep.TargetAccepted > 0 && rep.Accepted.PerSecond < 0.9*rep.TargetAccepted {
		rep.Notes = append(rep.Notes, fmt.Sprintf("accepted %.1f/s, below the %.1f/s asked for",
			rep.Accepted.PerSecond, rep.TargetAccepted))
	}
	if g.Skipped > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the load generator fell behind and skipped %d guesses", g.Skipped))
	}
	if e.Stray > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d solved events matched no guess of this run", e.Stray))
	}
	if n := g.Replies[rooms.CodeNotRunning] + g.Replies[rooms.CodeTooLate]; n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d guesses arrived between rounds", n))
	}
	slices.Sort(rep.Notes)
	if rep.Problems == nil {
		rep.Problems = []string{}
	}
	if rep.Notes == nil {
		rep.Notes = []string{}
	}
}

func times(msg string, n int) string {
	if n == 1 {
		return msg
	}
	return fmt.Sprintf("%s (%d times)", msg, n)
}

// WriteJSON writes the report as one JSON object on one line.
func (rep *Report) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(rep)
}

// WriteText writes the report for people.
func (rep *Report) WriteText(w io.Writer) error {
	c := rep.Config
	fmt.Fprintf(w, "wordwalls load test: %d players at %d tables, %s of play at %g accepted guesses/s a table\n",
		c.Players, c.Tables, c.Duration, c.Rate)
	fmt.Fprintf(w, "back end %s, bridge %s; %s %d-letter words, %d questions a round\n\n",
		c.API, c.WS, c.Lexicon, c.Length, c.Questions)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	cn := rep.Connections
	fmt.Fprintf(tw, "connections\t%d established, %d failed, %d dropped; connect p50 %s p99 %s max %s\n",
		cn.Established, cn.Failed, cn.Dropped, msText(cn.Connect.P50), msText(cn.Connect.P99), msText(cn.Connect.Max))
	fmt.Fprintf(tw, "play\t%d tables, %d rounds started, measured over %s\n", rep.Tables, rep.Rounds, rep.Elapsed)
	g := rep.Guesses
	fmt.Fprintf(tw, "guesses sent\t%d right, %d wrong%s\n", g.Right, g.Wrong, extras(g))
	fmt.Fprintf(tw, "accepted\t%d = %.1f/s (asked for %.1f/s)\n",
		rep.Accepted.Count, rep.Accepted.PerSecond, rep.TargetAccepted)
	fmt.Fprintf(tw, "deliveries\t%d table events to clients = %.1f/s\n", rep.Deliveries.Count, rep.Deliveries.PerSecond)
	fmt.Fprintf(tw, "latency\t%s  (guess sent → solved at each other player)\n", latencyText(rep.Latency))
	fmt.Fprintf(tw, "ack\t%s  (guess sent → its ack)\n", latencyText(rep.AckLatency))
	fmt.Fprintf(tw, "send lag\t%s  (generator behind its schedule)\n", latencyText(rep.SendLag))
	fmt.Fprintf(tw, "generator\t%.2f CPU cores while measuring\n", rep.GeneratorCPU)
	e := rep.Events
	fmt.Fprintf(tw, "events\t%d lost, %d duplicated; %d clients at their table's last event, %d behind\n",
		e.Lost, e.Duplicated, e.ClientsAtLast, e.ClientsBehind)
	fmt.Fprintf(tw, "bridge memory\t%s\n", memoryText(rep.Memory))
	tw.Flush()

	fmt.Fprintln(w)
	writeList(w, "problems", rep.Problems)
	writeList(w, "notes", rep.Notes)
	return nil
}

func extras(g Guesses) string {
	var parts []string
	if g.SendErrors > 0 {
		parts = append(parts, fmt.Sprintf("%d send errors", g.SendErrors))
	}
	if g.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", g.Skipped))
	}
	if len(g.Replies) > 0 {
		parts = append(parts, "replies "+mapText(g.Replies))
	}
	if len(g.Refused) > 0 {
		parts = append(parts, "refused "+mapText(g.Refused))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}

func mapText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func latencyText(l Latency) string {
	if l.Count == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s  (n=%d)",
		msText(l.P50), msText(l.P90), msText(l.P99), msText(l.Max), l.Count)
}

func msText(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	case v >= 10:
		return fmt.Sprintf("%.1fms", v)
	default:
		return fmt.Sprintf("%.2fms", v)
	}
}

func memoryText(m Memory) string {
	if m.Before == 0 {
		return "unknown (the bridge reports no RSS)"
	}
	s := fmt.Sprintf("RSS %s before connecting", mib(m.Before))
	if m.Idle > 0 {
		s += fmt.Sprintf(", %s idle (%s a connection)", mib(m.Idle), kib(m.IdlePerConnection))
	}
	if m.End > 0 {
		s += fmt.Sprintf(", %s at the end (%s a connection)", mib(m.End), kib(m.EndPerConnection))
	}
	return s
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
func kib(b int64) string { return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10)) }

func writeList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		fmt.Fprintf(w, "%s: none\n", title)
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	for _, it := range items {
		fmt.Fprintf(w, "  - %s\n", it)
	}
}
