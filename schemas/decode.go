package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits on a command, the same as command.json states.
const (
	MaxCommandIDLen      = 64  // bytes, all ASCII
	MaxWordBytes         = 64  // bytes of UTF-8 in a guess
	MaxChatRunes         = 280 // characters in a chat line
	MinQuestionsPerRound = 10
	MaxQuestionsPerRound = 200
	MinTimeLimit         = 10   // seconds
	MaxTimeLimit         = 3600 // seconds
)

// DecodeError says what is wrong with a command frame. Its message quotes
// none of the frame's values, so it can be sent back to the client as is.
type DecodeError struct {
	Field  string // the JSON field, e.g. "word" or "settings.time_limit"; empty for the frame as a whole
	Reason string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return "invalid command: " + e.Reason
	}
	return "invalid command: " + e.Field + ": " + e.Reason
}

// Reasons a DecodeError gives.
const (
	reasonSyntax       = "malformed JSON"
	reasonNotObject    = "must be a JSON object"
	reasonUTF8         = "not valid UTF-8"
	reasonTrailing     = "unexpected data after the command"
	reasonUnknownField = "unknown field"
	reasonRepeated     = "appears more than once"
	reasonMissing      = "missing"
	reasonNotString    = "must be a string"
	reasonNotInteger   = "must be an integer"
	reasonNotBool      = "must be true or false"
	reasonUnknownType  = "unknown command type"
	reasonEmpty        = "must not be empty"
	reasonControlChar  = "contains a control character"
)

// Reasons that quote a limit.
var (
	reasonBadID       = "must be 1 to " + strconv.Itoa(MaxCommandIDLen) + " characters from A-Z a-z 0-9 . _ : -"
	reasonWordTooLong = "longer than " + strconv.Itoa(MaxWordBytes) + " bytes"
	reasonChatTooLong = "longer than " + strconv.Itoa(MaxChatRunes) + " characters"
	reasonQuestions   = "must be from " + strconv.Itoa(MinQuestionsPerRound) + " to " + strconv.Itoa(MaxQuestionsPerRound)
	reasonTimeLimit   = "must be from " + strconv.Itoa(MinTimeLimit) + " to " + strconv.Itoa(MaxTimeLimit)
)

// Which fields a frame has set, one bit each.
const (
	hasType uint8 = 1 << iota
	hasID
	hasWord
	hasText
	hasSettings
	hasQuestions
	hasTimeLimit
	hasPublic
)

// commandFields lists, for each command type, the optional fields that it
// requires; every other optional field is refused for that type.
var commandFields = map[string]uint8{
	CmdGuess:    hasWord,
	CmdStart:    0,
	CmdGiveUp:   0,
	CmdChat:     hasText,
	CmdSettings: hasSettings,
}

// optionalFields names the fields that only some command types take.
var optionalFields = []struct {
	bit  uint8
	name string
}{{hasWord, "word"}, {hasText, "text"}, {hasSettings, "settings"}}

// DecodeCommand parses one WebSocket frame into a Command and checks it as
// strictly as command.json does. Field names are matched exactly, a field
// may appear once, null is never a value, integers are written without a
// fraction or exponent, and nothing may follow the object. A command it
// accepts always passes Validate("command", ...). Any error is a
// *DecodeError.
func DecodeCommand(frame []byte) (Command, error) {
	if !utf8.Valid(frame) {
		return Command{}, &DecodeError{Reason: reasonUTF8}
	}

	d := json.NewDecoder(bytes.NewReader(frame))
	d.UseNumber()
	var cmd Command
	seen, err := readCommand(d, &cmd)
	if err != nil {
		return Command{}, err
	}
	if _, err := d.Token(); err != io.EOF {
		return Command{}, &DecodeError{Reason: reasonTrailing}
	}

	if err := checkCommand(&cmd, seen); err != nil {
		return Command{}, err
	}
	return cmd, nil
}

