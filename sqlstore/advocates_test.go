package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// Scores computed at different times compare as they are now: a score of 8
// computed a half-life ago is worth 4 now and ranks below a fresh 5, and
// the people list's score filter agrees.
func TestAdvocateScoresRankAcrossTimes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAdvocates(db)
		accounts := sqlstore.NewAccounts(db)
		now := time.Now().UTC()
		older := newAccount(t, accounts, "older@example.org", samtal.RoleMember)
		fresh := newAccount(t, accounts, "fresh@example.org", samtal.RoleMember)
		staff := newAccount(t, accounts, "staff@example.org", samtal.RoleModerator)
		scores := []advocate.Score{
			{PersonID: older.PersonID, Points: 8, ComputedAt: now.Add(-advocate.HalfLife), Parts: []advocate.Part{{Name: advocate.PartIdeas, Count: 3, Points: 8}}},
			{PersonID: fresh.PersonID, Points: 5, ComputedAt: now, Parts: []advocate.Part{{Name: advocate.PartHelping, Count: 3, Points: 5}}},
			{PersonID: staff.PersonID, Points: 50, ComputedAt: now, Parts: []advocate.Part{{Name: advocate.PartIdeas, Count: 20, Points: 50}}},
		}
		if err := s.SaveScores(ctx, scores, nil, nil); err != nil {
			t.Fatal(err)
		}
		list, err := s.Candidates(ctx, advocate.RankKey(1, now), nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range list {
			got = append(got, fmt.Sprintf("%d:%.0f:%s", c.PersonID, c.Score.At(now).Points, c.Score.Parts[0].Name))
		}
		want := []string{fmt.Sprintf("%d:5:helping", fresh.PersonID), fmt.Sprintf("%d:4:ideas", older.PersonID)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("candidates %v, want %v (staff never)", got, want)
		}
		// At least 4.5 now: only the fresh score.
		list, err = s.Candidates(ctx, advocate.RankKey(4.5, now), nil, 10)
		if err != nil || len(list) != 1 || list[0].PersonID != fresh.PersonID {
			t.Errorf("candidates with at least 4.5: %+v, %v", list, err)
		}
		people, err := sqlstore.NewPersons(db).List(ctx, person.ListFilter{MinScore: 4.5, Limit: 10})
		if err != nil || len(people) != 2 || people[0].ID != staff.PersonID || people[1].ID != fresh.PersonID {
			t.Errorf("people with at least 4.5: %v, %v", people, err)
		}
		// Dropping a score takes the person out.
		if err := s.SaveScores(ctx, nil, []int64{fresh.PersonID}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ScoreOf(ctx, fresh.PersonID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("dropped score: %v", err)
		}
	})
}

// A send is one transaction: a second send of the same briefing stores no
// mail and no delivery; a read keeps its first time.
func TestSendBriefingIsAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAdvocates(db)
		ob := sqlstore.NewOutbox(db)
		a := newAccount(t, sqlstore.NewAccounts(db), "a@example.org", samtal.RoleMember)
		now := time.Now().UTC().Truncate(time.Millisecond)
		b := &advocate.Briefing{Title: "Facts", Body: "Facts.", BodyHTML: "<p>Facts.</p>", State: advocate.Draft, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateBriefing(ctx, b, audit.Entry{At: now, Action: "briefing.create", TargetKind: "briefing"}); err != nil {
			t.Fatal(err)
		}
		delivery := func() []advocate.Delivery {
			return []advocate.Delivery{{PersonID: a.PersonID, UnsubscribeHash: fmt.Sprintf("h%d", now.UnixNano()),
				Mail: &outbox.Mail{To: a.Email, Subject: "Briefing: Facts", Text: "Facts.", State: outbox.StateKept, CreatedAt: now}}}
		}
		b.State, b.SentAt, b.Mailed = advocate.Sent, now, 1
		if err := s.SendBriefing(ctx, b, delivery(), audit.Entry{At: now, Action: "briefing.send", TargetKind: "briefing"}); err != nil {
			t.Fatal(err)
		}
		mails := func() int {
			list, err := ob.ListMail(ctx, outbox.Filter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if n := mails(); n != 1 {
			t.Fatalf("mails after the send: %d", n)
		}
		err := s.SendBriefing(ctx, b, delivery(), audit.Entry{At: now, Action: "briefing.send", TargetKind: "briefing"})
		if samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second send: %v", err)
		}
		if n := mails(); n != 1 {
			t.Errorf("mails after the second send: %d", n)
		}
		if err := s.UpdateBriefing(ctx, b, audit.Entry{At: now, Action: "briefing.update", TargetKind: "briefing"}); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("update a sent briefing: %v", err)
		}
		b.ID = 987654
		if err := s.UpdateBriefing(ctx, b, audit.Entry{At: now, Action: "briefing.update", TargetKind: "briefing"}); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("update no briefing: %v", err)
		}

		first, err := s.RecordRead(ctx, 1, a.PersonID, now.Add(time.Minute))
		if err != nil || !first {
			t.Fatalf("first read: %v %v", first, err)
		}
		again, err := s.RecordRead(ctx, 1, a.PersonID, now.Add(time.Hour))
		if err != nil || again {
			t.Errorf("second read: %v %v", again, err)
		}
		r, err := s.Recipient(ctx, 1, a.PersonID)
		if err != nil || !r.ReadAt.Equal(now.Add(time.Minute)) || r.MailID == 0 || r.MailState != outbox.StateKept {
			t.Errorf("recipient: %+v, %v", r, err)
		}
	})
}

