package person

import (
	"context"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// ExportList streams every person a list filter finds to fn, oldest first,
// with identities and tags, for a CSV file. Only staff with PermExport take
// people out of samtal; the audit log records the filter and how many left,
// not who. Limit and AfterID of f are ignored.
func (s *Service) ExportList(ctx context.Context, f ListFilter, fn func(*Person) error) error {
	if err := samtal.ActorFrom(ctx).Require(PermExport); err != nil {
		return err
	}
	if f.Role != "" && f.Role != "none" && !samtal.Role(f.Role).Valid() {
		return samtal.FieldError("role", "error.role_invalid")
	}
	n := 0
	err := s.Store.ExportPeople(ctx, f, func(p *Person) error {
		n++
		return fn(p)
	})
	filter := map[string]any{"q": f.Q, "tag": f.Tag, "role": f.Role, "language": f.Language, "consent": f.Consent,
		"active_days": int(f.ActiveFor.Hours() / 24), "min_score": f.MinScore, "bots": f.Bots, "rows": n, "complete": err == nil}
	if aerr := s.Store.AppendAudit(ctx, audit.New(ctx, "person.export_list", "person", 0, nil, filter)); err == nil {
		err = aerr
	}
	return err
}
