package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The people the benchmark adds besides the members: persons known from
// elsewhere (listening, imports), three identities each, and pairs of
// persons with many events for the merge timings.
const (
	identitiesPerPerson = 3
	personBatch         = 10000
	mergePairs          = 3
	mergeEvents         = 10000 // per person of a pair
	profilePersons      = 200   // members whose profiles the profile scenario reads
	benchAdminEmail     = "bench-admin@bench.example"
)

// mergePair is a member with a heavy history (A) and a person known from
// elsewhere with as many votes (B), a tenth of them on the same ideas.
type mergePair struct {
	A, B int64
}

var (
	benchFirstNames = []string{"Anna", "Lars", "Sofie", "Jonas", "Emma", "Frederik", "Lea", "Mads", "Ida", "Søren",
		"Clara", "Lukas", "Mia", "Felix", "Hannah", "Noah", "Olivia", "William", "Freja", "Paul", "Jürgen", "Åse"}
	benchLastNames = []string{"Jensen", "Nielsen", "Hansen", "Müller", "Schmidt", "Schneider", "Smith", "Jones",
		"Brown", "Larsen", "Sørensen", "Fischer", "Weber", "Taylor", "Andersen", "Wagner", "Ærø", "Christensen"}
	benchPlaces  = []string{"Aarhus", "København", "Odense", "Berlin", "Hamburg", "München", "London", "Manchester", "Malmö", "Aalborg"}
	benchLocales = []string{"da", "de", "en"}
)

// benchPerson is the n-th seeded person known from elsewhere.
func benchPerson(n int) *person.Person {
	first, last := benchFirstNames[n%len(benchFirstNames)], benchLastNames[(n/len(benchFirstNames))%len(benchLastNames)]
	return &person.Person{
		Name: first + " " + last, Locale: benchLocales[n%3], Location: benchPlaces[n%len(benchPlaces)],
		CreatedAt: time.Now().Add(-time.Duration(n%(365*24)) * time.Hour),
		Identities: []person.Identity{
			benchIdentity(n, 0), benchIdentity(n, 1), benchIdentity(n, 2),
		},
	}
}

// benchIdentity is the k-th identity of the n-th seeded person, as it
// arrives (normalised already: the resolver normalises the same way).
func benchIdentity(n, k int) person.Identity {
	switch k {
	case 0:
		v := "person" + strconv.Itoa(n) + "@mail.example"
		return person.Identity{Kind: person.KindEmail, Value: v, Display: v, Verified: true}
	case 1:
		v := "p" + strconv.Itoa(n) + "@social.example"
		return person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: v, Display: "@" + v, Verified: true}
	default:
		v := "reviewer " + strconv.Itoa(n)
		return person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: v, Display: v, Verified: true}
	}
}

