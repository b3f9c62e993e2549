// Package advocate finds the people who would make good advocates and keeps
// the advocate group and its briefings.
//
// Every person's engagement is scored from what they did (recent activity
// weighs more; helping others, ideas that got planned and being followed
// count; votes lightly), and staff see the best-scored people who are not
// advocates yet, each with why. Staff invite them; an invited member accepts
// or declines. Briefings are facts, not advertising: Markdown with links and
// images, mailed to the advocates who agreed to get briefings and shown to
// advocates on the site, where reading one is recorded (no tracking pixel,
// no rewritten links). See docs/design.md, "Advocates and briefings".
package advocate

import (
	"math"
	"time"

	"github.com/samtal-dev/samtal"
)

// Permissions: staff who read people see candidates, scores, the group and
// briefings with their recipients; staff who change people invite, remove,
// write and send.
const (
	PermView = samtal.PermViewPeople
	PermEdit = samtal.PermEditPeople
)

// Purpose is the consent a briefing mail needs (consent.AdvocateBriefings).
const Purpose = "advocate_briefings"

// The score's formula. Each thing a person did adds its part's weight times
// 2^(-age/HalfLife): something done a month ago counts half, three months
// ago an eighth. Things older than Window (six half-lives, under 1/64 of
// their weight) are not read at all, so that scoring a person costs what
// they did lately, not what they did ever.
const (
	HalfLife = 30 * 24 * time.Hour
	Window   = 6 * HalfLife
)

// The parts of a score, each one kind of thing a person did or that
// happened to what they did.
const (
	PartIdeas        = "ideas"        // ideas they posted
	PartHelping      = "helping"      // comments and replies on other people's ideas
	PartConversation = "conversation" // comments on their own ideas
	PartPlanned      = "planned"      // ideas of theirs that became planned, in progress or done (when it happened)
	PartFollowed     = "followed"     // others following their ideas (when they started)
	PartVotes        = "votes"        // votes they cast
)

// Parts lists the parts in the order "why" is told.
var Parts = []string{PartPlanned, PartHelping, PartIdeas, PartFollowed, PartConversation, PartVotes}

// Weights are the points of one thing of each part, done now. Helping
// others weighs almost as much as an idea of one's own: advocates are the
// people others hear from. A vote costs a click, so it counts little.
var Weights = map[string]float64{
	PartIdeas:        3,
	PartHelping:      2,
	PartConversation: 0.5,
	PartPlanned:      5,
	PartFollowed:     1,
	PartVotes:        0.25,
}

// MinCandidateScore is the least score of a candidate: one idea posted in
// the last month, or a dozen votes, is not yet a reason to ask someone.
const MinCandidateScore = 3

// Activity is one scored thing: a person's, of a part, at a time.
type Activity struct {
	PersonID int64
	Part     string
	At       time.Time
}

// Part is one part of a score: how many things of its kind counted, and
// the points they are worth (at the score's time).
type Part struct {
	Name   string  `json:"part"`
	Count  int     `json:"count"`
	Points float64 `json:"points"`
}

// Score is a person's engagement as of ComputedAt, with its parts.
type Score struct {
	PersonID   int64
	Points     float64
	Parts      []Part // in the order of Parts; only parts with a count
	ComputedAt time.Time
}

// Decay is the factor a weight has after d: 2^(-d/HalfLife). Nothing
// counts more than now.
func Decay(d time.Duration) float64 {
	if d <= 0 {
		return 1
	}
	return math.Exp2(-float64(d) / float64(HalfLife))
}

// Compute returns the score of person personID at now from their
// activities (those of other persons, of unknown parts or older than
// Window are left out).
func Compute(personID int64, acts []Activity, now time.Time) Score {
	count := map[string]int{}
	points := map[string]float64{}
	for _, a := range acts {
		w, ok := Weights[a.Part]
		if a.PersonID != personID || !ok || now.Sub(a.At) > Window {
			continue
		}
		count[a.Part]++
		points[a.Part] += w * Decay(now.Sub(a.At))
	}
	s := Score{PersonID: personID, ComputedAt: now}
	for _, p := range Parts {
		if count[p] > 0 {
			s.Parts = append(s.Parts, Part{Name: p, Count: count[p], Points: points[p]})
			s.Points += points[p]
		}
	}
	return s
}

// At returns the score decayed to t: every part loses the same factor as
// time passes, so the order of people does not change by waiting.
func (s Score) At(t time.Time) Score {
	f := Decay(t.Sub(s.ComputedAt))
	out := Score{PersonID: s.PersonID, Points: s.Points * f, ComputedAt: t}
	for _, p := range s.Parts {
		p.Points *= f
		out.Parts = append(out.Parts, p)
	}
	return out
}

// RankKey orders scores computed at different times: log2(points) +
// at/HalfLife, equal for two scores that are equal once decayed to the
// same moment. A score of at least min at now is a key of at least
// RankKey(min, now).
func RankKey(points float64, at time.Time) float64 {
	return math.Log2(points) + float64(at.UnixMilli())/float64(HalfLife.Milliseconds())
}
