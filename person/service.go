package person

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
)

// Permissions of the people capability. Staff read people; agents,
// moderators and admins also change them (notes, tags, identities, merges);
// lists leave samtal as CSV for analysts and admins; a person's archive for a
// request and erasure are the admin's, who answers for the organisation.
const (
	PermView   = samtal.PermViewPeople
	PermEdit   = samtal.PermEditPeople
	PermExport = samtal.PermExportPeople
	PermErase  = samtal.PermErasePeople
)

// Limits of what a person's record holds.
const (
	MaxNameLen     = 100
	MaxLocationLen = 100
	MaxNoteLen     = 5000
	MaxTags        = 20
	MaxTagLen      = 40
	MaxIdentities  = 50
)

// Store keeps persons and what belongs to them.
type Store interface {
	CreatePerson(ctx context.Context, p *Person) error
	// CreateResolved creates a person like CreatePerson and, in the same
	// transaction, the suggestions to merge them with the persons named
	// in each suggestion's PersonB (pairs on the do-not-merge list left
	// out).
	CreateResolved(ctx context.Context, p *Person, proposals []Suggestion) error
	// CreateResolvedBatch is CreateResolved for many persons in one
	// transaction (proposals[i] are the suggestions of ps[i]); ECONFLICT
	// if one of the identities belongs to someone already, and then
	// nothing is stored.
	CreateResolvedBatch(ctx context.Context, ps []*Person, proposals [][]Suggestion) error
	PersonByID(ctx context.Context, id int64) (*Person, error)
	// PersonExists returns ENOTFOUND unless person id exists: one lookup,
	// for reads that need only that (a profile page asks three of them).
	PersonExists(ctx context.Context, id int64) error
	UpdatePerson(ctx context.Context, p *Person, e audit.Entry) error
	SetTags(ctx context.Context, personID int64, tags []string, e audit.Entry) error
	Stats(ctx context.Context, personID int64) (Stats, error)

	// AddIdentity attaches id (normalised) to a person. Returns ECONFLICT
	// if that copy of the identity belongs to someone already.
	AddIdentity(ctx context.Context, id *Identity, e *audit.Entry) error
	RemoveIdentity(ctx context.Context, personID, identityID int64, e audit.Entry) error
	// FindIdentity returns the copy of an identity with the given
	// verification, or ENOTFOUND.
	FindIdentity(ctx context.Context, kind, network, value string, verified bool) (*Identity, error)

	Notes(ctx context.Context, personID int64) ([]Note, error)
	AddNote(ctx context.Context, n *Note, e audit.Entry) error

	Merge(ctx context.Context, personID, intoID, actorPersonID int64, at time.Time, e audit.Entry) (*Merge, error)
	Unmerge(ctx context.Context, mergeID, actorPersonID int64, at time.Time, e audit.Entry) (*Merge, error)
	MergeByID(ctx context.Context, id int64) (*Merge, error)

	Suggestions(ctx context.Context, f SuggestionFilter) ([]Suggestion, error)
	SuggestionByID(ctx context.Context, id int64) (*Suggestion, error)
	// RejectSuggestion marks it rejected and puts the pair on the
	// do-not-merge list, in one transaction.
	RejectSuggestion(ctx context.Context, id, actorPersonID int64, at time.Time, e audit.Entry) error
	// AddSuggestion proposes a pair unless it is blocked, merged or
	// proposed already with a higher score.
	AddSuggestion(ctx context.Context, s Suggestion) error

	Timeline(ctx context.Context, personID int64, f TimelineFilter) ([]Event, error)
	List(ctx context.Context, f ListFilter) ([]*Person, error)
	// ExportPeople calls fn for every person the filter finds, oldest
	// first, with identities and tags, reading a page at a time.
	ExportPeople(ctx context.Context, f ListFilter, fn func(*Person) error) error
	AppendAudit(ctx context.Context, e audit.Entry) error

	// AddPerson stores a person that staff made, with identities
	// (normalised), and the audit entry, whose target it fills in, in one
	// transaction. Returns ECONFLICT if an identity belongs to someone.
	AddPerson(ctx context.Context, p *Person, e audit.Entry) error
	// MergesOf returns up to limit merges into or of a person, newest first.
	MergesOf(ctx context.Context, personID int64, limit int) ([]MergeRecord, error)
	// PublicStats are a person's figures as others may see them: visible
	// ideas and comments in campaigns of the scope; no votes.
	PublicStats(ctx context.Context, personID int64, scope campaign.Scope) (Stats, error)
	// TimelineKinds lists the kinds of event the timeline knows.
	TimelineKinds() []string
}

