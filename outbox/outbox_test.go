package outbox_test

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/mail/smtptest"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/sqlstore"
)

func sender(t *testing.T, url string) mail.Sender {
	t.Helper()
	s, err := mail.NewSMTP(mail.SMTPConfig{URL: url, From: "samtal <noreply@example.org>"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// closedPort returns an SMTP URL where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "smtp://" + addr + "?tls=none"
}

func TestDeliveryRetriesThenGivesUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := sqlstore.NewOutbox(db)
		s := &outbox.Service{Store: store, Sender: sender(t, closedPort(t)), Log: slog.New(slog.DiscardHandler)}
		if err := s.Queue(ctx, "down@example.org", "Hej", "Tak"); err != nil {
			t.Fatal(err)
		}
		m, _ := store.ListMail(ctx, outbox.Filter{Limit: 1})
		id := m[0].ID
		for i := 1; i < outbox.MaxAttempts; i++ {
			if err := s.Deliver(ctx, id); err == nil {
				t.Fatalf("attempt %d: no error with the server down", i)
			}
			got, _ := store.MailByID(ctx, id)
			if got.State != outbox.StateQueued || got.Attempts != i || got.LastError == "" {
				t.Fatalf("after attempt %d: %+v", i, got)
			}
		}
		// The last attempt marks it failed and stops the retries.
		if err := s.Deliver(ctx, id); err != nil {
			t.Errorf("last attempt: %v, want nil so that the queue stops retrying", err)
		}
		if got, _ := store.MailByID(ctx, id); got.State != outbox.StateFailed || got.Attempts != outbox.MaxAttempts {
			t.Errorf("after the last attempt: %+v", got)
		}
	})
}

func TestDeliverySendsOnceAndKeepsWithoutSMTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := sqlstore.NewOutbox(db)
		srv := smtptest.Start(t)
		s := &outbox.Service{Store: store, Sender: sender(t, srv.URL()), Log: slog.New(slog.DiscardHandler)}
		if err := s.Queue(ctx, "up@example.org", "Hej Søren", "Tak for din idé"); err != nil {
			t.Fatal(err)
		}
		m, _ := store.ListMail(ctx, outbox.Filter{Limit: 1})
		for range 2 { // a second delivery of a sent mail sends nothing
			if err := s.Deliver(ctx, m[0].ID); err != nil {
				t.Fatal(err)
			}
		}
		got := srv.WaitFor(t, 1, 5*time.Second)
		if len(srv.Messages()) != 1 || got[0].Subject != "Hej Søren" {
			t.Errorf("received %d messages: %+v", len(srv.Messages()), got)
		}
		if mm, _ := store.MailByID(ctx, m[0].ID); mm.State != outbox.StateSent {
			t.Errorf("state %q, want sent", mm.State)
		}

		keep := &outbox.Service{Store: store, Log: slog.New(slog.DiscardHandler)}
		if err := keep.Queue(ctx, "kept@example.org", "Kept", "Read me in the outbox"); err != nil {
			t.Fatal(err)
		}
		admin := samtal.WithActor(ctx, samtal.Actor{AccountID: 1, Role: samtal.RoleAdmin})
		list, err := keep.List(admin, outbox.Filter{State: outbox.StateKept})
		if err != nil || len(list) != 1 || list[0].Text != "Read me in the outbox" {
			t.Errorf("kept mail: %+v %v", list, err)
		}
		member := samtal.WithActor(ctx, samtal.Actor{AccountID: 2, Role: samtal.RoleMember})
		if _, err := keep.List(member, outbox.Filter{}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member reads the outbox: %v", err)
		}
	})
}

func TestInvalidMailFailsAtOnce(t *testing.T) {
	db := testdb.Open(t, sqlstore.SQLite)
	ctx := context.Background()
	store := sqlstore.NewOutbox(db)
	srv := smtptest.Start(t)
	s := &outbox.Service{Store: store, Sender: sender(t, srv.URL()), Log: slog.New(slog.DiscardHandler)}
	if err := s.Queue(ctx, "not an address", "Hej", "Tak"); err != nil {
		t.Fatal(err)
	}
	m, _ := store.ListMail(ctx, outbox.Filter{Limit: 1})
	if err := s.Deliver(ctx, m[0].ID); err != nil {
		t.Errorf("Deliver: %v, want nil so that the queue does not retry", err)
	}
	if got, _ := store.MailByID(ctx, m[0].ID); got.State != outbox.StateFailed || got.Attempts != 1 {
		t.Errorf("after one attempt: %+v", got)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}
