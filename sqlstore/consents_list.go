package sqlstore

import "github.com/samtal-dev/samtal/person"

// consentFilter keeps, in a people list filtered by a purpose, the persons
// whose newest consent record for it says given.
func consentFilter(f person.ListFilter) (string, []any) {
	if f.Consent == "" {
		return "", nil
	}
	return `(SELECT c.given FROM consents c WHERE c.person_id = p.id AND c.purpose = %s
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1) = %s`, []any{f.Consent, true}
}
