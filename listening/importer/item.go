package importer

import (
	"net/url"
	"strconv"
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
type problems []Problem

func (ps *problems) add(f field, p *Problem) {
	p.Field = fieldNames[f]
	*ps = append(*ps, *p)
}

// err returns the row's error, nil when nothing is wrong. Its Field is the
// first problem's and its Msg every problem's English, joined by "; ".
func (ps problems) err() *RowError {
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i := range ps {
		msgs[i] = ps[i].Message()
	}
	return &RowError{Field: ps[0].Field, Msg: strings.Join(msgs, "; "), Problems: ps}
}

// item turns a row's values into an Item, checking each.
func (c *compiled) item(v *[nFields]string) (raw.Item, *RowError) {
	var ps problems
	it := raw.Item{
		Text:         cleanText(v[fText], maxText),
		Title:        cleanLine(v[fTitle], maxTitle),
		Author:       cleanLine(v[fAuthor], maxAuthor),
		AuthorHandle: cleanLine(v[fHandle], maxHandle),
		Network:      c.network,
		Lang:         language(v[fLanguage]),
	}
	if it.Text == "" {
		ps.add(fText, problem("text_empty", nil))
	}
	if s := strings.TrimSpace(v[fRating]); s != "" {
		if r, prob := parseRating(s, c.scale); prob != nil {
			ps.add(fRating, prob)
		} else {
			it.Rating = &r
		}
	}
	if s := strings.TrimSpace(v[fDate]); s != "" {
		if t, prob := c.dates.parse(s); prob != nil {
			ps.add(fDate, prob)
		} else {
			it.Published = t
		}
	}
	if s := strings.TrimSpace(v[fURL]); s != "" {
		if prob := checkURL(s); prob != nil {
			ps.add(fURL, prob)
		} else {
			it.URL = s
		}
	}
	if s := strings.TrimSpace(v[fID]); s != "" {
		if len(s) > maxID || strings.ContainsFunc(s, isControl) {
			ps.add(fID, problem("id_invalid", args{"Value": quote(s), "Max": strconv.Itoa(maxID)}))
		} else {
			it.ExternalID = s
		}
	}
	if err := ps.err(); err != nil {
		return raw.Item{}, err
	}
	return it, nil
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

// checkURL accepts absolute http and https addresses only: a review's link
// ends up on a page, where javascript: must never get.
func checkURL(s string) *Problem {
	if len(s) > maxURL {
		return problem("url_too_long", args{"Max": strconv.Itoa(maxURL)})
	}
	u, err := url.Parse(s)
	web := err == nil && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))
	if !web || strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || isControl(r) }) {
		return problem("url_invalid", args{"Value": quote(s)})
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
