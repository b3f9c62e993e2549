package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The rules of export and erasure, against the real store on both engines.

const password = "correct horse battery"

type world struct {
	t        *testing.T
	db       *sqlstore.DB
	svc      *privacy.Service
	accounts *sqlstore.Accounts
	people   map[string]*account.Account
	idea     *idea.Idea
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: db, accounts: sqlstore.NewAccounts(db), people: map[string]*account.Account{},
		svc: &privacy.Service{Store: sqlstore.NewPrivacy(db), Limiter: sqlstore.NewLimiter(db)}}
	hash, err := account.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		key  string
		role samtal.Role
	}{{"ada", samtal.RoleMember}, {"bo", samtal.RoleMember}, {"admin", samtal.RoleAdmin}} {
		email := p.key + "@example.org"
		a, err := w.accounts.CreateAccount(ctx, account.NewAccount{Email: email, Name: "Name of " + p.key, Role: p.role,
			PasswordHash: hash, Verified: true, Identity: person.Identity{Kind: person.KindEmail, Value: email, Verified: true}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.people[p.key] = a
	}
	c := &campaign.Campaign{Slug: "sofas", Title: "Sofas", Visibility: campaign.Public, CreatedAt: time.Now(),
		Questions: []campaign.Question{{Position: 1, Text: "Which colour?"}}}
	if err := sqlstore.NewCampaigns(db).CreateCampaign(ctx, c, audit.Entry{At: time.Now(), Action: "campaign.create"}); err != nil {
		t.Fatal(err)
	}
	ideas := sqlstore.NewIdeas(db)
	w.idea = &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: w.people["ada"].PersonID,
		Title: "A green sofa", Body: "Moss green, please.", Status: idea.Open, CreatedAt: time.Now()}
	if err := ideas.CreateIdea(ctx, w.idea, 0); err != nil {
		t.Fatal(err)
	}
	if err := ideas.AddComment(ctx, &idea.Comment{IdeaID: w.idea.ID, AuthorPersonID: w.people["ada"].PersonID,
		Body: "And a matching footstool.", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := ideas.AddVote(ctx, w.idea.ID, w.people["bo"].PersonID, c.ID, 0, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := w.accounts.CreateSession(ctx, &account.Session{Hash: "sessionhash-ada", AccountID: w.people["ada"].ID, CSRFToken: "csrf-secret-ada",
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour), IP: "198.51.100.23", UserAgent: "Firefox/150"}); err != nil {
		t.Fatal(err)
	}
	if err := w.accounts.CreateAPIToken(ctx, &account.APIToken{AccountID: w.people["ada"].ID, Name: "my script", CreatedAt: now}, "tokenhash-ada"); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewPersons(db).AddNote(ctx, &person.Note{PersonID: w.people["ada"].PersonID, AuthorPersonID: w.people["admin"].PersonID,
		Body: "Called about the delivery.", CreatedAt: now}, audit.Entry{At: now, Action: "person.note"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// as is the context of an account acting through a session.
func (w *world) as(key string) context.Context {
	a := w.people[key]
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "session", IP: "192.0.2.1"})
}

func (w *world) subject(id int64) *privacy.Subject {
	w.t.Helper()
	s, err := sqlstore.NewPrivacy(w.db).Subject(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// archive exports person id as ctx's actor and returns the zip's files.
func (w *world) archive(ctx context.Context, id int64) (map[string]string, error) {
	a, err := w.svc.Export(ctx, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	n, err := a.WriteTo(&buf)
	if err != nil {
		w.t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		w.t.Errorf("WriteTo says %d bytes, wrote %d", n, buf.Len())
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		w.t.Fatalf("not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			w.t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	return files, nil
}

func lines(s string) int { return strings.Count(s, "\n") }

func TestExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ada := w.people["ada"]
		files, err := w.archive(w.as("ada"), ada.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Name       string
			Identities []privacy.Identity
			Account    map[string]any
			Files      []string
		}
		if err := json.Unmarshal([]byte(files["person.json"]), &p); err != nil {
			t.Fatalf("person.json: %v\n%s", err, files["person.json"])
		}
		if p.Name != "Name of ada" || len(p.Identities) != 1 || p.Identities[0].Value != "ada@example.org" ||
			p.Account["email"] != "ada@example.org" || p.Account["role"] != "member" {
			t.Errorf("person.json = %s", files["person.json"])
		}
		for _, f := range p.Files {
			if _, ok := files[f]; !ok && f != "uploads/" {
				t.Errorf("person.json names %s, which the archive lacks", f)
			}
		}
		for file, want := range map[string]int{"ideas.jsonl": 1, "comments.jsonl": 1, "votes.jsonl": 0, "sessions.jsonl": 1,
			"tokens.jsonl": 1, "notifications.jsonl": 0, "consents.jsonl": 0, "uploads.jsonl": 0} {
			if got, ok := files[file]; !ok || lines(got) != want {
				t.Errorf("%s has %d lines, want %d: %q", file, lines(got), want, got)
			}
		}
		if !strings.Contains(files["ideas.jsonl"], `"title":"A green sofa"`) || !strings.Contains(files["comments.jsonl"], "matching footstool") ||
			!strings.Contains(files["sessions.jsonl"], "198.51.100.23") || !strings.Contains(files["tokens.jsonl"], "my script") {
			t.Errorf("records: %v", files)
		}
		// A member's own archive: no staff notes, and no secret anywhere.
		if _, ok := files["notes.jsonl"]; ok {
			t.Error("a member's own archive holds the staff notes")
		}
		all := strings.Join(mapValues(files), "\n")
		for _, secret := range []string{"argon2", "sessionhash-ada", "csrf-secret-ada", "tokenhash-ada", "Called about the delivery"} {
			if strings.Contains(all, secret) {
				t.Errorf("the member's archive holds %q", secret)
			}
		}

		// Bo's vote is his, not Ada's.
		files, err = w.archive(w.as("bo"), w.people["bo"].PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if lines(files["votes.jsonl"]) != 1 || lines(files["ideas.jsonl"]) != 0 {
			t.Errorf("bo's archive: votes %q, ideas %q", files["votes.jsonl"], files["ideas.jsonl"])
		}

		// An admin answering Ada's request gets the notes too.
		files, err = w.archive(w.as("admin"), ada.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(files["notes.jsonl"], "Called about the delivery") {
			t.Errorf("staff archive notes = %q", files["notes.jsonl"])
		}

		// Each archive is audited: who, for whom, not the content.
		list, err := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "person.export", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ActorID != w.people["admin"].ID || list[0].TargetID != itoa(ada.PersonID) ||
			strings.Contains(list[0].After, "sofa") {
			t.Errorf("audit entries = %+v", list)
		}
	})
}

func TestExportRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ada := w.people["ada"].PersonID
		tests := []struct {
			name string
			ctx  context.Context
			id   int64
			want string
		}{
			{"visitor", context.Background(), ada, samtal.EUNAUTHORIZED},
			{"another member", w.as("bo"), ada, samtal.ENOTFOUND},
			{"no such person", w.as("admin"), 999999, samtal.ENOTFOUND},
		}
		for _, tt := range tests {
			if _, err := w.svc.Export(tt.ctx, tt.id); samtal.ErrorCode(err) != tt.want {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.want)
			}
		}
		if list, _ := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "person.export", Limit: 10}); len(list) != 0 {
			t.Errorf("refused exports were audited: %+v", list)
		}
	})
}

func TestEraseRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ada := w.people["ada"]
		before := w.subject(ada.PersonID)
		tests := []struct {
			name     string
			ctx      context.Context
			id       int64
			password string
			code     string
			field    string
		}{
			{"visitor", context.Background(), ada.PersonID, password, samtal.EUNAUTHORIZED, ""},
			{"another member", w.as("bo"), ada.PersonID, password, samtal.ENOTFOUND, ""},
			{"wrong password", w.as("ada"), ada.PersonID, "not my password", samtal.EINVALID, "password"},
			{"no password", w.as("ada"), ada.PersonID, "", samtal.EINVALID, "password"},
			{"the last admin", w.as("admin"), w.people["admin"].PersonID, password, samtal.ECONFLICT, ""},
			{"no such person", w.as("admin"), 999999, "", samtal.ENOTFOUND, ""},
		}
		for _, tt := range tests {
			err := w.svc.Erase(tt.ctx, tt.id, tt.password)
			var e *samtal.Error
			if samtal.ErrorCode(err) != tt.code {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
			} else if tt.field != "" && (!errors.As(err, &e) || e.Field != tt.field) {
				t.Errorf("%s: err = %v, want field %s", tt.name, err, tt.field)
			}
		}
		after := w.subject(ada.PersonID)
		if after.Erased || after.Name != before.Name || after.Account == nil || len(after.Identities) != 1 {
			t.Errorf("after refused erasures: %+v", after)
		}
		if w.subject(w.people["admin"].PersonID).Erased {
			t.Error("the last admin was erased")
		}

		// An admin erases Ada for her request; a second time is a conflict
		// that changes nothing.
		if err := w.svc.Erase(w.as("admin"), ada.PersonID, ""); err != nil {
			t.Fatal(err)
		}
		gone := w.subject(ada.PersonID)
		if !gone.Erased || gone.Name != "" || gone.Account != nil || len(gone.Identities) != 0 || len(gone.Tags) != 0 {
			t.Errorf("after erasure: %+v", gone)
		}
		if err := w.svc.Erase(w.as("admin"), ada.PersonID, ""); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second erasure: err = %v, want ECONFLICT", err)
		}
		if _, err := w.svc.Export(w.as("admin"), ada.PersonID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("export of an erased person: err = %v, want ECONFLICT", err)
		}
		list, _ := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "person.erase", Limit: 10})
		if len(list) != 1 || list[0].TargetID != itoa(ada.PersonID) || strings.Contains(list[0].After, "ada") || list[0].Before != "" {
			t.Errorf("erase entries = %+v", list)
		}
		// Her idea and comment stay, by nobody anyone can name.
		ideas := sqlstore.NewIdeas(db)
		i, err := ideas.IdeaByID(context.Background(), w.idea.ID, 0)
		if err != nil || i.AuthorName != "" || i.Title != "A green sofa" || i.Votes != 1 || i.Comments != 1 {
			t.Errorf("her idea after erasure: %+v, %v", i, err)
		}

		// Bo erases himself with his password and is signed out for good.
		if err := w.svc.Erase(w.as("bo"), w.people["bo"].PersonID, password); err != nil {
			t.Fatal(err)
		}
		if _, err := w.accounts.AccountByID(context.Background(), w.people["bo"].ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("bo's account after self-erasure: %v", err)
		}
		list, _ = sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "person.erase", Limit: 1})
		if len(list) != 1 || list[0].IP != "" || list[0].ActorLabel == "bo@example.org" {
			t.Errorf("self-erasure entry = %+v", list)
		}
	})
}

