// Package schemas describes every message that crosses a process boundary:
// the JSON Schema documents embedded from this folder and the Go types that
// match them.
package schemas

// Roles a join token can carry.
const (
	RoleHost      = "host"      // the table's creator; becomes host on joining
	RolePlayer    = "player"    // races for words
	RoleSpectator = "spectator" // watches and chats
)

// Command types a client sends over its WebSocket.
const (
	CmdGuess    = "guess"
	CmdStart    = "start"
	CmdGiveUp   = "give_up"
	CmdChat     = "chat"
	CmdSettings = "settings"
)

// Command is one message from a client. Every command carries an id, unique
// per connection's user, that the bridge acknowledges once the command is
// durable; a resend with the same id takes effect once.
type Command struct {
	Type     string    `json:"type"`
	ID       string    `json:"id"`
	Word     string    `json:"word,omitempty"`     // guess
	Text     string    `json:"text,omitempty"`     // chat
	Settings *Settings `json:"settings,omitempty"` // settings
}

// Settings are the table settings the host can change between rounds.
type Settings struct {
	QuestionsPerRound int  `json:"questions_per_round"`
	TimeLimit         int  `json:"time_limit"` // seconds
	Public            bool `json:"public"`
}

// TableInfo describes what a table studies; the app back end fixes it when
// the table is created.
type TableInfo struct {
	Name    string `json:"name,omitempty"`
	Lexicon string `json:"lexicon"`
	Length  int    `json:"length"`
	ProbMin int    `json:"prob_min"`
	ProbMax int    `json:"prob_max"`
}

// Player is a user at the table as every client sees them.
type Player struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Present  bool   `json:"present"`
	Score    int    `json:"score"`
	LastWord string `json:"last_word,omitempty"`
}

// Tile is one alphagram on the wall with its number of answers; the answers
// themselves stay on the server until solved or the round ends.
type Tile struct {
	Index     int    `json:"index"`
	Alphagram string `json:"alphagram"`
	Answers   int    `json:"answers"`
}

// Solve is one word found during a round.
type Solve struct {
	Index  int    `json:"index"`
	Word   string `json:"word"`
	UserID string `json:"user_id"`
	AtMS   int64  `json:"at_ms"` // milliseconds into the round
}

// Answer reveals one alphagram's words once a round is over.
type Answer struct {
	Index       int     `json:"index"`
	Alphagram   string  `json:"alphagram"`
	Probability int     `json:"probability"`
	Words       []Word  `json:"words"`
	Solves      []Solve `json:"solves"`
}

// Score is one player's total at the end of a round.
type Score struct {
	UserID string `json:"user_id"`
	Score  int    `json:"score"`
}

// Event types the server sends. Those with a sequence number are table
// events, kept and replayed on resume; the others answer one connection.
const (
	EvOpened       = "opened"        // seq: the table exists, with its info and settings
	EvJoined       = "joined"        // seq: a player arrived or changed presence
	EvLeft         = "left"          // seq: a player's last connection closed
	EvHost         = "host"          // seq: the host changed
	EvSettings     = "settings"      // seq: the host changed the settings
	EvCountdown    = "countdown"     // seq: a round starts at starts_at
	EvRoundStarted = "round_started" // seq: the wall and the deadline
	EvSolved       = "solved"        // seq: a word was found
	EvRoundOver    = "round_over"    // seq: all answers, who found them, scores
	EvChat         = "chat"          // seq: a chat line
	EvCancelled    = "cancelled"     // seq: a starting round could not get questions

	EvWelcome  = "welcome"  // no seq: first message on a connection
	EvSnapshot = "snapshot" // no seq field of its own: whole table view at seq
	EvAck      = "ack"      // no seq: a command is durable
	EvReply    = "reply"    // no seq: a command was refused by the rules
	EvError    = "error"    // no seq: a command was refused by the bridge
)

// Event is one message from the server. Which fields are set depends on
// Type; schemas/event.json says which for each.
type Event struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq,omitempty"`
	TS   int64  `json:"ts,omitempty"` // server time, ms since the Unix epoch

	Re      string `json:"re,omitempty"`      // the command id answered
	Code    string `json:"code,omitempty"`    // reply, error
	Message string `json:"message,omitempty"` // reply, error

	Info     *TableInfo `json:"info,omitempty"`     // opened
	Settings *Settings  `json:"settings,omitempty"` // opened, settings
	Player   *Player    `json:"player,omitempty"`   // joined
	UserID   string     `json:"user_id,omitempty"`  // left, host, chat

	Round    int      `json:"round,omitempty"`     // countdown, round_started, solved, round_over, cancelled
	StartsAt int64    `json:"starts_at,omitempty"` // countdown
	Deadline int64    `json:"deadline,omitempty"`  // round_started
	Wall     []Tile   `json:"wall,omitempty"`      // round_started
	Solve    *Solve   `json:"solve,omitempty"`     // solved
	Reason   string   `json:"reason,omitempty"`    // round_over, cancelled
	Answers  []Answer `json:"answers,omitempty"`   // round_over
	Scores   []Score  `json:"scores,omitempty"`    // solved, round_over
	Text     string   `json:"text,omitempty"`      // chat

	Table *TableView `json:"table,omitempty"` // snapshot
	Me    *Player    `json:"me,omitempty"`    // welcome
}

