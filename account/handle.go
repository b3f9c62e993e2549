package account

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/samtal-dev/samtal"
)

// Handles name accounts in @mentions.
const (
	MinHandleLen = 2
	MaxHandleLen = 30
	// handleBaseLen leaves room for the number that tells two alike
	// names apart ("anna", "anna2", …).
	handleBaseLen = 26
)

// The notification mails a member may choose.
const (
	NotifyOff       = "off"
	NotifyImmediate = "immediate"
	NotifyDaily     = "daily"
)

// foldExtra are letters that Unicode decomposition does not reduce to ASCII.
var foldExtra = map[rune]string{
	'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'đ': "d", 'Đ': "d",
	'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'œ': "oe", 'Œ': "oe",
}

// HandleFrom makes the base of a handle from a name: ASCII-folded
// ("Søren Ærø" → "soren_aero"), lower-case, other characters as one
// underscore, at most 26 characters; "member" when too little is left.
func HandleFrom(name string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFD.String(name) {
		if unicode.Is(unicode.Mn, r) {
			continue // an accent, taken off its letter
		}
		s, ok := foldExtra[r]
		if !ok {
			r = unicode.ToLower(r)
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				s = string(r)
			}
		}
		if s == "" {
			under = b.Len() > 0
			continue
		}
		if under {
			b.WriteByte('_')
			under = false
		}
		b.WriteString(s)
	}
	h := b.String()
	if len(h) > handleBaseLen {
		h = strings.TrimRight(h[:handleBaseLen], "_")
	}
	if len(h) < MinHandleLen {
		return "member"
	}
	return h
}

// CheckHandle returns h lower-cased, or EINVALID on the field "handle" unless
// it is 2–30 characters of a–z, 0–9 and _.
func CheckHandle(h string) (string, error) {
	h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
	if len(h) < MinHandleLen || len(h) > MaxHandleLen || strings.Trim(h, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return "", samtal.FieldError("handle", "error.handle_invalid")
	}
	return h, nil
}

// HandleStore changes handles and mail choices (part of Store).
type HandleStore interface {
	// SetHandle returns ECONFLICT (field handle) when another account has it.
	SetHandle(ctx context.Context, accountID int64, handle string) error
	SetNotifyEmail(ctx context.Context, accountID int64, choice string) error
}

// ChangeHandle sets the actor's own handle. Returns EINVALID for a handle of
// the wrong shape and ECONFLICT when another account has it.
func (s *Service) ChangeHandle(ctx context.Context, handle string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	h, err := CheckHandle(handle)
	if err != nil {
		return err
	}
	defer s.forget(a.AccountID, 0)
	return s.Store.SetHandle(ctx, a.AccountID, h)
}

// ChangeNotifyEmail sets which notification mails the actor gets. Returns
// EINVALID for a choice that is not NotifyOff, NotifyImmediate or NotifyDaily.
func (s *Service) ChangeNotifyEmail(ctx context.Context, choice string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	switch choice {
	case NotifyOff, NotifyImmediate, NotifyDaily:
	default:
		return samtal.FieldError("notify_email", "error.notify_email_invalid")
	}
	defer s.forget(a.AccountID, 0)
	return s.Store.SetNotifyEmail(ctx, a.AccountID, choice)
}
