package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/sqlstore"
)

// listeningFixture is a harness with staff of each role, a feed source, a
// topic "Sofa" and three mentions heard through it: English and German
// about the sofa (one praising, one complaining), and a Danish one about a
// lamp with markup in its title and text.
type listeningFixture struct {
	h       *harness
	src     *listening.Source
	topic   *listening.Topic
	en, de  int64
	da      int64
	agent   *account.Account
	clients map[string]*client // by role, signed in; "visitor" is not
}

const (
	enText = "I love this sofa. Wonderful, comfortable and beautiful, great value. Excellent!"
	deText = "Das Sofa ist schrecklich, furchtbar schlecht und nach einer Woche kaputt. Enttäuschend!"
	daText = "En helt almindelig lampe <script>alert(1)</script> i stuen."
)

func newListeningFixture(t *testing.T, engine string) *listeningFixture {
	t.Helper()
	h := newHarness(t, engine)
	f := &listeningFixture{h: h, clients: map[string]*client{}}
	for _, role := range []samtal.Role{samtal.RoleAdmin, samtal.RoleAnalyst, samtal.RoleAgent, samtal.RoleMember} {
		acc := h.addUser(string(role)+"@example.org", role)
		if role == samtal.RoleAgent {
			f.agent = acc
		}
		c := h.client()
		c.signIn(string(role) + "@example.org")
		f.clients[string(role)] = c
	}
	f.clients["visitor"] = h.client()
	ctx := cli()
	ls := h.srv.Listening
	f.src = &listening.Source{Kind: listening.KindFeed, Name: "Möbelblog", URL: "https://blog.example.org/feed"}
	if err := ls.CreateSource(ctx, f.src); err != nil {
		t.Fatal(err)
	}
	f.topic = &listening.Topic{Name: "Sofa", Query: "sofa"}
	if err := ls.CreateTopic(ctx, f.topic); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	res, err := ls.Ingest(ctx, f.src, []raw.Item{
		{URL: "https://blog.example.org/posts/1", Title: "Our new sofa", Text: enText, Author: "Ann Example", Lang: "en", Published: now.Add(-1 * time.Hour)},
		{URL: "https://blog.example.org/posts/2", Title: "Sofa kaputt", Text: deText, Author: "Bernd", Lang: "de", Published: now.Add(-2 * time.Hour)},
		{URL: "https://blog.example.org/posts/3", Title: "<script>alert('x')</script> Lampe", Text: daText, Author: "Cecilie", Lang: "da", Published: now.Add(-3 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 3 {
		t.Fatalf("ingest stored %v", res.IDs)
	}
	f.en, f.de, f.da = res.IDs[0], res.IDs[1], res.IDs[2]
	return f
}

// mention reads a mention as the store has it.
func (f *listeningFixture) mention(t *testing.T, id int64) *listening.Mention {
	t.Helper()
	m, err := f.h.srv.Listening.Mention(cli(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// states is what a refusal must not change: every mention's state,
// assignee and tags, and how many topics and sources there are.
func (f *listeningFixture) states(t *testing.T) string {
	t.Helper()
	ctx := cli()
	var b strings.Builder
	for _, id := range []int64{f.en, f.de, f.da} {
		m := f.mention(t, id)
		fmt.Fprintf(&b, "%d:%s:%d:%v ", id, m.State, m.AssigneeID, m.Tags)
	}
	topics, err := f.h.srv.Listening.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := f.h.srv.Listening.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "topics:%d sources:%d", len(topics), len(sources))
	return b.String()
}

// TestListeningPagesByRole asks every listening page as each role: staff
// read what their permissions allow, members get 403 and never a mention's
// text, visitors are sent to sign in; forms refused for want of a
// permission change nothing.
func TestListeningPagesByRole(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newListeningFixture(t, engine)
			routes := []struct {
				path   string
				manage bool // needs PermManageListening
			}{
				{"/listening", false},
				{"/listening?topic=" + apiID(f.topic.ID), false},
				{"/listening/mentions/" + apiID(f.en), false},
				{"/listening/topics", false},
				{"/listening/topics/new", true},
				{"/listening/topics/" + apiID(f.topic.ID), false},
				{"/listening/sources", false},
				{"/listening/sources/new", true},
				{"/listening/sources/" + apiID(f.src.ID), false},
			}
			roles := []struct {
				role         string
				view, manage bool
			}{
				{"admin", true, true},
				{"analyst", true, true},
				{"agent", true, false},
				{"member", false, false},
			}
			for _, rt := range routes {
				for _, ro := range roles {
					want := http.StatusOK
					if !ro.view || (rt.manage && !ro.manage) {
						want = http.StatusForbidden
					}
					res := f.clients[ro.role].get(rt.path)
					if res.StatusCode != want {
						t.Errorf("%s as %s: %d, want %d: %.300s", rt.path, ro.role, res.StatusCode, want, res.body)
					}
					if !ro.view && (strings.Contains(res.body, "I love this sofa") || strings.Contains(res.body, "Möbelblog")) {
						t.Errorf("%s as %s shows listening data", rt.path, ro.role)
					}
				}
				res := f.clients["visitor"].get(rt.path)
				if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin?next=") {
					t.Errorf("%s as visitor: %d to %q", rt.path, res.StatusCode, loc)
				}
			}
			for _, path := range []string{"/listening/mentions/999999", "/listening/topics/999999", "/listening/sources/999999", "/listening/topics/x"} {
				if res := f.clients["admin"].get(path); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", path, res.StatusCode)
				}
			}

			// Forms refused for want of a permission change nothing.
			before := f.states(t)
			posts := []struct {
				role, path string
				form       url.Values
			}{
				{"member", "/listening/mentions/bulk", url.Values{"id": {apiID(f.en)}, "state": {"done"}}},
				{"analyst", "/listening/mentions/bulk", url.Values{"id": {apiID(f.en)}, "state": {"done"}}},
				{"analyst", "/listening/mentions/" + apiID(f.en), url.Values{"state": {"done"}}},
				{"agent", "/listening/topics", url.Values{"name": {"Lampe"}, "query": {"lampe"}}},
				{"agent", "/listening/sources", url.Values{"kind": {"feed"}, "name": {"Another"}, "url": {"https://news.example.org/rss"}}},
				{"agent", "/listening/sources/" + apiID(f.src.ID) + "/delete", nil},
				{"member", "/listening/topics/" + apiID(f.topic.ID) + "/delete", nil},
			}
			for _, p := range posts {
				if res := f.clients[p.role].post(p.path, p.form); res.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s as %s: %d, want 403", p.path, p.role, res.StatusCode)
				}
			}
			if after := f.states(t); after != before {
				t.Errorf("refused forms changed things:\n%s\n%s", before, after)
			}

			// The staff home links the inbox for staff who read mentions.
			if res := f.clients["agent"].get("/admin"); !strings.Contains(res.body, `href="/listening"`) {
				t.Errorf("staff home lacks the listening link")
			}
		})
	}
}