// Phases of a table.
const (
	PhaseIdle      = "idle"
	PhaseCountdown = "countdown"
	PhaseRunning   = "running"
)

// TableView is everything a client may know about a table at one sequence
// number: the state that applying every event up to Seq produces.
type TableView struct {
	ID       string    `json:"id"`
	Seq      uint64    `json:"seq"`
	Info     TableInfo `json:"info"`
	Settings Settings  `json:"settings"`
	Host     string    `json:"host,omitempty"`
	Players  []Player  `json:"players"`
	Phase    string    `json:"phase"`
	Round    int       `json:"round"`
	StartsAt int64     `json:"starts_at,omitempty"`
	Deadline int64     `json:"deadline,omitempty"`
	Wall     []Tile    `json:"wall"`
	Solves   []Solve   `json:"solves"`
	Answers  []Answer  `json:"answers,omitempty"` // the last finished round's
	Reason   string    `json:"reason,omitempty"`  // why the last finished round ended
	Chat     []Event   `json:"chat,omitempty"`    // the most recent chat events
}

// Word is one valid answer with its hooks, uppercase.
type Word struct {
	Word           string `json:"word"`
	FrontHooks     string `json:"front_hooks"`
	BackHooks      string `json:"back_hooks"`
	InnerFrontHook bool   `json:"inner_front_hook"`
	InnerBackHook  bool   `json:"inner_back_hook"`
}

// Question is one alphagram with its answers, as the app back end returns it
// and as `wordwalls questions` prints it.
type Question struct {
	Alphagram    string `json:"alphagram"`
	Length       int    `json:"length"`
	Probability  int    `json:"probability"`  // rank within its length, 1 first
	Combinations int64  `json:"combinations"` // draws from the bag that spell it
	Words        []Word `json:"words"`
}

// QuestionsRequest asks the app back end for a round's questions.
type QuestionsRequest struct {
	Table string `json:"table"`
	Round int    `json:"round"`
	Count int    `json:"count"`
}

// Questions is the app back end's answer to a QuestionsRequest.
type Questions struct {
	Table     string     `json:"table"`
	Round     int        `json:"round"`
	Questions []Question `json:"questions"`
}

// SolvedWord is a word found in a finished round.
type SolvedWord struct {
	Word   string `json:"word"`
	UserID string `json:"user_id"`
	AtMS   int64  `json:"at_ms"`
}

// QuestionResult is one alphagram's outcome in a finished round.
type QuestionResult struct {
	Alphagram string       `json:"alphagram"`
	Solved    []SolvedWord `json:"solved"`
	Missed    []string     `json:"missed"`
}

// RoundResult is published on the round-finished subject when a round ends,
// for the app back end to mark missed words and advance its list.
type RoundResult struct {
	Table     string           `json:"table"`
	Round     int              `json:"round"`
	StartedAt int64            `json:"started_at"` // ms since the Unix epoch
	EndedAt   int64            `json:"ended_at"`
	Reason    string           `json:"reason"` // time, give_up, cleared
	Questions []QuestionResult `json:"questions"`
	Scores    []Score          `json:"scores"`
}

// Input types: what the rooms worker applies, in input-stream order.
const (
	InOpen        = "open"         // the app back end opened the table
	InJoin        = "join"         // a connection arrived
	InLeave       = "leave"        // a connection closed
	InCommand     = "command"      // a client command
	InQuestions   = "questions"    // the back end's questions for a round
	InNoQuestions = "no_questions" // the back end could not give them
	InTimer       = "timer"        // a scheduled timer fired
)

// Timer names.
const (
	TimerGo       = "go"       // the countdown ended
	TimerDeadline = "deadline" // the round's time ran out
)

// Sender is who a command or presence change comes from, as the bridge
// verified it from the join token.
type Sender struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Conn   string `json:"conn"` // the connection's id, unique per bridge process
}

// Input is one message on a table's input stream.
type Input struct {
	Type  string `json:"type"`
	Table string `json:"table"`

	From    *Sender  `json:"from,omitempty"`    // join, leave, command
	Command *Command `json:"command,omitempty"` // command

	Info     *TableInfo `json:"info,omitempty"`     // open
	Creator  string     `json:"creator,omitempty"`  // open
	Settings *Settings  `json:"settings,omitempty"` // open

	Round     int        `json:"round,omitempty"`     // questions, no_questions, timer
	Questions []Question `json:"questions,omitempty"` // questions
	Error     string     `json:"error,omitempty"`     // no_questions
	Timer     string     `json:"timer,omitempty"`     // timer
	At        int64      `json:"at,omitempty"`        // timer: when it was due, ms
}

// JoinClaims are what a join token says; the app back end signs them.
type JoinClaims struct {
	UserID string `json:"uid"`
	Name   string `json:"name"`
	Table  string `json:"table"`
	Role   string `json:"role"`
	Exp    int64  `json:"exp"` // seconds since the Unix epoch
}
