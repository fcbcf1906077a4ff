package rooms

import (
	"strings"

	"github.com/wordwalls/wordwalls/schemas"
)

// Fold is how a guess is compared with the answers: trimmed and upper-cased.
func Fold(word string) string {
	return strings.ToUpper(strings.TrimSpace(word))
}

func trimChat(text string) string {
	return strings.TrimSpace(text)
}

func (p *Player) view() schemas.Player {
	return schemas.Player{
		ID:       p.ID,
		Name:     p.Name,
		Role:     p.Role,
		Present:  p.Present(),
		Score:    p.Score,
		LastWord: p.LastWord,
	}
}

// View is what every client may know of the table: the state its events
// up to t.Seq describe, without unsolved answers.
func (t *Table) View() schemas.TableView {
	v := schemas.TableView{
		ID:       t.ID,
		Seq:      t.Seq,
		Info:     t.Info,
		Settings: t.Settings,
		Host:     t.Host,
		Players:  make([]schemas.Player, len(t.Players)),
		Phase:    t.Phase,
		Round:    t.Round,
		Wall:     []schemas.Tile{},
		Solves:   []schemas.Solve{},
		Answers:  t.Last,
		Reason:   t.LastReason,
		Chat:     t.Chat,
	}
	if v.Phase == "" {
		v.Phase = schemas.PhaseIdle
	}
	for i, p := range t.Players {
		v.Players[i] = p.view()
	}
	switch t.Phase {
	case schemas.PhaseCountdown:
		v.StartsAt = t.StartsAt
	case schemas.PhaseRunning:
		v.Deadline = t.Deadline
		for i, q := range t.Questions {
			v.Wall = append(v.Wall, schemas.Tile{Index: i, Alphagram: q.Alphagram, Answers: len(q.Words)})
			v.Solves = append(v.Solves, t.Solves[i]...)
		}
	}
	return v
}
