package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/jobs"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The member the scenarios act as.
const (
	benchEmail    = "bench@bench.example"
	benchPassword = "bench-password-1234"
)

// seedWorkers write accounts in parallel. SQLite has one writer and queues
// them in Go; PostgreSQL takes them side by side.
const seedWorkers = 8

// seeded is what the scenarios know about the seeded store.
type seeded struct {
	Email    string   // a verified member…
	Password string   // …with this password
	Token    string   // and this personal API token
	Tokens   []string // tokensPerMember tokens of each member, for the many-tokens scenario
	Took     time.Duration

	Campaigns []benchCampaign // the seeded campaigns with their ideas and votes
	IdeaIDs   []int64         // a sample of ideas, for the idea page
	// VoteIdeas are ideas of their own campaign that nobody voted for, so
	// that every vote of the vote scenario is a new one.
	VoteCampaign int64
	VoteIdeas    []int64
	// SearchQueries are one- and two-word queries drawn from the words of
	// the seeded texts, for the search scenario.
	SearchQueries []string

	// Persons known from elsewhere (three identities each), the staff
	// member the people scenarios act as, members whose profiles they
	// read, and the pairs the merge timings merge and undo.
	Persons        int
	AdminEmail     string
	AdminToken     string
	ProfilePersons []int64
	MergePairs     []mergePair

	// Listening: the mentions seeded, the topics they were matched
	// against, and the webhook source (with its secret) they came through.
	Mentions   int
	TopicIDs   []int64
	HookSource int64
	HookSecret string
}

// size is how big a store to seed.
type size struct {
	accounts, campaigns, ideas, votes int
	comments                          int
	persons                           int
	// mentions is how many mentions the listening scenarios search.
	mentions int
}

// seedStore creates and migrates a store at dsn (an SQLite path or a
// postgres:// URL) and fills it the way the server will find it: the bench
// member first, then accounts-1 more members. Later capabilities add their
// data here. The store is closed when it returns, so that the server can
// open it.
func seedStore(ctx context.Context, dsn string, sz size) (*seeded, error) {
	start := time.Now()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	seed, err := fill(ctx, db, sz)
	if err == nil {
		// A store this size in use has been vacuumed and analysed by
		// autovacuum long ago; right after a bulk load it has not, and its
		// plans and dead rows would measure the load, not samtal.
		err = db.Settle(ctx)
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("seed: close store: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	seed.Took = time.Since(start)
	return seed, nil
}

// fill migrates db and writes the seed data into it.
func fill(ctx context.Context, db *sqlstore.DB, sz size) (*seeded, error) {
	accounts := sz.accounts
	if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("seed: job queue migrations: %w", err)
	}

	// argon2id is slow on purpose; every account shares this one hash.
	hash, err := account.HashPassword(benchPassword)
	if err != nil {
		return nil, fmt.Errorf("seed: hash password: %w", err)
	}
	store := sqlstore.NewAccounts(db)
	if _, err := store.CreateAccount(ctx, member(benchEmail, "Bench Member", hash), nil); err != nil {
		return nil, fmt.Errorf("seed: bench account: %w", err)
	}
	if err := createMembers(ctx, store, accounts-1, hash); err != nil {
		return nil, err
	}

	// The token is made the way `samtal token add` makes it.
	svc := &account.Service{Store: store, Audit: sqlstore.NewAudit(db)}
	cli := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	tok, err := svc.CreateTokenFor(cli, benchEmail, "bench")
	if err != nil {
		return nil, fmt.Errorf("seed: api token: %w", err)
	}
	tokens, err := createTokens(ctx, store, accounts)
	if err != nil {
		return nil, err
	}
	seed := &seeded{Email: benchEmail, Password: benchPassword, Token: tok.Secret, Tokens: tokens}
	if err := seedIdeas(ctx, db, sz, seed); err != nil {
		return nil, err
	}
	if err := seedListening(ctx, db, sz, seed); err != nil {
		return nil, err
	}
	return seed, nil
}

// tokensPerMember is how many tokens each member gets for the many-tokens
// scenario: enough that a token comes round less than once a second.
const tokensPerMember = 3

// createTokens gives every member tokensPerMember API tokens, stored the way
// the service stores them (only the hash), and returns the secrets.
func createTokens(ctx context.Context, store *sqlstore.Accounts, accounts int) ([]string, error) {
	list, err := store.ListAccounts(ctx, account.Filter{Limit: accounts + 1})
	if err != nil {
		return nil, fmt.Errorf("seed: list accounts: %w", err)
	}
	var secrets []string
	for _, a := range list {
		for i := range tokensPerMember {
			secret := fmt.Sprintf("smt_bench_%d_%d_%d", a.ID, i, time.Now().UnixNano())
			t := &account.APIToken{AccountID: a.ID, Name: "bench", CreatedAt: time.Now()}
			if err := store.CreateAPIToken(ctx, t, account.HashSecret(secret)); err != nil {
				return nil, fmt.Errorf("seed: token: %w", err)
			}
			secrets = append(secrets, secret)
		}
	}
	return secrets, nil
}

// createMembers creates n verified members member000001@bench.example … with
// seedWorkers in parallel; the first error stops them all.
func createMembers(ctx context.Context, store *sqlstore.Accounts, n int, hash string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range seedWorkers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				email := fmt.Sprintf("member%06d@bench.example", i)
				if _, err := store.CreateAccount(ctx, member(email, fmt.Sprintf("Member %d", i), hash), nil); err != nil {
					cancel(fmt.Errorf("seed: account %s: %w", email, err))
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx) // nil unless a worker failed or the run was cancelled
}

// member is a verified member account that signs in with email.
func member(email, name, hash string) account.NewAccount {
	return account.NewAccount{
		Email: email, Name: name, Role: samtal.RoleMember, PasswordHash: hash, Verified: true,
		Identity: person.Identity{Kind: person.KindEmail, Value: email, Display: email, Verified: true},
	}
}

// newPostgresSchema creates an empty schema samtal_bench_<random> on the
// server at base and returns base with search_path set to it, and a function
// that drops the schema with everything in it.
func newPostgresSchema(ctx context.Context, base string) (string, func(context.Context) error, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("postgres url: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "samtal_bench_" + hex.EncodeToString(b)

	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	drop := func(ctx context.Context) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