var originalLink = regexp.MustCompile(`<a href="https://blog\.example\.org/posts/1" rel="noopener noreferrer nofollow ugc" target="_blank">`)

// TestListeningInbox filters the inbox, checks that mention text is
// escaped and the original is linked safely, walks to older mentions, and
// works through mentions in bulk and one by one.
func TestListeningInbox(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newListeningFixture(t, engine)
			admin, agent := f.clients["admin"], f.clients["agent"]

			res := admin.get("/listening")
			if res.StatusCode != 200 {
				t.Fatalf("inbox: %d %.500s", res.StatusCode, res.body)
			}
			for _, want := range []string{"I love this sofa", "Das Sofa ist schrecklich", "Möbelblog", "blog.example.org", "Ann Example",
				"&lt;script&gt;alert(1)&lt;/script&gt;", "Topics: Sofa", ">EN<", ">DE<"} {
				if !strings.Contains(res.body, want) {
					t.Errorf("inbox lacks %q", want)
				}
			}
			if strings.Contains(res.body, "<script>alert") {
				t.Errorf("mention markup reached the page unescaped")
			}
			if !originalLink.MatchString(res.body) {
				t.Errorf("inbox lacks the safe link to the original")
			}

			// Each filter narrows the list to what it names.
			en, de, da := f.mention(t, f.en), f.mention(t, f.de), f.mention(t, f.da)
			if en.SentimentLabel == de.SentimentLabel {
				t.Fatalf("enrichment gave praise and complaint the same sentiment %q: the filter cannot be told apart", en.SentimentLabel)
			}
			// Which mentions have a sentiment is the enrichment's; the page
			// must show exactly those.
			withLabel := func(label string) []string {
				var out []string
				for _, m := range []struct {
					label, text string
				}{{en.SentimentLabel, enText[:20]}, {de.SentimentLabel, deText[:20]}, {da.SentimentLabel, "En helt almindelig lampe"}} {
					if m.label == label {
						out = append(out, m.text)
					}
				}
				return out
			}
			filters := []struct {
				query string
				shows []string
			}{
				{"lang=de", []string{deText[:20]}},
				{"topic=" + apiID(f.topic.ID), []string{enText[:20], deText[:20]}},
				{"sentiment=" + en.SentimentLabel, withLabel(en.SentimentLabel)},
				{"sentiment=" + de.SentimentLabel, withLabel(de.SentimentLabel)},
				{"q=lampe", []string{"En helt almindelig lampe"}},
				{"source=" + apiID(f.src.ID) + "&lang=en", []string{enText[:20]}},
				{"until=2000-01-01", nil},
			}
			all := []string{enText[:20], deText[:20], "En helt almindelig lampe"}
			for _, fl := range filters {
				res := admin.get("/listening?" + fl.query)
				if res.StatusCode != 200 {
					t.Errorf("%s: %d", fl.query, res.StatusCode)
					continue
				}
				for _, text := range all {
					if got, want := strings.Contains(res.body, text), slices.Contains(fl.shows, text); got != want {
						t.Errorf("?%s: shows %q = %v, want %v", fl.query, text, got, want)
					}
				}
			}
			// The sentiment is told in words, not by colour alone.
			if res := admin.get("/listening?sentiment=" + en.SentimentLabel); !strings.Contains(res.body, ">"+f.h.srv.Catalog.T("en", "listening.sentiment."+en.SentimentLabel, nil)+"</span>") {
				t.Errorf("sentiment %q has no word", en.SentimentLabel)
			}
			for _, bad := range []string{"since=yesterday", "state=bogus", "sentiment=angry", "lang=deutsch"} {
				res := admin.get("/listening?" + bad)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, `role="alert"`) || strings.Contains(res.body, enText[:20]) {
					t.Errorf("?%s: %d, want 422 with the message and no mentions", bad, res.StatusCode)
				}
			}

			// A mention's page: its text escaped, the original and the person
			// linked.
			res = admin.get("/listening/mentions/" + apiID(f.en))
			if res.StatusCode != 200 || !originalLink.MatchString(res.body) || !strings.Contains(res.body, enText) {
				t.Errorf("mention page: %d %.500s", res.StatusCode, res.body)
			}
			if en.PersonID == 0 || !strings.Contains(res.body, `href="/admin/people/`+apiID(en.PersonID)+`"`) {
				t.Errorf("mention page does not link the author's person (%d)", en.PersonID)
			}
			res = admin.get("/listening/mentions/" + apiID(f.da))
			if strings.Contains(res.body, "<script>alert") || !strings.Contains(res.body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Lampe") {
				t.Errorf("mention page does not escape the title: %.1500s", res.body)
			}

			// Bulk: the ticked mentions change and the list comes back with
			// its filter and the count.
			agent.get("/listening")
			res = agent.post("/listening/mentions/bulk", url.Values{"id": {apiID(f.en), apiID(f.de)}, "state": {"done"},
				"assignee": {"me"}, "add_tags": {"Urgent"}, "next": {"/listening?lang=de"}})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/listening?changed=2&lang=de" {
				t.Fatalf("bulk: %d to %q: %.500s", res.StatusCode, loc, res.body)
			}
			if res := agent.get("/listening?changed=2&lang=de"); !strings.Contains(res.body, "2 mentions changed.") {
				t.Errorf("bulk result not shown")
			}
			for _, id := range []int64{f.en, f.de} {
				if m := f.mention(t, id); m.State != "done" || m.AssigneeID != f.agent.ID || !slices.Equal(m.Tags, []string{"urgent"}) {
					t.Errorf("mention %d after bulk: %s %d %v", id, m.State, m.AssigneeID, m.Tags)
				}
			}
			if m := f.mention(t, f.da); m.State != "new" {
				t.Errorf("an unticked mention changed: %s", m.State)
			}
			// Refusals show why and change nothing.
			before := f.states(t)
			refusals := []struct {
				form url.Values
				want string
			}{
				{url.Values{"state": {"seen"}, "next": {"/listening"}}, "Tick at least one mention first."},
				{url.Values{"id": {apiID(f.da)}, "state": {"bogus"}}, "Choose a state: new, seen, needs a reply, done or ignored."},
				{url.Values{"id": {apiID(f.da)}}, f.h.srv.Catalog.T("en", "error.change_empty", nil)},
				{url.Values{"id": {apiID(f.da), "999999"}, "state": {"seen"}}, f.h.srv.Catalog.T("en", "error.not_found", nil)},
				{url.Values{"id": {apiID(f.da)}, "assignee_id": {"abc"}}, f.h.srv.Catalog.T("en", "error.assignee_invalid", nil)},
			}
			for _, rf := range refusals {
				res := agent.post("/listening/mentions/bulk", rf.form)
				if res.StatusCode < 400 || !strings.Contains(res.body, htmlText(rf.want)) {
					t.Errorf("bulk %v: %d, want the message %q: %.300s", rf.form, res.StatusCode, rf.want, res.body)
				}
			}
			if after := f.states(t); after != before {
				t.Errorf("refused bulk actions changed things:\n%s\n%s", before, after)
			}

			// One mention: state, assignee and the full set of tags.
			res = agent.post("/listening/mentions/"+apiID(f.da), url.Values{"state": {"needs_reply"}, "assignee": {"none"}, "tags": {"Alpha, beta"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("mention form: %d %.500s", res.StatusCode, res.body)
			}
			if m := f.mention(t, f.da); m.State != "needs_reply" || m.AssigneeID != 0 || !slices.Equal(m.Tags, []string{"alpha", "beta"}) {
				t.Errorf("after the mention form: %s %d %v", m.State, m.AssigneeID, m.Tags)
			}
			agent.post("/listening/mentions/"+apiID(f.da), url.Values{"state": {"needs_reply"}, "assignee": {"me"}, "tags": {"beta"}})
			if m := f.mention(t, f.da); m.AssigneeID != f.agent.ID || !slices.Equal(m.Tags, []string{"beta"}) {
				t.Errorf("after removing a tag: %d %v", m.AssigneeID, m.Tags)
			}
			if res := agent.post("/listening/mentions/"+apiID(f.da), url.Values{"state": {"lost"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("bad state on the mention form: %d", res.StatusCode)
			}

			// Older mentions are a page away.
			var items []raw.Item
			old := time.Now().UTC().AddDate(0, 0, -10)
			for i := range mentionsPerPage {
				// Words of their own, so that no two are near-duplicates.
				var words []string
				for j := range 12 {
					sum := sha256.Sum256([]byte(fmt.Sprint(i, j)))
					words = append(words, hex.EncodeToString(sum[:4]))
				}
				items = append(items, raw.Item{URL: fmt.Sprintf("https://blog.example.org/old/%d", i),
					Text: fmt.Sprintf("Filler number %d about %s", i, strings.Join(words, " ")), Lang: "en", Published: old.Add(-time.Duration(i) * time.Minute)})
			}
			if _, err := f.h.srv.Listening.Ingest(cli(), f.src, items); err != nil {
				t.Fatal(err)
			}
			res = admin.get("/listening")
			more := regexp.MustCompile(`href="(/listening\?cursor=[^"]+)"`).FindStringSubmatch(res.body)
			if more == nil || strings.Contains(res.body, "Filler number 29 about") {
				t.Fatalf("first page: no link to older mentions, or too many mentions")
			}
			res = admin.get(strings.ReplaceAll(more[1], "&amp;", "&"))
			if !strings.Contains(res.body, "Filler number 29 about") || strings.Contains(res.body, "Filler number 26 about") {
				t.Errorf("older page: %.1000s", res.body)
			}
		})
	}
}