// TestEraseMergedPersons: a person merged into the erased one is the same
// human, so they are erased too; erasing them on their own is refused
// (erase the person they went into).
func TestEraseMergedPersons(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		persons := sqlstore.NewPersons(db)
		other := &person.Person{Name: "Ada from the reviews", Identities: []person.Identity{
			{Kind: person.KindReviewName, Network: "trustpilot", Value: "ada l.", Display: "Ada L."}}}
		if err := persons.CreatePerson(ctx, other); err != nil {
			t.Fatal(err)
		}
		ada := w.people["ada"].PersonID
		if _, err := persons.Merge(ctx, other.ID, ada, w.people["admin"].PersonID, time.Now(), audit.Entry{At: time.Now(), Action: "person.merge"}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Erase(w.as("admin"), other.ID, ""); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("erasing a merged-away person: err = %v, want ECONFLICT", err)
		}
		if err := w.svc.Erase(w.as("admin"), ada, ""); err != nil {
			t.Fatal(err)
		}
		got := w.subject(other.ID)
		if !got.Erased || got.Name != "" || len(got.Identities) != 0 {
			t.Errorf("the person merged into the erased one: %+v", got)
		}
		if found, err := db.Remnants(ctx, []string{"Ada from the reviews", "ada l.", "ada@example.org", "Name of ada"}); err != nil || len(found) > 0 {
			t.Errorf("remnants: %v, %v", found, err)
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