// readCommand reads the command object's fields into cmd and reports which
// ones it saw. It stops at the first field of the wrong JSON type.
func readCommand(d *json.Decoder, cmd *Command) (uint8, error) {
	if err := openObject(d, ""); err != nil {
		return 0, err
	}

	var seen uint8
	for d.More() {
		key, err := readKey(d)
		if err != nil {
			return 0, err
		}

		var bit uint8
		switch key {
		case "type":
			bit = hasType
			cmd.Type, err = readString(d, key)
		case "id":
			bit = hasID
			cmd.ID, err = readString(d, key)
		case "word":
			bit = hasWord
			cmd.Word, err = readString(d, key)
		case "text":
			bit = hasText
			cmd.Text, err = readString(d, key)
		case "settings":
			bit = hasSettings
			cmd.Settings = new(Settings)
			var inner uint8
			inner, err = readSettings(d, cmd.Settings)
			seen |= inner
		default:
			return 0, unknownField(key, "")
		}
		if seen&bit != 0 {
			return 0, &DecodeError{Field: key, Reason: reasonRepeated}
		}
		if err != nil {
			return 0, err
		}
		seen |= bit
	}

	if err := closeObject(d); err != nil {
		return 0, err
	}
	return seen, nil
}

// readSettings reads the settings object into s and reports which of its
// fields it saw.
func readSettings(d *json.Decoder, s *Settings) (uint8, error) {
	if err := openObject(d, "settings"); err != nil {
		return 0, err
	}

	var seen uint8
	for d.More() {
		key, err := readKey(d)
		if err != nil {
			return 0, err
		}

		var bit uint8
		field := "settings." + key
		switch key {
		case "questions_per_round":
			bit = hasQuestions
			s.QuestionsPerRound, err = readInt(d, field)
		case "time_limit":
			bit = hasTimeLimit
			s.TimeLimit, err = readInt(d, field)
		case "public":
			bit = hasPublic
			s.Public, err = readBool(d, field)
		default:
			return 0, unknownField(key, "settings.")
		}
		if seen&bit != 0 {
			return 0, &DecodeError{Field: field, Reason: reasonRepeated}
		}
		if err != nil {
			return 0, err
		}
		seen |= bit
	}

	if err := closeObject(d); err != nil {
		return 0, err
	}
	return seen, nil
}

// checkCommand applies the rules that depend on the command's type and on
// the fields' values.
func checkCommand(cmd *Command, seen uint8) error {
	if seen&hasType == 0 {
		return &DecodeError{Field: "type", Reason: reasonMissing}
	}
	wanted, ok := commandFields[cmd.Type]
	if !ok {
		return &DecodeError{Field: "type", Reason: reasonUnknownType}
	}
	if seen&hasID == 0 {
		return &DecodeError{Field: "id", Reason: reasonMissing}
	}
	if !ValidCommandID(cmd.ID) {
		return &DecodeError{Field: "id", Reason: reasonBadID}
	}

	// Refuse what the type does not take before asking for what it needs,
	// so a frame with a misnamed field hears about that field.
	for _, f := range optionalFields {
		if seen&f.bit != 0 && wanted&f.bit == 0 {
			return &DecodeError{Field: f.name, Reason: "not allowed in a " + cmd.Type + " command"}
		}
	}
	for _, f := range optionalFields {
		if wanted&f.bit != 0 && seen&f.bit == 0 {
			return &DecodeError{Field: f.name, Reason: reasonMissing}
		}
	}

	switch cmd.Type {
	case CmdGuess:
		return checkWord(cmd.Word)
	case CmdChat:
		return checkChat(cmd.Text)
	case CmdSettings:
		return checkSettings(cmd.Settings, seen)
	}
	return nil
}