// htmlText is text as html/template writes it in an element.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// TestListeningTopics creates topics through the form: a query that does
// not parse comes back with where and why and saves nothing, examples are
// checked, the preview shows what a query finds, and a topic's page shows
// its days as a chart.
func TestListeningTopics(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newListeningFixture(t, engine)
			analyst := f.clients["analyst"]
			analyst.get("/listening/topics/new")
			before := f.states(t)
			bad := []struct {
				form url.Values
				want string
			}{
				{url.Values{"name": {"IKEA"}, "query": {"ikea AND (sofa"}}, htmlText(`At character 15: expected ")" to close "(" opened at character 10`)},
				{url.Values{"name": {"IKEA"}, "query": {"ikea"}, "must_match": {"ikea sofa\na sofa from elsewhere"}}, "The query does not match example 2"},
				{url.Values{"name": {"IKEA"}, "query": {"ikea"}, "must_not_match": {"ikea jobs"}}, "The query matches example 1"},
				{url.Values{"name": {""}, "query": {"ikea"}}, f.h.srv.Catalog.T("en", "error.name_invalid", nil)},
			}
			for _, b := range bad {
				res := analyst.post("/listening/topics", b.form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, b.want) {
					t.Errorf("topic %v: %d, want 422 with %q: %.1500s", b.form, res.StatusCode, b.want, res.body)
				}
				// What was typed comes back.
				if q := b.form.Get("query"); !strings.Contains(res.body, ">"+htmlText(q)+"</textarea>") {
					t.Errorf("topic %v: the query typed is not in the form again", b.form)
				}
			}
			if after := f.states(t); after != before {
				t.Errorf("refused topics changed things:\n%s\n%s", before, after)
			}

			res := analyst.post("/listening/topics", url.Values{"name": {"Lampe"}, "query": {"lampe OR lamp*"}, "must_match": {"a lamp\r\n\r\nmy lampe"}, "must_not_match": {"a sofa"}})
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/listening/topics/") {
				t.Fatalf("create topic: %d %.500s", res.StatusCode, res.body)
			}
			topics, _ := f.h.srv.Listening.Topics(cli())
			var lampe *listening.Topic
			for i := range topics {
				if topics[i].Name == "Lampe" {
					lampe = &topics[i]
				}
			}
			if lampe == nil || lampe.Query != "lampe OR lamp*" || !slices.Equal(lampe.MustMatch, []string{"a lamp", "my lampe"}) || !slices.Equal(lampe.MustNotMatch, []string{"a sofa"}) {
				t.Fatalf("stored topic: %+v", lampe)
			}
			res = analyst.get("/listening/topics")
			if !strings.Contains(res.body, `href="/listening/topics/`+apiID(lampe.ID)+`">Lampe</a>`) || !strings.Contains(res.body, "<code>lampe OR lamp*</code>") {
				t.Errorf("topic list: %.2000s", res.body)
			}
			if !strings.Contains(res.body, "re-running over history") {
				t.Errorf("topic list does not say the new topic runs over history")
			}

			// Edit: a changed name and query.
			res = analyst.post("/listening/topics/"+apiID(lampe.ID), url.Values{"name": {"Lamps"}, "query": {"lamp*"}, "must_match": {"a lamp"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("update topic: %d %.500s", res.StatusCode, res.body)
			}
			if got, _ := f.h.srv.Listening.Topic(cli(), lampe.ID); got.Name != "Lamps" || got.Query != "lamp*" || len(got.MustNotMatch) != 0 {
				t.Errorf("updated topic: %+v", got)
			}
			if res := analyst.post("/listening/topics/"+apiID(lampe.ID), url.Values{"name": {"Lamps"}, "query": {"NOT"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, htmlText(`At character 4: expected a word, a phrase or "(" after NOT, found the end of the query`)) {
				t.Errorf("bad update: %d", res.StatusCode)
			}

			// Preview: the matches among the stored mentions, the form as typed.
			res = analyst.post("/listening/topics/preview", url.Values{"name": {"Draft"}, "query": {"sofa"}, "preview": {"1"}})
			if res.StatusCode != 200 || !strings.Contains(res.body, "Matched 2 of the newest 3 mentions.") || !strings.Contains(res.body, "Our new sofa") ||
				strings.Contains(res.body, "En helt almindelig lampe") || !strings.Contains(res.body, `value="Draft"`) {
				t.Errorf("preview: %d %.3000s", res.StatusCode, res.body)
			}
			res = analyst.post("/listening/topics/preview", url.Values{"topic": {apiID(f.topic.ID)}, "name": {"Sofa"}, "query": {"lampe"}})
			if res.StatusCode != 200 || !strings.Contains(res.body, "Matched 1 of the newest 3 mentions.") || !strings.Contains(res.body, `action="/listening/topics/`+apiID(f.topic.ID)+`"`) {
				t.Errorf("preview of a stored topic: %d %.2000s", res.StatusCode, res.body)
			}
			if res := analyst.post("/listening/topics/preview", url.Values{"query": {"(sofa"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, htmlText(`At character 6: expected ")" to close "(" opened at character 1`)) {
				t.Errorf("preview of a bad query: %d", res.StatusCode)
			}

			// The topic's page: a bar per day with its count, said in words too.
			res = f.clients["agent"].get("/listening/topics/" + apiID(f.topic.ID))
			if res.StatusCode != 200 || strings.Count(res.body, "<rect ") != chartDays || !strings.Contains(res.body, "2 mentions from") ||
				!strings.Contains(res.body, "<title>") || !strings.Contains(res.body, "Our new sofa") {
				t.Errorf("topic page: %d %.3000s", res.StatusCode, res.body)
			}
			if strings.Contains(res.body, `action="/listening/topics/`+apiID(f.topic.ID)+`"`) {
				t.Errorf("an agent sees the edit form")
			}

			// Delete: the topic goes, the mentions stay.
			res = analyst.post("/listening/topics/"+apiID(lampe.ID)+"/delete", nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete topic: %d", res.StatusCode)
			}
			if _, err := f.h.srv.Listening.Topic(cli(), lampe.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
				t.Errorf("deleted topic: %v", err)
			}
			f.mention(t, f.da)
		})
	}
}

// postFile sends a multipart form with one file, as the upload form does.
func (c *client) postFile(path, field, name string, data []byte) *response {
	c.h.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf", c.csrf)
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", c.h.ts.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", c.h.ts.URL)
	return c.do(req)
}

var secretRE = regexp.MustCompile(`<code class="secret-value">([0-9a-f]{64})</code>`)

// TestListeningSources makes sources through the form: a webhook's secret
// shown once, refusals that save nothing, pause and resume, an import
// uploaded with its progress, and delete.
func TestListeningSources(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newListeningFixture(t, engine)
			analyst := f.clients["analyst"]
			ctx := cli()
			analyst.get("/listening/sources/new")

			res := analyst.post("/listening/sources", url.Values{"kind": {"webhook"}, "name": {"Zapier"}})
			m := secretRE.FindStringSubmatch(res.body)
			if res.StatusCode != http.StatusCreated || m == nil {
				t.Fatalf("webhook source: %d %.2000s", res.StatusCode, res.body)
			}
			sources, _ := f.h.srv.Listening.Sources(cli())
			var hook listening.Source
			for _, s := range sources {
				if s.Kind == listening.KindWebhook {
					hook = s
				}
			}
			stored, err := f.h.srv.Listening.Store.Source(ctx, hook.ID)
			if err != nil || stored.Secret != m[1] {
				t.Fatalf("the secret shown is not the one stored (%v)", err)
			}
			hookURL := f.h.ts.URL + "/api/v1/sources/" + apiID(hook.ID) + "/hook"
			if !strings.Contains(res.body, hookURL) || !strings.Contains(res.body, "X-Samtal-Signature: sha256=HEX") || !strings.Contains(res.body, "X-Samtal-Timestamp") {
				t.Errorf("the webhook's page does not say how to call it")
			}
			for _, path := range []string{"/listening/sources/" + apiID(hook.ID), "/listening/sources"} {
				res := analyst.get(path)
				if res.StatusCode != 200 || strings.Contains(res.body, m[1]) {
					t.Errorf("%s: %d, shows the secret again: %v", path, res.StatusCode, strings.Contains(res.body, m[1]))
				}
			}
			if res := analyst.get("/listening/sources/" + apiID(hook.ID)); !strings.Contains(res.body, hookURL) {
				t.Errorf("the source page lacks the endpoint")
			}

			// Refusals come back with why and save nothing.
			before := f.states(t)
			refusals := []struct {
				form url.Values
				want string
			}{
				{url.Values{"kind": {"feed"}, "name": {"News"}, "url": {"ftp://news.example.org"}}, f.h.srv.Catalog.T("en", "error.url_invalid", nil)},
				{url.Values{"kind": {"feed"}, "name": {"News"}, "url": {"https://news.example.org/rss"}, "interval_minutes": {"1"}}, f.h.srv.Catalog.T("en", "error.source_interval_invalid", nil)},
				{url.Values{"kind": {"mastodon"}, "name": {"Fedi"}, "server": {"https://mastodon.example"}, "hashtag": {"ikea"}, "search": {"ikea"}}, f.h.srv.Catalog.T("en", "error.mastodon_query_invalid", nil)},
				{url.Values{"kind": {"import"}, "name": {"Trustpilot"}, "map_author": {"name"}}, "the text column is required"},
				{url.Values{"kind": {"import"}, "name": {"Trustpilot"}, "map_text": {"review"}, "map_rating_scale": {"1-5000"}}, "rating scale"},
				{url.Values{"kind": {"carrier-pigeon"}, "name": {"Birds"}}, f.h.srv.Catalog.T("en", "error.source_kind_invalid", nil)},
			}
			for _, rf := range refusals {
				res := analyst.post("/listening/sources", rf.form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, htmlText(rf.want)) {
					t.Errorf("source %v: %d, want 422 with %q: %.1500s", rf.form, res.StatusCode, rf.want, res.body)
				}
				if n := rf.form.Get("name"); !strings.Contains(res.body, `value="`+n+`"`) {
					t.Errorf("source %v: the name typed is not in the form again", rf.form)
				}
			}
			if after := f.states(t); after != before {
				t.Errorf("refused sources changed things:\n%s\n%s", before, after)
			}

			// Pause and resume.
			path := "/listening/sources/" + apiID(f.src.ID)
			if res := analyst.post(path, url.Values{"state": {"paused"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("pause: %d %.500s", res.StatusCode, res.body)
			}
			if res := analyst.get(path); !strings.Contains(res.body, `value="active"`) || !strings.Contains(res.body, "Paused") {
				t.Errorf("paused source page: %.2000s", res.body)
			}
			analyst.post(path, url.Values{"state": {"active"}})
			if src, _ := f.h.srv.Listening.Source(cli(), f.src.ID); src.State != listening.SourceActive {
				t.Errorf("resumed source: %s", src.State)
			}
			if res := analyst.post(path, url.Values{"state": {"asleep"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("bad state: %d", res.StatusCode)
			}
			// A feed without a reader here cannot be fetched now.
			if res := analyst.post(path+"/fetch", nil); res.StatusCode != http.StatusConflict {
				t.Errorf("fetch without a reader: %d", res.StatusCode)
			}

			// An import source: the mapping, an upload, its progress.
			res = analyst.post("/listening/sources", url.Values{"kind": {"import"}, "name": {"Trustpilot"}, "map_text": {"review"}, "map_author": {"name"}, "map_rating": {"stars"}, "map_network": {"trustpilot"}})
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/listening/sources/") {
				t.Fatalf("import source: %d %.1000s", res.StatusCode, res.body)
			}
			srcPath := strings.SplitN(loc, "?", 2)[0]
			res = analyst.get(srcPath)
			if !strings.Contains(res.body, `action="`+srcPath+`/imports"`) || !strings.Contains(res.body, "<code>review</code>") {
				t.Fatalf("import source page: %.2000s", res.body)
			}
			if res := analyst.postFile(srcPath+"/imports", "file", "empty.csv", nil); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("empty upload: %d", res.StatusCode)
			}
			csv := "review,name,stars\nGreat sofa from the shop,Ann,5\nThe lamp broke,Bo,1\nOdd one,Cy,9\n"
			res = analyst.postFile(srcPath+"/imports", "file", "reviews.csv", []byte(csv))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d %.1000s", res.StatusCode, res.body)
			}
			res = analyst.get(srcPath)
			if res.Header.Get("Refresh") != "2" || !strings.Contains(res.body, "reviews.csv") || !strings.Contains(res.body, "Running") {
				t.Errorf("running import: refresh %q %.2000s", res.Header.Get("Refresh"), res.body)
			}
			id, _ := pathIDOf(srcPath)
			imports, err := f.h.srv.Listening.Imports(cli(), id)
			if err != nil || len(imports) != 1 {
				t.Fatalf("imports: %v %v", imports, err)
			}
			if _, err := f.h.srv.Listening.RunImport(ctx, imports[0].ID, nil); err != nil {
				t.Fatal(err)
			}
			res = analyst.get(srcPath)
			if res.Header.Get("Refresh") != "" || !strings.Contains(res.body, "3 rows read: 2 stored, 1 refused") || !strings.Contains(res.body, "Row ") {
				t.Errorf("finished import: refresh %q %.3000s", res.Header.Get("Refresh"), res.body)
			}
			if res := f.clients["agent"].get(srcPath); strings.Contains(res.body, `action="`+srcPath+`/imports"`) {
				t.Errorf("an agent sees the upload form")
			}

			// Delete: the source leaves the list, its mentions stay.
			if res := analyst.post(path+"/delete", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			if res := analyst.get("/listening/sources"); strings.Contains(res.body, "Möbelblog") {
				t.Errorf("a deleted source is listed")
			}
			f.mention(t, f.en)
		})
	}
}

// pathIDOf reads the number at the end of a path.
func pathIDOf(p string) (int64, error) {
	var id int64
	_, err := fmt.Sscanf(p[strings.LastIndexByte(p, '/')+1:], "%d", &id)
	return id, err
}

// TestListeningSearchLinksMentions finds a mention through the search page
// and links it to its page.
func TestListeningSearchLinksMentions(t *testing.T) {
	f := newListeningFixture(t, sqlstore.SQLite)
	res := f.clients["agent"].get("/search?kind=mention&q=lampe")
	if res.StatusCode != 200 || !strings.Contains(res.body, `href="/listening/mentions/`+apiID(f.da)+`"`) {
		t.Errorf("search: %d %.2000s", res.StatusCode, res.body)
	}
	if res := f.clients["member"].get("/search?kind=mention&q=lampe"); strings.Contains(res.body, "/listening/mentions/") {
		t.Errorf("a member finds mentions")
	}
}
