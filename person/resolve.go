package person

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
)

// Resolution is an identity arriving from outside (a sign-up, a mention's
// author, an inbound message) with what is known of the human behind it.
type Resolution struct {
	Identity Identity // Verified says whether the channel proves it
	Name     string
	Locale   string
	Location string
}

// The reasons for proposing a merge, strongest first. Scores are between 0
// and 1; staff see the reason in their own language.
const (
	ReasonLinkedBySelf   = "linked_by_self"  // a person linked an identity that someone else has, verified
	ReasonUnverifiedCopy = "unverified_copy" // a verified and an unverified copy of one identity
	ReasonEmailAsHandle  = "email_as_handle" // an email used as a handle or review name elsewhere
	ReasonNameLocation   = "name_location"   // the same name and the same location
	ReasonNameLanguage   = "name_language"   // the same name and the same language
)

var reasonScores = map[string]float64{
	ReasonLinkedBySelf:   0.9,
	ReasonUnverifiedCopy: 0.8,
	ReasonEmailAsHandle:  0.7,
	ReasonNameLocation:   0.5,
	ReasonNameLanguage:   0.3,
}

// maxNameTwins is how many persons may share a name key for the name to
// still propose merges: "Anna Jensen in Aarhus" is many people, and staff
// would drown in proposals that mean nothing.
const maxNameTwins = 3

// Suggestion proposes that two persons are one human.
type Suggestion struct {
	ID        int64
	PersonA   int64 // the lower id
	PersonB   int64
	Reason    string
	Detail    string // what matched, e.g. "email:anne@example.dk"
	Score     float64
	State     string // open, accepted, rejected
	CreatedAt time.Time
	// Filled in by the store for lists.
	NameA, NameB string
}

// NewSuggestion returns a suggestion for the pair, ordered, scored by reason.
func NewSuggestion(x, y int64, reason, detail string) Suggestion {
	if x > y {
		x, y = y, x
	}
	return Suggestion{PersonA: x, PersonB: y, Reason: reason, Detail: detail, Score: reasonScores[reason], State: "open"}
}

// SuggestionFilter narrows a list of suggestions.
type SuggestionFilter struct {
	State    string // open (default), accepted, rejected
	PersonID int64  // only suggestions about this person
	// After is the cursor: suggestions after this one in the order
	// (score, then id, both descending).
	AfterScore float64
	AfterID    int64
	Limit      int
}

// Candidates is what the store finds for the rules that are not certain.
type Candidates interface {
	// PersonsWithValue returns the persons (other than personID) that hold
	// an identity of another kind with this value.
	PersonsWithValue(ctx context.Context, value, notKind string, personID int64) ([]int64, error)
	// PersonsWithNameKey returns up to limit unmerged, unerased persons
	// other than personID with this name key, with their location and
	// locale.
	PersonsWithNameKey(ctx context.Context, key string, personID int64, limit int) ([]Person, error)
}

// Resolver attaches arriving identities to persons. It runs for the system
// (sign-ups, jobs), so it checks no role: callers decide who may resolve.
type Resolver struct {
	Store      Store
	Candidates Candidates
}

// Resolve returns the person of an arriving identity. A rule attaches it
// when it is certain: the same verified identity (a confirmed email, the same
// handle on the same network as the network names it), or the same
// unverified claim seen again. Otherwise it creates a person and proposes
// merges with a reason and a score. Two different handles on one network
// are never joined. Returns EINVALID for an identity that does not parse.
func (r *Resolver) Resolve(ctx context.Context, in Resolution) (personID int64, created bool, err error) {
	res, err := r.ResolveIdentity(ctx, in)
	return res.PersonID, res.Created, err
}

// Resolved is where an arriving identity landed: its person, the identity
// row (what arrives through it carries its id, so that an unmerge sends it
// back), and whether the person is new.
type Resolved struct {
	PersonID   int64
	IdentityID int64
	Created    bool
}

// ResolveIdentity is Resolve, also returning the identity's row.
func (r *Resolver) ResolveIdentity(ctx context.Context, in Resolution) (Resolved, error) {
	id, err := NormalizeIdentity(in.Identity)
	if err != nil {
		return Resolved{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		found, err := r.Store.FindIdentity(ctx, id.Kind, id.Network, id.Value, id.Verified)
		if err == nil {
			return Resolved{PersonID: found.PersonID, IdentityID: found.ID}, nil
		} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
			return Resolved{}, err
		}
		p := &Person{Name: strings.TrimSpace(in.Name), Locale: in.Locale, Location: strings.TrimSpace(in.Location),
			Identities: []Identity{id}}
		others, err := r.candidates(ctx, p, id)
		if err != nil {
			return Resolved{}, err
		}
		err = r.Store.CreateResolved(ctx, p, others)
		if samtal.ErrorCode(err) == samtal.ECONFLICT {
			continue // someone resolved the same identity a moment ago
		} else if err != nil {
			return Resolved{}, err
		}
		return Resolved{PersonID: p.ID, IdentityID: p.Identities[0].ID, Created: true}, nil
	}
	return Resolved{}, errors.New("resolve identity: kept conflicting")
}

