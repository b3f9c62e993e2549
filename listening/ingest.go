package listening

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal/listening/enrich"
	"github.com/samtal-dev/samtal/listening/importer"
	"github.com/samtal-dev/samtal/listening/query"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/person"
)

// Ingested is what one delivery of items left.
type Ingested struct {
	// IDs are the mentions stored, in the order of the items.
	IDs []int64
	// Known counts items the source had delivered before; Duplicates the
	// new mentions that joined a cluster; Skipped items without text.
	Known, Duplicates, Skipped int
	// ModelRead counts the new mentions whose sentiment the sentiment
	// model read (the lexicons read the others).
	ModelRead int
}

// Ingest stores what a source delivered: each new item is enriched
// (language, sentiment, fingerprint), clustered with its near-duplicates,
// linked to its author's person and matched against every topic, and the
// batch is written in one transaction. An item the source delivered before
// (the same key) is left alone, so delivering again stores nothing twice.
// It runs for the system: callers check who may deliver.
func (s *Service) Ingest(ctx context.Context, src *Source, items []raw.Item) (Ingested, error) {
	var res Ingested
	ms, err := s.Enriched(ctx, src, items, &res)
	if err != nil || len(ms) == 0 {
		return res, err
	}
	if res.Duplicates, err = s.cluster(ctx, ms); err != nil {
		return res, err
	}
	if err := s.linkAuthors(ctx, src, ms); err != nil {
		return res, err
	}
	if _, err := s.Store.InsertMentions(ctx, src.ID, ms); err != nil {
		return res, err
	}
	for _, m := range ms {
		if m.ID != 0 {
			res.IDs = append(res.IDs, m.ID)
		}
	}
	return res, nil
}

// Enriched turns the items a source delivered that it has not delivered
// before into mentions, enriched and matched against the current topics,
// and counts in res what it left out. Ingest goes on to cluster, link and
// store them; the load benchmark stores them as they are.
func (s *Service) Enriched(ctx context.Context, src *Source, items []raw.Item, res *Ingested) ([]*Mention, error) {
	ms := make([]*Mention, 0, len(items))
	seen := make(map[string]bool, len(items))
	now := s.now()
	for i := range items {
		m, ok := s.mentionOf(src, &items[i], now)
		if !ok {
			res.Skipped++
			continue
		}
		if seen[m.Key] {
			res.Known++
			continue
		}
		seen[m.Key] = true
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ms))
	for i, m := range ms {
		keys[i] = m.Key
	}
	known, err := s.Store.KnownKeys(ctx, src.ID, keys)
	if err != nil {
		return nil, err
	}
	if len(known) > 0 {
		res.Known += len(known)
		ms = slices.DeleteFunc(ms, func(m *Mention) bool { return known[m.Key] })
	}
	if len(ms) == 0 {
		return nil, nil
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	s.enrichAll(ms, ix)
	res.ModelRead = s.modelSentiment(ctx, ms)
	return ms, nil
}

// mentionOf turns an item into a mention, cleaning and capping what came
// from outside. ok is false for an item without any text.
func (s *Service) mentionOf(src *Source, it *raw.Item, now time.Time) (*Mention, bool) {
	m := &Mention{
		SourceID:     src.ID,
		Title:        capText(it.Title, MaxTitleLen),
		Text:         capText(it.Text, MaxTextLen),
		Author:       capText(it.Author, MaxAuthorLen),
		AuthorHandle: capText(it.AuthorHandle, MaxAuthorLen),
		Rating:       it.Rating,
		Lang:         strings.ToLower(strings.TrimSpace(it.Lang)),
		PublishedAt:  it.Published.UTC(),
		CreatedAt:    now,
		UpdatedAt:    now,
		State:        StateNew,
	}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(m.Title) == "" {
		return nil, false
	}
	if webURL(it.URL) {
		m.URL = it.URL
		m.Site = siteOf(it.URL)
	}
	if webURL(it.AuthorURL) {
		m.AuthorURL = it.AuthorURL
	}
	if m.Rating != nil && (*m.Rating < 0 || *m.Rating > 1) {
		m.Rating = nil
	}
	if m.PublishedAt.IsZero() || m.PublishedAt.After(now.Add(time.Hour)) {
		m.PublishedAt = now // a post from the future is one whose clock is off
	}
	m.PublishedAt = m.PublishedAt.Truncate(time.Millisecond)
	m.Key = itemKey(it)
	return m, true
}

