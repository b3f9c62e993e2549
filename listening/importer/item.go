package importer

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/samtal-dev/samtal/listening/raw"
)

// compiled is a validated Mapping made ready for rows.
type compiled struct {
	scale   scale
	dates   dateParser
	network string
}

// compile prepares a mapping that passed Validate.
func compile(m Mapping) compiled {
	sc, _ := parseScale(m.RatingScale)
	dp, _ := newDateParser(m.DateFormat)
	return compiled{scale: sc, dates: dp, network: strings.ToLower(strings.TrimSpace(m.Network))}
}

// problems gathers what is wrong with a row, so staff can fix it at once.
type problems struct {
	field string
	msgs  []string
}

func (p *problems) add(f field, msg string) {
	if p.field == "" {
		p.field = fieldNames[f]
	}
	p.msgs = append(p.msgs, msg)
}

func (p *problems) err() *RowError {
	if len(p.msgs) == 0 {
		return nil
	}
	return &RowError{Field: p.field, Msg: strings.Join(p.msgs, "; ")}
}

// item turns a row's values into an Item, checking each.
func (c *compiled) item(v *[nFields]string) (raw.Item, *RowError) {
	var p problems
	it := raw.Item{
		Text:         cleanText(v[fText], maxText),
		Title:        cleanLine(v[fTitle], maxTitle),
		Author:       cleanLine(v[fAuthor], maxAuthor),
		AuthorHandle: cleanLine(v[fHandle], maxHandle),
		Network:      c.network,
		Lang:         language(v[fLanguage]),
	}
	if it.Text == "" {
		p.add(fText, "text is empty")
	}
	if s := strings.TrimSpace(v[fRating]); s != "" {
		if r, err := parseRating(s, c.scale); err != nil {
			p.add(fRating, err.Error())
		} else {
			it.Rating = &r
		}
	}
	if s := strings.TrimSpace(v[fDate]); s != "" {
		if t, err := c.dates.parse(s); err != nil {
			p.add(fDate, err.Error())
		} else {
			it.Published = t
		}
	}
	if s := strings.TrimSpace(v[fURL]); s != "" {
		if err := checkURL(s); err != nil {
			p.add(fURL, err.Error())
		} else {
			it.URL = s
		}
	}
	if s := strings.TrimSpace(v[fID]); s != "" {
		if len(s) > maxID || strings.ContainsFunc(s, isControl) {
			p.add(fID, fmt.Sprintf("id %s is not an id (up to %d characters, on one line)", quote(s), maxID))
		} else {
			it.ExternalID = s
		}
	}
	if err := p.err(); err != nil {
		return raw.Item{}, err
	}
	return it, nil
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

// checkURL accepts absolute http and https addresses only: a review's link
// ends up on a page, where javascript: must never get.
func checkURL(s string) error {
	if len(s) > maxURL {
		return fmt.Errorf("url is longer than %d characters", maxURL)
	}
	u, err := url.Parse(s)
	web := err == nil && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))
	if !web || strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || isControl(r) }) {
		return fmt.Errorf("url %s is not a web address (it must start with http:// or https://)", quote(s))
	}
	return nil
}

// language keeps a stated language when it reads as an ISO 639-1 code
// ("da", "de-DE", "en_GB" → "en"); anything else is left to enrichment
// rather than failing a row for it.
func language(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) != 2 {
		return ""
	}
	s = strings.ToLower(s)
	if s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z' {
		return ""
	}
	return s
}