// Stats are a person's figures.
type Stats struct {
	FirstSeen  time.Time
	LastActive time.Time
	Ideas      int
	Votes      int
	Comments   int
}

// Note is a staff note about a person. Members never read one.
type Note struct {
	ID             int64
	PersonID       int64
	AuthorPersonID int64
	AuthorName     string
	Body           string
	CreatedAt      time.Time
}

// Service holds the rules about persons: who may see and change what.
type Service struct {
	Store Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// Profile is a person as the caller may see them: staff get everything but
// the notes (read with Notes); a member gets their own record without tags,
// and of others only the public part (name, avatar, languages, figures of
// what the member may see themselves).
type Profile struct {
	Person *Person
	Stats  Stats
	Public bool // only the public part is filled in
}

// Get returns the profile of person id as the caller may see it. A merged
// person is returned as they are (MergedInto tells where they went). Returns
// ENOTFOUND for a visitor, for an erased person unless staff ask, and for
// anyone a member may not know.
func (s *Service) Get(ctx context.Context, id int64) (*Profile, error) {
	a := samtal.ActorFrom(ctx)
	if !a.SignedIn() {
		return nil, errNotFound
	}
	p, err := s.Store.PersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(PermView) {
		// Members know other members, not persons samtal found elsewhere.
		if (p.ID != a.PersonID && !p.HasAccount) || p.Erased || p.MergedInto != 0 {
			return nil, errNotFound
		}
	}
	if !a.Can(PermView) && p.ID != a.PersonID {
		// Only what the member could find themselves counts: visible ideas
		// and comments in campaigns they may see; what someone voted for
		// is theirs.
		st, err := s.Store.PublicStats(ctx, p.ID, campaign.ScopeOf(a))
		if err != nil {
			return nil, err
		}
		return &Profile{Public: true, Stats: st, Person: &Person{ID: p.ID, Name: p.Name, Avatar: p.Avatar,
			Languages: p.Languages, HasAccount: true, CreatedAt: p.CreatedAt}}, nil
	}
	st, err := s.Store.Stats(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	prof := &Profile{Person: p, Stats: st}
	if !a.Can(PermView) {
		// Tags and the bot flag are staff's words about a person: not even
		// the person reads them here.
		p.Tags, p.Bot = nil, false
	}
	return prof, nil
}

// Patch changes a person; nil fields stay as they are.
type Patch struct {
	Name      *string
	Locale    *string
	Location  *string
	Languages *[]string
	Avatar    *string
	Bot       *bool
}

// Update changes a person's record. Staff with PermEdit change anyone;
// nobody else changes anything here (members change their own name in their
// settings). Returns EINVALID naming the field, ENOTFOUND, or ECONFLICT for a
// merged or erased person.
func (s *Service) Update(ctx context.Context, id int64, patch Patch) (*Person, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	p, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *p
	if patch.Name != nil {
		name := strings.TrimSpace(*patch.Name)
		if utf8.RuneCountInString(name) > MaxNameLen {
			return nil, samtal.FieldError("name", "error.too_long")
		}
		p.Name = name
	}
	if patch.Locale != nil {
		p.Locale = strings.TrimSpace(*patch.Locale)
		if p.Locale != "" && !validLanguage(p.Locale) {
			return nil, samtal.FieldError("locale", "error.person_language_invalid")
		}
	}
	if patch.Location != nil {
		p.Location = strings.TrimSpace(*patch.Location)
		if utf8.RuneCountInString(p.Location) > MaxLocationLen {
			return nil, samtal.FieldError("location", "error.too_long")
		}
	}
	if patch.Languages != nil {
		langs, err := cleanLanguages(*patch.Languages)
		if err != nil {
			return nil, err
		}
		p.Languages = langs
	}
	if patch.Avatar != nil {
		p.Avatar = strings.TrimSpace(*patch.Avatar)
	}
	if patch.Bot != nil {
		p.Bot = *patch.Bot
	}
	e := audit.New(ctx, "person.update", "person", id, auditView(&before), auditView(p))
	if err := s.Store.UpdatePerson(ctx, p, e); err != nil {
		return nil, err
	}
	return s.Store.PersonByID(ctx, id)
}

// auditView is what the audit log keeps of a person: the fields staff
// change, without identities (those have entries of their own).
func auditView(p *Person) map[string]any {
	return map[string]any{"name": p.Name, "locale": p.Locale, "location": p.Location,
		"languages": p.Languages, "bot": p.Bot}
}

// SetTags replaces a person's tags (lower-cased, trimmed, without repeats).
func (s *Service) SetTags(ctx context.Context, id int64, tags []string) ([]string, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	p, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	clean, err := CleanTags(tags)
	if err != nil {
		return nil, err
	}
	e := audit.New(ctx, "person.tags", "person", id, map[string]any{"tags": p.Tags}, map[string]any{"tags": clean})
	if err := s.Store.SetTags(ctx, id, clean, e); err != nil {
		return nil, err
	}
	return clean, nil
}

// CleanTags lower-cases, trims and de-duplicates tags. Returns EINVALID on
// the field "tags" for too many or too long ones.
func CleanTags(tags []string) ([]string, error) {
	var out []string
	for _, t := range tags {
		t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTagLen {
			return nil, samtal.FieldError("tags", "error.tag_too_long")
		}
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, samtal.FieldError("tags", "error.too_many_tags")
	}
	slices.Sort(out)
	return out, nil
}

// Notes returns the staff notes about a person, oldest first. Staff only:
// for anyone else it is EFORBIDDEN (or EUNAUTHORIZED).
func (s *Service) Notes(ctx context.Context, id int64) ([]Note, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if err := s.Store.PersonExists(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.Notes(ctx, id)
}

// AddNote adds a staff note about a person. The audit entry does not keep
// the text.
func (s *Service) AddNote(ctx context.Context, id int64, body string) (*Note, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	if _, err := s.editable(ctx, id); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, samtal.FieldError("body", "error.note_required")
	}
	if utf8.RuneCountInString(body) > MaxNoteLen {
		return nil, samtal.FieldError("body", "error.too_long")
	}
	n := &Note{PersonID: id, AuthorPersonID: samtal.ActorFrom(ctx).PersonID, Body: body, CreatedAt: s.now()}
	e := audit.New(ctx, "person.note", "person", id, nil, nil)
	if err := s.Store.AddNote(ctx, n, e); err != nil {
		return nil, err
	}
	return n, nil
}

// AddIdentity attaches an identity to a person. Staff add identities as
// verified or not, as they say. A member links one to themselves (a handle,
// a blog): it is a claim, so it is stored unverified, and if a verified copy
// belongs to someone else, a merge is proposed instead of joining them.
// Returns EINVALID for a malformed identity, ECONFLICT if that copy is taken.
func (s *Service) AddIdentity(ctx context.Context, personID int64, id Identity) (*Identity, error) {
	a := samtal.ActorFrom(ctx)
	staff := a.Can(PermEdit)
	if !staff {
		if err := a.Require(samtal.PermUseAccount); err != nil {
			return nil, err
		}
		if personID != a.PersonID {
			return nil, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
		}
		if id.Kind == KindEmail {
			// An email is proven by signing up with it, not by typing it.
			return nil, samtal.FieldError("kind", "error.identity_email_via_account")
		}
		id.Verified, id.Source = false, SourceMember
	} else if id.Source == "" {
		id.Source = SourceStaff
	}
	p, err := s.editable(ctx, personID)
	if err != nil {
		return nil, err
	}
	if len(p.Identities) >= MaxIdentities {
		return nil, samtal.FieldError("identities", "error.too_many_identities")
	}
	n, err := NormalizeIdentity(id)
	if err != nil {
		return nil, err
	}
	n.PersonID = personID
	e := audit.New(ctx, "person.identity_add", "person", personID, nil,
		map[string]any{"kind": n.Kind, "network": n.Network, "verified": n.Verified})
	if err := s.Store.AddIdentity(ctx, &n, &e); err != nil {
		return nil, err
	}
	if !n.Verified {
		if other, err := s.Store.FindIdentity(ctx, n.Kind, n.Network, n.Value, true); err == nil && other.PersonID != personID {
			reason := ReasonUnverifiedCopy
			if n.Source == SourceMember {
				reason = ReasonLinkedBySelf
			}
			if err := s.Store.AddSuggestion(ctx, NewSuggestion(personID, other.PersonID, reason, n.Kind+":"+n.Value)); err != nil {
				return nil, err
			}
		}
	}
	return &n, nil
}

// RemoveIdentity detaches an identity from a person (staff only). The last
// identity of a person who signs in with it cannot go: the account uses it.
func (s *Service) RemoveIdentity(ctx context.Context, personID, identityID int64) error {
	if err := s.requireEdit(ctx); err != nil {
		return err
	}
	if _, err := s.editable(ctx, personID); err != nil {
		return err
	}
	e := audit.New(ctx, "person.identity_remove", "person", personID, map[string]any{"identity": identityID}, nil)
	return s.Store.RemoveIdentity(ctx, personID, identityID, e)
}

// ListFilter narrows a list of people. Zero fields do not filter.
type ListFilter struct {
	Q         string // a name or part of an identity
	Tag       string
	Role      string // an account role, or "none" for persons without an account
	Language  string
	Consent   string // a purpose with current consent
	ActiveFor time.Duration
	MinScore  float64 // advocate score
	Bots      bool    // include persons flagged as bots
	AfterID   int64   // cursor
	Limit     int
}

// List returns people for staff, newest first.
func (s *Service) List(ctx context.Context, f ListFilter) ([]*Person, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	if f.Role != "" && f.Role != "none" && !samtal.Role(f.Role).Valid() {
		return nil, samtal.FieldError("role", "error.role_invalid")
	}
	f.Q = strings.TrimSpace(f.Q)
	f.Tag = strings.ToLower(strings.TrimSpace(f.Tag))
	return s.Store.List(ctx, f)
}

func (s *Service) requireEdit(ctx context.Context) error {
	return samtal.ActorFrom(ctx).Require(PermEdit)
}

// editable returns the person if they can still be changed: not merged away,
// not erased.
func (s *Service) editable(ctx context.Context, id int64) (*Person, error) {
	p, err := s.Store.PersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.MergedInto != 0 {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_merged"}
	}
	if p.Erased {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_erased"}
	}
	return p, nil
}

func validLanguage(code string) bool {
	if len(code) != 2 {
		return false
	}
	for _, r := range code {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func cleanLanguages(in []string) ([]string, error) {
	var out []string
	for _, l := range in {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" || slices.Contains(out, l) {
			continue
		}
		if !validLanguage(l) {
			return nil, samtal.FieldError("languages", "error.person_language_invalid")
		}
		out = append(out, l)
	}
	if len(out) > 10 {
		return nil, samtal.FieldError("languages", "error.too_many_languages")
	}
	return out, nil
}