// seedPeople imports sz.persons persons with three identities each, the
// staff member the people scenarios act as, and the merge pairs.
func seedPeople(ctx context.Context, db *sqlstore.DB, sz size, seed *seeded, ideaIDs []int64, campaignOf func(n int) int64, members []*account.Account) error {
	persons := sqlstore.NewPersons(db)
	for start := 0; start < sz.persons; start += personBatch {
		batch := make([]*person.Person, 0, personBatch)
		for n := start; n < min(start+personBatch, sz.persons); n++ {
			batch = append(batch, benchPerson(n))
		}
		if err := persons.ImportPersons(ctx, batch); err != nil {
			return fmt.Errorf("seed people: %w", err)
		}
	}
	seed.Persons = sz.persons

	hash, err := account.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	accounts := sqlstore.NewAccounts(db)
	adm := member(benchAdminEmail, "Bench Admin", hash)
	adm.Role = samtal.RoleAdmin
	if _, err := accounts.CreateAccount(ctx, adm, nil); err != nil {
		return fmt.Errorf("seed people: admin: %w", err)
	}
	svc := &account.Service{Store: accounts, Audit: sqlstore.NewAudit(db)}
	tok, err := svc.CreateTokenFor(samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"}), benchAdminEmail, "bench")
	if err != nil {
		return fmt.Errorf("seed people: admin token: %w", err)
	}
	seed.AdminEmail, seed.AdminToken = benchAdminEmail, tok.Secret
	for i := 1; i < len(members) && len(seed.ProfilePersons) < profilePersons; i += max(1, len(members)/profilePersons) {
		seed.ProfilePersons = append(seed.ProfilePersons, members[i].PersonID)
	}

	ideas := sqlstore.NewIdeas(db)
	now := time.Now().UTC()
	body := "A comment of the load benchmark's merge pairs."
	bodyHTML := markup.Render(body)
	// Each pair has its own ideas, so small test runs get smaller pairs.
	events := min(mergeEvents, len(ideaIDs)/(2*mergePairs))
	for k := range mergePairs {
		a, err := accounts.CreateAccount(ctx, member(fmt.Sprintf("merge-a-%d@bench.example", k), fmt.Sprintf("Merge A%d", k), hash), nil)
		if err != nil {
			return fmt.Errorf("seed people: merge pair: %w", err)
		}
		b := &person.Person{Name: fmt.Sprintf("Merge B%d", k), Identities: []person.Identity{
			{Kind: person.KindHandle, Network: "instagram", Value: fmt.Sprintf("merge.b.%d", k), Verified: true}}}
		if err := persons.ImportPersons(ctx, []*person.Person{b}); err != nil {
			return fmt.Errorf("seed people: merge pair: %w", err)
		}
		// A: half votes, half comments; B: votes only, the first tenth on
		// A's last ideas, so that the merge drops those twins.
		base := k * 2 * events
		var votes []sqlstore.ImportedVote
		var comments []sqlstore.ImportedComment
		for j := range events / 2 {
			n := base + j
			at := now.Add(-time.Duration(j) * time.Minute)
			votes = append(votes, sqlstore.ImportedVote{IdeaID: ideaIDs[n], PersonID: a.PersonID, CampaignID: campaignOf(n), At: at})
			comments = append(comments, sqlstore.ImportedComment{IdeaID: ideaIDs[n], PersonID: a.PersonID, Body: body, BodyHTML: bodyHTML, At: at})
		}
		for j := range events {
			n := base + events/2 - events/10 + j
			votes = append(votes, sqlstore.ImportedVote{IdeaID: ideaIDs[n], PersonID: b.ID, CampaignID: campaignOf(n), At: now.Add(-time.Duration(j) * time.Minute)})
		}
		if err := ideas.ImportVotes(ctx, votes, idea.Weight); err != nil {
			return fmt.Errorf("seed people: merge pair votes: %w", err)
		}
		if err := ideas.ImportComments(ctx, comments); err != nil {
			return fmt.Errorf("seed people: merge pair comments: %w", err)
		}
		seed.MergePairs = append(seed.MergePairs, mergePair{A: a.PersonID, B: b.ID})
	}
	return nil
}

// timing is a measured operation that is not a load scenario: how long one
// call takes, run a number of times one after another.
type timing struct {
	Name    string  `json:"name"`
	Runs    int     `json:"runs"`
	P50MS   float64 `json:"p50_ms"`
	P99MS   float64 `json:"p99_ms"`
	MaxMS   float64 `json:"max_ms"`
	Failed  string  `json:"failed,omitempty"`
	Comment string  `json:"comment,omitempty"`
	// PerSecond is a throughput, where the timing measures one.
	PerSecond float64 `json:"per_second,omitempty"`
	sortedMS  []float64
}

func newTiming(name string, d []time.Duration) timing {
	t := timing{Name: name, Runs: len(d)}
	for _, x := range d {
		t.sortedMS = append(t.sortedMS, ms(x))
	}
	slices.Sort(t.sortedMS)
	if len(t.sortedMS) > 0 {
		at := func(p int) float64 { return t.sortedMS[min(len(t.sortedMS)-1, len(t.sortedMS)*p/100)] }
		t.P50MS, t.P99MS, t.MaxMS = at(50), at(99), t.sortedMS[len(t.sortedMS)-1]
	}
	return t
}

// measureResolve resolves identities against the seeded store in this
// process, one at a time: nine in ten are known (a returning author), one in
// ten is new (a person is made and merge candidates looked up). The server
// is not running yet, so nothing else competes for the store. It returns
// the figures of all and of the new ones alone.
func measureResolve(ctx context.Context, dsn string, seed *seeded, runs int) (all, fresh timing, err error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return all, fresh, err
	}
	defer db.Close()
	store := sqlstore.NewPersons(db)
	r := &person.Resolver{Store: store, Candidates: store}
	rng := benchRand(seed.Persons, 7)
	stamp := time.Now().UnixNano()
	var ds, news []time.Duration
	for i := range runs + runs/10 {
		var in person.Resolution
		isNew := i%10 == 9 || seed.Persons == 0
		if isNew {
			in = person.Resolution{Identity: person.Identity{Kind: person.KindHandle, Network: "mastodon",
				Value: fmt.Sprintf("new%d_%d@social.example", stamp, i), Verified: true}, Name: "Anna Jensen", Locale: "da", Location: "Aarhus"}
		} else {
			n := rng.IntN(seed.Persons)
			in = person.Resolution{Identity: benchIdentity(n, rng.IntN(identitiesPerPerson))}
		}
		start := time.Now()
		if _, _, err := r.Resolve(ctx, in); err != nil {
			return all, fresh, fmt.Errorf("resolve: %w", err)
		}
		if i >= runs/10 { // the first tenth warms the caches
			d := time.Since(start)
			ds = append(ds, d)
			if isNew {
				news = append(news, d)
			}
		}
	}
	return newTiming("person-resolve", ds), newTiming("person-resolve-new", news), nil
}

