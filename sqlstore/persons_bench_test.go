package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// benchPeople opens an SQLite store with n persons of three identities each.
func benchPeople(b *testing.B, n int) *sqlstore.Persons {
	b.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "samtal.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := sqlstore.NewPersons(db)
	for start := 0; start < n; start += 10000 {
		var ps []*person.Person
		for i := start; i < min(n, start+10000); i++ {
			ps = append(ps, &person.Person{Name: fmt.Sprintf("Anna Jensen%d", i%300), Locale: "da", Location: "Aarhus", Identities: []person.Identity{
				{Kind: person.KindEmail, Value: fmt.Sprintf("p%d@mail.example", i), Verified: true},
				{Kind: person.KindHandle, Network: "mastodon", Value: fmt.Sprintf("p%d@social.example", i), Verified: true},
				{Kind: person.KindReviewName, Network: "trustpilot", Value: fmt.Sprintf("reviewer %d", i), Verified: true}}})
		}
		if err := s.ImportPersons(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkResolve resolves identities samtal knows (a returning author) and
// new ones (a person and their merge suggestions are made) on SQLite.
func BenchmarkResolve(b *testing.B) {
	s := benchPeople(b, 50000)
	r := &person.Resolver{Store: s, Candidates: s}
	ctx := context.Background()
	b.Run("known", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			id := person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: fmt.Sprintf("p%d@social.example", i%50000), Verified: true}
			if _, created, err := r.Resolve(ctx, person.Resolution{Identity: id}); err != nil || created {
				b.Fatal(err, created)
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			id := person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: fmt.Sprintf("new%d@social.example", i), Verified: true}
			if _, created, err := r.Resolve(ctx, person.Resolution{Identity: id, Name: "Anna Jensen", Locale: "da", Location: "Aarhus"}); err != nil || !created {
				b.Fatal(err, created)
			}
		}
	})
}
