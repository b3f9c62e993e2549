package listening

import (
	"context"
	"errors"
	"log/slog"

	"github.com/samtal-dev/samtal/listening/classify"
)

// SentimentModel reads the tone of texts in place of the lexicons, for the
// languages it covers: a model a team serves over HTTP (classify.Client).
type SentimentModel interface {
	Covers(lang string) bool
	// Classify returns one reading per text, in order, or an error and
	// none.
	Classify(ctx context.Context, texts []string) ([]classify.Reading, error)
}

// modelSentiment asks the sentiment model, if there is one, to read the
// mentions in the languages it covers, and returns how many it read. A
// model that fails leaves the lexicons' reading in place: a delivery is
// never lost or held back because a model server is down.
func (s *Service) modelSentiment(ctx context.Context, ms []*Mention) int {
	if s.SentimentModel == nil {
		return 0
	}
	var asked []*Mention
	var texts []string
	for _, m := range ms {
		if !s.SentimentModel.Covers(m.Lang) {
			continue
		}
		text := m.Text
		if m.Title != "" {
			text = m.Title + "\n\n" + m.Text
		}
		asked = append(asked, m)
		texts = append(texts, text)
	}
	if len(asked) == 0 {
		return 0
	}
	readings, err := s.SentimentModel.Classify(ctx, texts)
	if err == nil && len(readings) != len(asked) {
		err = errors.New("the model gave a reading count unlike the texts'")
	}
	if err != nil {
		level := slog.LevelWarn
		if errors.Is(err, classify.ErrPaused) {
			level = slog.LevelDebug // said already when it failed
		}
		s.log().Log(ctx, level, "sentiment model failed; the lexicons' reading is kept", "mentions", len(asked), "err", err)
		return 0
	}
	for i, m := range asked {
		m.Sentiment, m.SentimentLabel = readings[i].Score, readings[i].Label
	}
	return len(asked)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