// peopleScenarios read staff profiles with their first timeline page. Four
// clients, as for search: the target is one reader's wait, not a queue's.
func peopleScenarios(fx *fixture) []scenario {
	page := func(ids []int64) func(*http.Request, int, int) {
		return func(req *http.Request, client, n int) {
			req.URL.Path = "/admin/people/" + strconv.FormatInt(ids[(client*7919+n)%len(ids)], 10)
		}
	}
	heavy := make([]int64, 0, 2*len(fx.seed.MergePairs))
	for _, p := range fx.seed.MergePairs {
		heavy = append(heavy, p.A, p.B)
	}
	cookie := http.Header{"Cookie": {fx.adminCookie}}
	out := []scenario{{name: "person-profile", clients: 4, want: http.StatusOK,
		request: get("/admin/people/"+strconv.FormatInt(fx.seed.ProfilePersons[0], 10), cookie),
		vary:    page(fx.seed.ProfilePersons)}}
	// People lists searched by name: a common surname, a first name, a whole
	// name, a beginning, a word nobody has, and an exact email.
	queries := []string{"jensen", "anna", "Anna Jensen", "sør", "zzqxv", "person4711@mail.example"}
	out = append(out, scenario{name: "person-search", clients: 4, want: http.StatusOK,
		request: get("/api/v1/persons?q=jensen", http.Header{"Authorization": {"Bearer " + fx.seed.AdminToken}}),
		vary: func(req *http.Request, client, n int) {
			req.URL.RawQuery = url.Values{"q": {queries[(client+n)%len(queries)]}}.Encode()
		}})
	if len(heavy) > 0 {
		out = append(out, scenario{name: "person-profile-10k", clients: 4, want: http.StatusOK,
			request: get("/admin/people/"+strconv.FormatInt(heavy[0], 10), cookie), vary: page(heavy)})
	}
	return out
}

// measureMerges merges each pair through the API and undoes it, timing
// both, and checks that the undo gave A back exactly what it had.
func measureMerges(ctx context.Context, fx *fixture) (merge, unmerge timing, err error) {
	var md, ud []time.Duration
	for _, p := range fx.seed.MergePairs {
		before, err := fx.timelineCount(ctx, p.A)
		if err != nil {
			return merge, unmerge, err
		}
		start := time.Now()
		var out struct {
			MergeID string `json:"merge_id"`
		}
		if err := fx.adminPost(ctx, "/api/v1/persons/"+strconv.FormatInt(p.A, 10)+"/merge", map[string]any{"into": strconv.FormatInt(p.B, 10)}, &out); err != nil {
			return merge, unmerge, fmt.Errorf("merge: %w", err)
		}
		md = append(md, time.Since(start))
		start = time.Now()
		if err := fx.adminPost(ctx, "/api/v1/merges/"+out.MergeID+"/undo", nil, nil); err != nil {
			return merge, unmerge, fmt.Errorf("unmerge: %w", err)
		}
		ud = append(ud, time.Since(start))
		after, err := fx.timelineCount(ctx, p.A)
		if err != nil {
			return merge, unmerge, err
		}
		if after != before {
			return merge, unmerge, fmt.Errorf("person %d had %d timeline events before the merge and %d after the undo", p.A, before, after)
		}
	}
	return newTiming("person-merge-10k", md), newTiming("person-unmerge-10k", ud), nil
}

// adminPost posts JSON as the bench admin and decodes the answer into out.
func (fx *fixture) adminPost(ctx context.Context, path string, body, out any) error {
	var r io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fx.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+fx.seed.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := fx.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: status %d: %s", path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// timelineCount counts a person's timeline events through the API, page by
// page.
func (fx *fixture) timelineCount(ctx context.Context, id int64) (int, error) {
	n, cursor := 0, ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			fx.base+"/api/v1/persons/"+strconv.FormatInt(id, 10)+"/timeline?limit=100&cursor="+cursor, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+fx.seed.AdminToken)
		resp, err := fx.client.Do(req)
		if err != nil {
			return 0, err
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
			Next  string            `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("timeline of %d: status %d: %v", id, resp.StatusCode, err)
		}
		n += len(page.Items)
		if cursor = page.Next; cursor == "" {
			return n, nil
		}
	}
}