// ValidCommandID reports whether id is a well-formed command id: 1 to 64
// characters from A-Z a-z 0-9 . _ : -. Only such ids may be echoed in an
// event's re.
func ValidCommandID(id string) bool {
	if id == "" || len(id) > MaxCommandIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

func checkWord(word string) error {
	switch {
	case word == "":
		return &DecodeError{Field: "word", Reason: reasonEmpty}
	case len(word) > MaxWordBytes:
		return &DecodeError{Field: "word", Reason: reasonWordTooLong}
	}
	return nil
}

func checkChat(text string) error {
	if text == "" {
		return &DecodeError{Field: "text", Reason: reasonEmpty}
	}
	n := 0
	for _, r := range text {
		if r < 0x20 {
			return &DecodeError{Field: "text", Reason: reasonControlChar}
		}
		n++
	}
	if n > MaxChatRunes {
		return &DecodeError{Field: "text", Reason: reasonChatTooLong}
	}
	return nil
}

func checkSettings(s *Settings, seen uint8) error {
	switch {
	case seen&hasQuestions == 0:
		return &DecodeError{Field: "settings.questions_per_round", Reason: reasonMissing}
	case seen&hasTimeLimit == 0:
		return &DecodeError{Field: "settings.time_limit", Reason: reasonMissing}
	case seen&hasPublic == 0:
		return &DecodeError{Field: "settings.public", Reason: reasonMissing}
	case s.QuestionsPerRound < MinQuestionsPerRound || s.QuestionsPerRound > MaxQuestionsPerRound:
		return &DecodeError{Field: "settings.questions_per_round", Reason: reasonQuestions}
	case s.TimeLimit < MinTimeLimit || s.TimeLimit > MaxTimeLimit:
		return &DecodeError{Field: "settings.time_limit", Reason: reasonTimeLimit}
	}
	return nil
}

// nextToken reads the next token, turning a syntax error into a DecodeError.
func nextToken(d *json.Decoder) (json.Token, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, &DecodeError{Reason: reasonSyntax}
	}
	return tok, nil
}

func openObject(d *json.Decoder, field string) error {
	tok, err := nextToken(d)
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return &DecodeError{Field: field, Reason: reasonNotObject}
	}
	return nil
}

func closeObject(d *json.Decoder) error {
	tok, err := nextToken(d)
	if err != nil {
		return err
	}
	if tok != json.Delim('}') {
		return &DecodeError{Reason: reasonSyntax}
	}
	return nil
}

func readKey(d *json.Decoder) (string, error) {
	tok, err := nextToken(d)
	if err != nil {
		return "", err
	}
	key, ok := tok.(string)
	if !ok {
		return "", &DecodeError{Reason: reasonSyntax}
	}
	return key, nil
}

func readString(d *json.Decoder, field string) (string, error) {
	tok, err := nextToken(d)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", &DecodeError{Field: field, Reason: reasonNotString}
	}
	return s, nil
}

// readInt reads an integer written in plain digits. JSON Schema would
// also take 30.0 or 3e1; the decoder refuses them, as no client needs them.
// An integer too large for int comes back clamped, so the range check that
// follows refuses it for the right reason.
func readInt(d *json.Decoder, field string) (int, error) {
	tok, err := nextToken(d)
	if err != nil {
		return 0, err
	}
	num, ok := tok.(json.Number)
	if !ok {
		return 0, &DecodeError{Field: field, Reason: reasonNotInteger}
	}
	n, err := strconv.Atoi(string(num))
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) && numErr.Err == strconv.ErrRange {
			return n, nil
		}
		return 0, &DecodeError{Field: field, Reason: reasonNotInteger}
	}
	return n, nil
}

func readBool(d *json.Decoder, field string) (bool, error) {
	tok, err := nextToken(d)
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		return false, &DecodeError{Field: field, Reason: reasonNotBool}
	}
	return b, nil
}

// unknownField names key in the error only when it is short and printable,
// since the message may be shown to anyone.
func unknownField(key, prefix string) error {
	if len(key) == 0 || len(key) > 32 {
		return &DecodeError{Field: prefix, Reason: reasonUnknownField}
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] >= 0x7f || key[i] == '"' || key[i] == '\\' {
			return &DecodeError{Field: prefix, Reason: reasonUnknownField}
		}
	}
	return &DecodeError{Field: prefix + key, Reason: reasonUnknownField}
}
