package listening

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/listening/importer"
	"github.com/samtal-dev/samtal/listening/query"
	"github.com/samtal-dev/samtal/person"
)

// Reader fetches what is new at a source of a kind that is fetched (feeds,
// social networks).
type Reader interface {
	Read(ctx context.Context, src *Source) (Batch, error)
}

// Jobs schedules listening's background work; jobs.Queue implements it.
type Jobs interface {
	EnqueueTopicHistory(ctx context.Context) error
	EnqueueImport(ctx context.Context, importID int64) error
}

// Service holds the rules of listening.
type Service struct {
	Store    Store
	Resolver *person.Resolver
	// Jobs, if set, runs topics over history and imports in the
	// background; without it they wait for RunHistory and RunImport.
	Jobs Jobs
	// Readers fetch sources by kind; a kind without a reader is not
	// fetched (imports and webhooks deliver on their own).
	Readers map[string]Reader
	Now     func() time.Time
	// Workers is how many goroutines enrich and match a batch; 0: 2.
	Workers int
	// SentimentModel, if set, reads the tone of new mentions in the
	// languages it covers in place of the lexicons; when it fails, the
	// lexicons' reading stays.
	SentimentModel SentimentModel
	// Log receives what goes wrong without failing a call, such as a
	// sentiment model that does not answer; nil: slog.Default().
	Log *slog.Logger

	mu      sync.Mutex
	matcher *matcher
}

// matcher is the compiled index of every topic at one version of the
// topics.
type matcher struct {
	version string
	index   *query.Index
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	errNotFound  = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	errSignature = &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.webhook_signature"}
)

// CreateSource adds a source. A webhook source gets a new secret, which
// the returned source carries this once. Returns EFORBIDDEN without
// PermManage and EINVALID for a bad field.
func (s *Service) CreateSource(ctx context.Context, src *Source) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermManage); err != nil {
		return err
	}
	if err := s.checkSource(src, true); err != nil {
		return err
	}
	src.State = SourceActive
	if src.Kind == KindWebhook {
		src.Secret = newSecret()
	}
	now := s.now()
	src.CreatedAt, src.UpdatedAt = now, now
	if s.Readers[src.Kind] != nil {
		src.NextFetchAt = &now
	}
	return s.Store.CreateSource(ctx, src, audit.New(ctx, "source.create", "source", 0, nil, map[string]any{"kind": src.Kind, "name": src.Name, "url": src.URL}))
}

// SourcePatch is what staff may change on a source; nil leaves a field.
type SourcePatch struct {
	Name     *string       `json:"name"`
	URL      *string       `json:"url"`
	Config   *SourceConfig `json:"config"`
	State    *string       `json:"state"`
	Interval *int          `json:"interval_seconds"`
}

// UpdateSource changes a source. Pausing stops its fetches; making it
// active again fetches it now. Returns ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) UpdateSource(ctx context.Context, id int64, p SourcePatch) (*Source, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermManage); err != nil {
		return nil, err
	}
	src, err := s.Store.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		src.Name = *p.Name
	}
	if p.URL != nil {
		src.URL = *p.URL
	}
	if p.Config != nil {
		token := src.Config.Token
		src.Config = *p.Config
		if src.Config.Token == "" {
			src.Config.Token = token // a token is written, never read back
		}
	}
	if p.Interval != nil {
		src.Interval = *p.Interval
	}
	if p.State != nil {
		switch *p.State {
		case SourcePaused:
			src.State = SourcePaused
		case SourceActive:
			if src.State != SourceActive {
				src.State, src.Failures = SourceActive, 0
				now := s.now()
				src.NextFetchAt = &now
			}
		default:
			return nil, samtal.FieldError("state", "error.source_state_invalid")
		}
	}
	if err := s.checkSource(src, false); err != nil {
		return nil, err
	}
	src.UpdatedAt = s.now()
	if err := s.Store.UpdateSource(ctx, src, audit.New(ctx, "source.update", "source", id, nil, map[string]any{"name": src.Name, "url": src.URL, "state": src.State, "interval_seconds": src.Interval})); err != nil {
		return nil, err
	}
	src.Secret = ""
	return src, nil
}

