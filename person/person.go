// Package person holds the centre of samtal's model: a person is one human,
// whatever channel they came through, with the identities they showed up as.
// Accounts, contributions, mentions and conversations all point at a person.
package person

import (
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/samtal-dev/samtal"
)

// Person is a human the organisation knows of.
type Person struct {
	ID         int64
	Name       string
	Locale     string
	Location   string
	Languages  []string // ISO 639-1 codes
	Avatar     string   // an upload key, or ""
	Bot        bool     // flagged as a bot: kept out of figures
	MergedInto int64    // set when this person was merged into another
	Erased     bool     // erased on request: nothing personal is left
	Identities []Identity
	Tags       []string
	HasAccount bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NameKey folds a name for finding people who may be the same: lower case,
// German and Danish letters spelt the way people type them without the
// letter (ü ue, ö and ø oe, ä and æ ae, å aa, ß ss), other accents off, words
// sorted, so that "Katrin Müller" and "mueller katrin" share a key. A name of one short word gives no key: too many
// people share it.
func NameKey(name string) string {
	s := strings.ToLower(name)
	s = strings.NewReplacer("ü", "ue", "ö", "oe", "ø", "oe", "ä", "ae", "æ", "ae", "å", "aa", "ß", "ss").Replace(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if folded, _, err := transform.String(t, s); err == nil {
		s = folded
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) < 2 && (len(words) == 0 || len(words[0]) < 4) {
		return ""
	}
	slices.Sort(words)
	return strings.Join(words, " ")
}

// The kinds of identity.
const (
	KindEmail      = "email"
	KindHandle     = "handle"      // a handle on a social network: network is the network
	KindURL        = "url"         // a blog or profile URL
	KindReviewName = "review_name" // a name on a review site: network is the site
)

// Identity is one way a person shows up. Value is normalised, so that two
// identities with the same kind, network and value are the same identity.
type Identity struct {
	ID       int64
	PersonID int64
	Kind     string
	Network  string
	Value    string
	Display  string // as the person wrote it
	// Verified identities are proven (a confirmed email, an author the
	// network itself names); an unverified one is a claim, so it never
	// joins a verified copy's person by itself.
	Verified  bool
	Source    string // how samtal learnt it: signup, staff, member, mention, import
	CreatedAt time.Time
}

// The sources of identities.
const (
	SourceSignup  = "signup"
	SourceStaff   = "staff"
	SourceMember  = "member" // linked by the person themselves
	SourceMention = "mention"
	SourceImport  = "import"
)

// NormalizeIdentity checks an identity and returns it with its value and
// network normalised. Returns EINVALID naming the field that is wrong.
func NormalizeIdentity(id Identity) (Identity, error) {
	id.Network = strings.ToLower(strings.TrimSpace(id.Network))
	raw := strings.TrimSpace(id.Value)
	if id.Display == "" {
		id.Display = raw
	}
	switch id.Kind {
	case KindEmail:
		v, err := NormalizeEmail(raw)
		if err != nil {
			return id, err
		}
		id.Value, id.Network = v, ""
	case KindHandle:
		if id.Network == "" {
			return id, samtal.FieldError("network", "error.identity_network_required")
		}
		v := strings.ToLower(strings.TrimPrefix(raw, "@"))
		if v == "" || strings.ContainsAny(v, " \t\r\n") {
			return id, samtal.FieldError("value", "error.identity_handle_invalid")
		}
		id.Value = v
	case KindURL:
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return id, samtal.FieldError("value", "error.identity_url_invalid")
		}
		// http and https, www or not, and a trailing slash name the same page.
		host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
		id.Value = host + strings.TrimSuffix(u.EscapedPath(), "/")
		id.Network = ""
	case KindReviewName:
		if id.Network == "" {
			return id, samtal.FieldError("network", "error.identity_network_required")
		}
		v := strings.Join(strings.Fields(strings.ToLower(raw)), " ")
		if v == "" {
			return id, samtal.FieldError("value", "error.identity_value_required")
		}
		id.Value = v
	default:
		return id, samtal.FieldError("kind", "error.identity_kind_invalid")
	}
	if len(id.Value) > 320 {
		return id, samtal.FieldError("value", "error.too_long")
	}
	return id, nil
}

// NormalizeEmail returns the address lower-cased and trimmed, or EINVALID on
// the field "email" if it is not one plain address.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") || len(s) > 254 {
		return "", samtal.FieldError("email", "error.email_invalid")
	}
	return strings.ToLower(s), nil
}
