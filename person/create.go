package person

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// NewPerson is a person staff add by hand (after a phone call, from a
// letter): a name and the identities they know of.
type NewPerson struct {
	Name       string
	Locale     string
	Location   string
	Languages  []string
	Identities []Identity // Verified as staff say; the source is always staff
}

// Create stores a person that staff add, with their identities, and
// proposes merges with persons who may be the same human, as resolving an
// arriving identity does. Unlike Resolve it never attaches an identity to
// someone who has it already: that is ECONFLICT, and staff decide whether
// the identity belongs to that person. Requires PermEdit. Returns EINVALID
// naming the field ("identities.N.value" for the Nth identity).
func (r *Resolver) Create(ctx context.Context, in NewPerson) (*Person, error) {
	if err := samtal.ActorFrom(ctx).Require(PermEdit); err != nil {
		return nil, err
	}
	p := &Person{Name: strings.TrimSpace(in.Name), Locale: strings.TrimSpace(in.Locale), Location: strings.TrimSpace(in.Location)}
	if utf8.RuneCountInString(p.Name) > MaxNameLen {
		return nil, samtal.FieldError("name", "error.too_long")
	}
	if p.Name == "" && len(in.Identities) == 0 {
		return nil, samtal.FieldError("name", "error.name_required")
	}
	if p.Locale != "" && !validLanguage(p.Locale) {
		return nil, samtal.FieldError("locale", "error.person_language_invalid")
	}
	if utf8.RuneCountInString(p.Location) > MaxLocationLen {
		return nil, samtal.FieldError("location", "error.too_long")
	}
	langs, err := cleanLanguages(in.Languages)
	if err != nil {
		return nil, err
	}
	p.Languages = langs
	if len(in.Identities) > MaxIdentities {
		return nil, samtal.FieldError("identities", "error.too_many_identities")
	}
	kinds := make([]string, 0, len(in.Identities))
	for i, id := range in.Identities {
		n, err := NormalizeIdentity(id)
		if err != nil {
			return nil, identityField(i, err)
		}
		for _, o := range p.Identities {
			if o.Kind == n.Kind && o.Network == n.Network && o.Value == n.Value && o.Verified == n.Verified {
				return nil, samtal.FieldError("identities."+strconv.Itoa(i)+".value", "error.identity_repeated")
			}
		}
		n.Source = SourceStaff
		p.Identities = append(p.Identities, n)
		kinds = append(kinds, n.Kind)
	}
	// The entry says what kinds of identity were given, not their values:
	// the audit log is never erased.
	e := audit.New(ctx, "person.create", "person", 0, nil, map[string]any{"identities": kinds})
	if err := r.Store.AddPerson(ctx, p, e); err != nil {
		return nil, err
	}
	ids := p.Identities
	if len(ids) == 0 {
		ids = []Identity{{}} // only the name can match
	}
	for _, id := range ids {
		if err := r.propose(ctx, p, id); err != nil {
			return nil, err
		}
	}
	return r.Store.PersonByID(ctx, p.ID)
}

// identityField names the identity a field error is about.
func identityField(i int, err error) error {
	e, ok := err.(*samtal.Error)
	if !ok {
		return err
	}
	field := e.Field
	if field == "email" || field == "" {
		field = "value"
	}
	return samtal.FieldError("identities."+strconv.Itoa(i)+"."+field, e.Message)
}