// DeleteSource removes a source: it is fetched no more and leaves the
// lists; the mentions it found stay.
func (s *Service) DeleteSource(ctx context.Context, id int64) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermManage); err != nil {
		return err
	}
	return s.Store.DeleteSource(ctx, id, audit.New(ctx, "source.delete", "source", id, nil, nil))
}

// Source returns a source without its secrets. Returns ENOTFOUND or
// EFORBIDDEN (staff without PermView).
func (s *Service) Source(ctx context.Context, id int64) (*Source, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	src, err := s.Store.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	hideSecrets(src)
	return src, nil
}

// Sources lists every source, without secrets.
func (s *Service) Sources(ctx context.Context) ([]Source, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	list, err := s.Store.Sources(ctx)
	for i := range list {
		hideSecrets(&list[i])
	}
	return list, err
}

func hideSecrets(src *Source) {
	src.Secret, src.Config.Token = "", ""
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkSource validates a source's fields for its kind; the kind itself
// only when it is made.
func (s *Service) checkSource(src *Source, isNew bool) error {
	src.Name = strings.TrimSpace(src.Name)
	src.URL = strings.TrimSpace(src.URL)
	if isNew {
		switch src.Kind {
		case KindFeed, KindImport, KindWebhook, KindMastodon:
		default:
			return samtal.FieldError("kind", "error.source_kind_invalid")
		}
	}
	if src.Name == "" || utf8.RuneCountInString(src.Name) > MaxNameLen {
		return samtal.FieldError("name", "error.name_invalid")
	}
	if src.Interval == 0 {
		src.Interval = int(DefaultEvery / time.Second)
	}
	if d := time.Duration(src.Interval) * time.Second; d < MinInterval || d > MaxInterval {
		return samtal.FieldError("interval_seconds", "error.source_interval_invalid")
	}
	switch src.Kind {
	case KindFeed:
		if !webURL(src.URL) {
			return samtal.FieldError("url", "error.url_invalid")
		}
		src.Config = SourceConfig{}
	case KindMastodon:
		c := &src.Config
		c.Server = strings.TrimRight(strings.TrimSpace(c.Server), "/")
		c.Hashtag = strings.TrimPrefix(strings.TrimSpace(c.Hashtag), "#")
		c.Search = strings.TrimSpace(c.Search)
		if !webURL(c.Server) {
			return samtal.FieldError("config.server", "error.url_invalid")
		}
		if (c.Hashtag == "") == (c.Search == "") || len(c.Hashtag) > 100 || len(c.Search) > 200 || len(c.Token) > 500 {
			return samtal.FieldError("config.hashtag", "error.mastodon_query_invalid")
		}
		c.Mapping = nil
		if src.URL == "" {
			src.URL = c.Server
		}
	case KindImport:
		if len(src.Config.Mapping) == 0 {
			return samtal.FieldError("config.mapping", "error.mapping_invalid")
		}
		var m importer.Mapping
		if err := json.Unmarshal(src.Config.Mapping, &m); err != nil {
			return samtal.FieldError("config.mapping", "error.mapping_invalid")
		}
		if err := m.Validate(); err != nil {
			return &samtal.Error{Code: samtal.EINVALID, Field: "config.mapping", Message: err.Error()}
		}
		src.Config = SourceConfig{Mapping: src.Config.Mapping}
	case KindWebhook:
		src.Config = SourceConfig{}
	}
	if src.URL != "" && !webURL(src.URL) {
		return samtal.FieldError("url", "error.url_invalid")
	}
	return nil
}

// webURL reports whether u is an absolute http or https URL of sane
// length.
func webURL(u string) bool {
	if u == "" || len(u) > MaxURLLen {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