// ResolveBatch resolves many arriving identities (a delivery of mentions)
// with the rules of Resolve, creating the new persons in one transaction.
// Identities that do not parse get a zero Resolved and no error: one bad
// handle must not refuse the others. If someone resolves one of the same
// identities meanwhile, the batch falls back to one at a time.
func (r *Resolver) ResolveBatch(ctx context.Context, in []Resolution) ([]Resolved, error) {
	out := make([]Resolved, len(in))
	var fresh []*Person
	var proposals [][]Suggestion
	var freshAt [][]int // the inputs each new person answers
	byKey := map[Identity]int{}
	for i, res := range in {
		id, err := NormalizeIdentity(res.Identity)
		if err != nil {
			continue
		}
		key := Identity{Kind: id.Kind, Network: id.Network, Value: id.Value, Verified: id.Verified}
		if k, ok := byKey[key]; ok {
			freshAt[k] = append(freshAt[k], i)
			continue
		}
		found, err := r.Store.FindIdentity(ctx, id.Kind, id.Network, id.Value, id.Verified)
		if err == nil {
			out[i] = Resolved{PersonID: found.PersonID, IdentityID: found.ID}
			continue
		} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
			return nil, err
		}
		p := &Person{Name: strings.TrimSpace(res.Name), Locale: res.Locale, Location: strings.TrimSpace(res.Location),
			Identities: []Identity{id}}
		others, err := r.candidates(ctx, p, id)
		if err != nil {
			return nil, err
		}
		byKey[key] = len(fresh)
		fresh = append(fresh, p)
		proposals = append(proposals, others)
		freshAt = append(freshAt, []int{i})
	}
	if len(fresh) == 0 {
		return out, nil
	}
	err := r.Store.CreateResolvedBatch(ctx, fresh, proposals)
	if samtal.ErrorCode(err) == samtal.ECONFLICT {
		for i := range in {
			if out[i], err = r.ResolveIdentity(ctx, in[i]); err != nil && samtal.ErrorCode(err) != samtal.EINVALID {
				return nil, err
			}
		}
		return out, nil
	} else if err != nil {
		return nil, err
	}
	for k, p := range fresh {
		for n, i := range freshAt[k] {
			out[i] = Resolved{PersonID: p.ID, IdentityID: p.Identities[0].ID, Created: n == 0}
		}
	}
	return out, nil
}

// candidates returns the merge suggestions for a person about to be made
// from id, each naming the other person in PersonB and the new one as 0:
// they are stored in the transaction that makes the person, so a new
// identity costs one commit.
func (r *Resolver) candidates(ctx context.Context, p *Person, id Identity) ([]Suggestion, error) {
	var out []Suggestion
	propose := func(other int64, reason, detail string) {
		out = append(out, Suggestion{PersonB: other, Reason: reason, Detail: detail, Score: reasonScores[reason], State: "open"})
	}
	if id.Kind == "" {
		// no identity: only the name can match
	} else if other, err := r.Store.FindIdentity(ctx, id.Kind, id.Network, id.Value, !id.Verified); err == nil {
		propose(other.PersonID, ReasonUnverifiedCopy, id.Kind+":"+id.Value)
	} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
		return nil, err
	}
	if looksLikeEmail(id.Value) {
		others, err := r.Candidates.PersonsWithValue(ctx, id.Value, id.Kind, 0)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			propose(o, ReasonEmailAsHandle, id.Value)
		}
	}
	if key := NameKey(p.Name); key != "" && (p.Location != "" || p.Locale != "") {
		others, err := r.Candidates.PersonsWithNameKey(ctx, key, 0, maxNameTwins+1)
		if err != nil {
			return nil, err
		}
		if len(others) > maxNameTwins {
			others = nil // a common name says little about who someone is
		}
		for _, o := range others {
			switch {
			case p.Location != "" && strings.EqualFold(o.Location, p.Location):
				propose(o.ID, ReasonNameLocation, p.Name+" · "+p.Location)
			case p.Locale != "" && o.Locale == p.Locale:
				propose(o.ID, ReasonNameLanguage, p.Name+" · "+p.Locale)
			}
		}
	}
	return out, nil
}

// propose stores the merge suggestions for a person already stored, made
// from one of their identities (or only their name, for an empty identity).
func (r *Resolver) propose(ctx context.Context, p *Person, id Identity) error {
	others, err := r.candidates(ctx, p, id)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.PersonB == p.ID {
			continue
		}
		if err := r.Store.AddSuggestion(ctx, NewSuggestion(p.ID, o.PersonB, o.Reason, o.Detail)); err != nil {
			return err
		}
	}
	return nil
}

func looksLikeEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	return at > 0 && strings.Contains(v[at+1:], ".")
}

// Suggestions lists merge suggestions, strongest first (staff only).
func (s *Service) Suggestions(ctx context.Context, f SuggestionFilter) ([]Suggestion, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	switch f.State {
	case "":
		f.State = "open"
	case "open", "accepted", "rejected":
	default:
		return nil, samtal.FieldError("state", "error.state_invalid")
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	return s.Store.Suggestions(ctx, f)
}

// AcceptSuggestion merges the suggestion's newer person into the older one
// (the older one usually holds the account and the history).
func (s *Service) AcceptSuggestion(ctx context.Context, id int64) (*Merge, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	sg, err := s.Store.SuggestionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sg.State != "open" {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.suggestion_decided"}
	}
	return s.merge(ctx, sg.PersonB, sg.PersonA, id)
}

// RejectSuggestion rejects a suggestion: the pair goes on the do-not-merge
// list and is never proposed again.
func (s *Service) RejectSuggestion(ctx context.Context, id int64) error {
	if err := s.requireEdit(ctx); err != nil {
		return err
	}
	sg, err := s.Store.SuggestionByID(ctx, id)
	if err != nil {
		return err
	}
	if sg.State != "open" {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.suggestion_decided"}
	}
	e := suggestionAudit(ctx, "person.suggestion_reject", sg)
	return s.Store.RejectSuggestion(ctx, id, samtal.ActorFrom(ctx).PersonID, s.now(), e)
}