// maxKeyLen is the longest key stored as it is: a source's id or URL can be
// as long as the source likes, and the key is in a unique index.
const maxKeyLen = 256

// itemKey is the item's key within its source (importer.Key), hashed when
// it is long.
func itemKey(it *raw.Item) string {
	k := importer.Key(*it)
	if len(k) <= maxKeyLen {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// siteOf returns a URL's host without "www.", lower case.
func siteOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
}

// capText trims s and cuts it to n characters.
func capText(s string, n int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// enrichAll enriches and matches mentions on a few goroutines: both are
// pure and take most of an ingest's time.
func (s *Service) enrichAll(ms []*Mention, ix *query.Index) {
	workers := s.Workers
	if workers <= 0 {
		workers = 2
	}
	var wg sync.WaitGroup
	next := make(chan *Mention)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range next {
				enrichOne(m, ix)
			}
		}()
	}
	for _, m := range ms {
		next <- m
	}
	close(next)
	wg.Wait()
}

func enrichOne(m *Mention, ix *query.Index) {
	r := enrich.Enrich(m.Title, m.Text, m.Lang)
	m.Lang, m.Sentiment, m.SentimentLabel, m.Fingerprint = r.Lang, r.Sentiment, r.SentimentLabel, r.Fingerprint
	m.BandKeys = bandKeysOf(r.Fingerprint)
	if r.Fingerprint == 0 && r.ExactKey != 0 {
		// Too short to fingerprint: the same words by the same author
		// (every "Thanks!" is not one post).
		m.BandKeys = append(m.BandKeys, exactBand(r.ExactKey, m.Author))
	}
	if ix != nil {
		m.Topics = ix.Match(query.Prepare(docOf(m)))
	}
}

// exactBand files the exact key of a short text, with its author, among
// the band keys: band keys are small numbers, exact keys have bit 62 set.
func exactBand(k uint64, author string) int64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(author))))
	k ^= h.Sum64()
	return int64(k&(1<<62-1) | 1<<62)
}

// isExactBand reports whether a band key is an exact key.
func isExactBand(k int64) bool { return k&(1<<62) != 0 }

func docOf(m *Mention) query.Doc {
	return query.Doc{Title: m.Title, Text: m.Text, URL: m.URL, Author: m.Author, AuthorHandle: m.AuthorHandle, Lang: m.Lang, Rating: m.Rating}
}

// cluster points each new mention that is a near-duplicate of a stored one
// (or of an earlier one of the batch) at the head of its cluster. A
// duplicate is kept with its link but matches no topic: a review
// syndicated to three sites counts once.
func (s *Service) cluster(ctx context.Context, ms []*Mention) (int, error) {
	var keys []int64
	for _, m := range ms {
		keys = append(keys, m.BandKeys...)
	}
	if len(keys) == 0 {
		return 0, nil
	}
	cands, err := s.Store.DuplicateCandidates(ctx, keys)
	if err != nil {
		return 0, err
	}
	type cand struct {
		fp   uint64
		head int64
		m    *Mention // a mention of this batch, whose id is not known yet
	}
	byKey := map[int64][]cand{}
	for _, c := range cands {
		byKey[c.K] = append(byKey[c.K], cand{fp: c.Fingerprint, head: c.ID})
	}
	dups := 0
	for _, m := range ms {
		var found *cand
	probe:
		for _, k := range m.BandKeys {
			for j := range byKey[k] {
				c := &byKey[k][j]
				if isExactBand(k) || enrich.NearDuplicate(c.fp, m.Fingerprint) {
					found = c
					break probe
				}
			}
		}
		if found == nil {
			for _, k := range m.BandKeys {
				byKey[k] = append(byKey[k], cand{fp: m.Fingerprint, m: m})
			}
			continue
		}
		dups++
		m.Topics = nil
		if found.m != nil {
			m.BatchHead = found.m
		} else {
			m.DuplicateOf = found.head
		}
	}
	return dups, nil
}