// A merge moves a place in the advocate group and briefings received to
// the person merged into, unless they have their own; the unmerge sends
// them back.
func TestAdvocatesMoveWithAMerge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAdvocates(db)
		persons := sqlstore.NewPersons(db)
		accounts := sqlstore.NewAccounts(db)
		a := newAccount(t, accounts, "a@example.org", samtal.RoleMember)
		b := &person.Person{Name: "A. from a review site"}
		if err := persons.CreatePerson(ctx, b); err != nil {
			t.Fatal(err)
		}
		c := &person.Person{Name: "Another copy"}
		if err := persons.CreatePerson(ctx, c); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		for i, p := range []int64{a.PersonID, c.ID} {
			m := &advocate.Member{PersonID: p, State: advocate.StateInvited, InvitedAt: now.Add(time.Duration(i) * time.Second)}
			if err := s.Invite(ctx, m, "", nil, audit.Entry{At: now, Action: "advocate.invite", TargetKind: "person"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RecordRead(ctx, 1, a.PersonID, now); err == nil {
			t.Fatal("a read of no briefing was stored") // the foreign key holds
		}
		br := &advocate.Briefing{Title: "Facts", Body: "Facts.", BodyHTML: "<p>Facts.</p>", State: advocate.Draft, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateBriefing(ctx, br, audit.Entry{At: now, Action: "briefing.create", TargetKind: "briefing"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordRead(ctx, br.ID, a.PersonID, now); err != nil {
			t.Fatal(err)
		}
		where := func() string {
			var out []string
			for _, p := range []int64{a.PersonID, b.ID, c.ID} {
				m, err := s.Member(ctx, p)
				state := "-"
				if err == nil {
					state = m.State
				}
				_, err = s.Recipient(ctx, br.ID, p)
				out = append(out, fmt.Sprintf("%s/%v", state, err == nil))
			}
			return fmt.Sprint(out)
		}
		start := where()
		if start != "[invited/true -/false invited/false]" {
			t.Fatalf("before: %s", start)
		}
		m, err := persons.Merge(ctx, a.PersonID, b.ID, 0, now, audit.Entry{At: now, Action: "person.merge", TargetKind: "person"})
		if err != nil {
			t.Fatal(err)
		}
		if got := where(); got != "[-/false invited/true invited/false]" {
			t.Errorf("after merging a into b: %s", got)
		}
		if _, err := persons.Unmerge(ctx, m.ID, 0, now, audit.Entry{At: now, Action: "person.unmerge", TargetKind: "person"}); err != nil {
			t.Fatal(err)
		}
		if got := where(); got != start {
			t.Errorf("after the unmerge: %s, want %s", got, start)
		}
		// c has a place of its own: merging it into a moves nothing of it.
		if _, err := persons.Merge(ctx, c.ID, a.PersonID, 0, now, audit.Entry{At: now, Action: "person.merge", TargetKind: "person"}); err != nil {
			t.Fatal(err)
		}
		if got := where(); got != "[invited/true -/false invited/false]" {
			t.Errorf("after merging c into a: %s", got)
		}
	})
}