// bandKeysOf returns the band keys of a fingerprint; none for the zero
// fingerprint of a short text.
func bandKeysOf(fp uint64) []int64 {
	if fp == 0 {
		return nil
	}
	var out []int64
	for _, b := range enrich.Bands(fp) {
		out = append(out, int64(b))
	}
	return out
}

// linkAuthors links each mention to the person of its author: the
// batch's authors are resolved together, new persons in one transaction.
func (s *Service) linkAuthors(ctx context.Context, src *Source, ms []*Mention) error {
	if s.Resolver == nil {
		return nil
	}
	var in []person.Resolution
	var of []*Mention
	for _, m := range ms {
		id, ok := authorIdentity(src, m)
		if !ok {
			continue
		}
		in = append(in, person.Resolution{Identity: id, Name: m.Author, Locale: langLocale(m.Lang)})
		of = append(of, m)
	}
	if len(in) == 0 {
		return nil
	}
	res, err := s.Resolver.ResolveBatch(ctx, in)
	if err != nil {
		return fmt.Errorf("link authors: %w", err)
	}
	for i, r := range res {
		of[i].PersonID, of[i].IdentityID = r.PersonID, r.IdentityID
	}
	return nil
}

// authorIdentity says who wrote a mention, as certainly as the source
// lets us: a handle on a network, an email a form collected (a claim, not
// verified), a profile URL, or else the name on the site, which on a review
// site is how the site names the reviewer.
func authorIdentity(src *Source, m *Mention) (person.Identity, bool) {
	network := m.Site
	if src.Kind == KindMastodon {
		network = "mastodon"
	}
	h := strings.TrimSpace(m.AuthorHandle)
	switch {
	case strings.Contains(h, "@") && !strings.HasPrefix(h, "@") && strings.Contains(h[strings.Index(h, "@"):], "."):
		return person.Identity{Kind: person.KindEmail, Value: h}, true
	case h != "" && network != "":
		return person.Identity{Kind: person.KindHandle, Network: network, Value: h, Verified: true}, true
	case m.AuthorURL != "":
		return person.Identity{Kind: person.KindURL, Value: m.AuthorURL}, true
	case m.Author != "" && network != "":
		return person.Identity{Kind: person.KindReviewName, Network: network, Value: m.Author, Verified: true}, true
	}
	return person.Identity{}, false
}

// langLocale returns the locale samtal speaks for a language, or "".
func langLocale(lang string) string {
	switch lang {
	case "en", "de", "da":
		return lang
	}
	return ""
}

// index returns the matcher of the current topics, building it again when
// a topic changed since.
func (s *Service) index(ctx context.Context) (*query.Index, error) {
	v, err := s.Store.TopicsVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.matcher != nil && s.matcher.version == v {
		return s.matcher.index, nil
	}
	topics, err := s.Store.Topics(ctx)
	if err != nil {
		return nil, err
	}
	qs := make(map[int64]*query.Query, len(topics))
	for _, t := range topics {
		q, err := query.Parse(t.Query)
		if err != nil {
			continue // saved queries parse; one that stopped parsing matches nothing
		}
		qs[t.ID] = q
	}
	s.matcher = &matcher{version: v, index: query.NewIndex(qs)}
	return s.matcher.index, nil
}
