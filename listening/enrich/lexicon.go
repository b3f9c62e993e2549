package enrich

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed lexicon_*.txt
var lexiconFiles embed.FS

// entry is what a lexicon knows about one word or phrase. A word can be
// both a modifier and a term ("pretty good" against "a pretty lamp").
type entry struct {
	score  float64 // sentiment weight, -4..4; 0 when not a term
	factor float64 // multiplier for the next term; 0 when not a modifier
	// wanted is the weight of something a customer waits for ("reply",
	// "refund", "geliefert") when it is negated: "no reply" is a
	// complaint although "reply" alone is no praise.
	wanted      float64
	number      float64 // the count a number word stands for ("three", "tredje"); 0 if none
	cues        cue     // hints of an implicit complaint, see cue
	negator     bool
	forwardOnly bool // a negator that never reaches back ("kein", "no")
	complaint   bool // a negator that complains when it negates nothing ("not even a receipt")
	fixed       bool // a comment on the whole sentence ("unfortunately", "leider") that no negation reaches
	// rating is a rating written in the text ("1 stjerne", "5 stars"): no
	// negation after it reaches it ("1 stjerne fordi man ikke kan give
	// 0"), and none at all reaches a low one ("not even worth 1 star").
	rating  bool
	neutral bool // a phrase that says nothing, listed so that its words do not count ("ab sofort")
	tag     bool // a question tag ("ikke?", "vel?"): the question before it is a statement
	// echo is praise that, as a sentence of its own right after a
	// complaint, is ironic: "Toget er aflyst igen. Super."
	echo     bool
	contrast bool
	sarcasm  bool // "🙄": praise in the same sentence is meant the other way
	// phraseWords is the length in words of the longest phrase that
	// starts with this word, 0 when none does.
	phraseWords uint8
}

// cue marks words that say nothing on their own but, together, make an
// implicit complaint: "still" with a negation that reaches no term ("still
// no refund") or with a problem ("still loud"), waiting with a duration
// ("waited 50 minutes"), contacting with a repetition ("third time I
// call"), lasting with a duration ("lasted two weeks"). Durations run
// from minutes to months, never years: "two years and still like new".
type cue uint16

const (
	cuePersist   cue = 1 << iota // still, stadig, noch immer, bis heute
	cueRepeat                    // again, igen, wieder, dreimal
	cueDuration                  // for weeks, wochenlang, i ugevis
	cueWait                      // waiting, ventet, gewartet
	cueContact                   // called, ringet, geschrieben
	cueTimeUnit                  // week, uge, Woche: a duration after a number
	cueCountUnit                 // times, gange, Mal: a repetition after a number of 2 or more
	cueLasted                    // lasted, holdt, gehalten: with a duration, it broke early
	cueShort                     // only, kun, nur: a duration right after it is short ("only waited 5 minutes")
	cueConcede                   // even though, selvom, obwohl: "refused, although we had paid"
)

// cueSections maps the lexicon sections that list cue words to their cue.
var cueSections = map[string]cue{
	"persist":    cuePersist,
	"repeat":     cueRepeat,
	"duration":   cueDuration,
	"wait":       cueWait,
	"contact":    cueContact,
	"timeunits":  cueTimeUnit,
	"countunits": cueCountUnit,
	"lasted":     cueLasted,
	"short":      cueShort,
	"concede":    cueConcede,
}

// lexicon is the immutable sentiment vocabulary of one language, merged
// with the emoji table.
type lexicon struct {
	entries   map[string]entry
	prefixes  map[string]float64 // "enttäusch*" is stored as "enttäusch"
	minPrefix int                // shortest prefix, in bytes
	maxPrefix int                // longest prefix, in bytes
}

// lexiconFilesFor lists the files that make up each language's lexicon,
// later files overriding earlier ones. Languages not listed use English.
var lexiconFilesFor = map[string][]string{
	"en": {"lexicon_emoji.txt", "lexicon_ratings.txt", "lexicon_en.txt"},
	"de": {"lexicon_emoji.txt", "lexicon_ratings.txt", "lexicon_de.txt"},
	"da": {"lexicon_emoji.txt", "lexicon_ratings.txt", "lexicon_da.txt"},
	"no": {"lexicon_emoji.txt", "lexicon_ratings.txt", "lexicon_da.txt", "lexicon_no.txt"},
	"sv": {"lexicon_emoji.txt", "lexicon_ratings.txt", "lexicon_sv.txt"},
}

// lexicons holds the parsed lexicon of every language in lexiconFilesFor.
// It is built once from the embedded files and only read afterwards.
var lexicons = mustLoadLexicons()

func mustLoadLexicons() map[string]*lexicon {
	m, err := loadLexicons()
	if err != nil {
		// The files are embedded at build time, so this is a bug that
		// TestLexiconsLoad reports; there is nothing to recover.
		panic(err)
	}
	return m
}

func loadLexicons() (map[string]*lexicon, error) {
	m := make(map[string]*lexicon, len(lexiconFilesFor))
	for lang, files := range lexiconFilesFor {
		lex := &lexicon{entries: make(map[string]entry, 1024), prefixes: make(map[string]float64)}
		for _, name := range files {
			src, err := lexiconFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("reading lexicon %s: %w", name, err)
			}
			if err := lex.parse(string(src)); err != nil {
				return nil, fmt.Errorf("lexicon %s: %w", name, err)
			}
		}
		m[lang] = lex
	}
	return m, nil
}

// parse adds the entries of one lexicon file to lex. Entries override
// earlier files, but the same entry twice in one file is an error, since
// it is almost always a mistake.
func (lex *lexicon) parse(src string) error {
	section := ""
	seen := make(map[string]bool)
	lineNo := 0
	for line := range strings.Lines(src) {
		lineNo++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			continue
		}
		fields := strings.Fields(line)
		var value float64
		if section == "modifiers" || section == "terms" || section == "ratings" || section == "wanted" || section == "numbers" {
			if len(fields) < 2 {
				return fmt.Errorf("line %d: want words and a number: %q", lineNo, line)
			}
			v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
			if err != nil {
				return fmt.Errorf("line %d: %w", lineNo, err)
			}
			if section != "numbers" && (v < -4 || v > 4) {
				return fmt.Errorf("line %d: %v is outside -4..4", lineNo, v)
			}
			value = v
			fields = fields[:len(fields)-1]
		}
		var flags negatorFlags
		if section == "negators" {
			fields, flags = cutNegatorFlags(fields)
		}
		for _, key := range expandBraces(strings.Join(fields, " ")) {
			id := section + "\x00" + key
			if seen[id] {
				return fmt.Errorf("line %d: %q listed twice in [%s]", lineNo, key, section)
			}
			seen[id] = true
			if err := lex.add(section, key, value, flags); err != nil {
				return fmt.Errorf("line %d: %w", lineNo, err)
			}
		}
	}
	return nil
}

// negatorFlags are the words that may follow a negator in its section:
// "forward" (it never reaches back) and "complaint" (see entry.complaint).
type negatorFlags struct{ forward, complaint bool }

// cutNegatorFlags removes the trailing flags from the fields of a negator
// line.
func cutNegatorFlags(fields []string) ([]string, negatorFlags) {
	var flags negatorFlags
	for len(fields) > 1 {
		switch fields[len(fields)-1] {
		case "forward":
			flags.forward = true
		case "complaint":
			flags.complaint = true
		default:
			return fields, flags
		}
		fields = fields[:len(fields)-1]
	}
	return fields, flags
}

func (lex *lexicon) add(section, key string, value float64, flags negatorFlags) error {
	if stem, ok := strings.CutSuffix(key, "*"); ok {
		if section != "terms" || strings.Contains(stem, " ") || len(stem) < 3 {
			return fmt.Errorf("prefix %q: only single-word terms of 3+ bytes may end in *", key)
		}
		lex.prefixes[stem] = value
		if lex.minPrefix == 0 || len(stem) < lex.minPrefix {
			lex.minPrefix = len(stem)
		}
		lex.maxPrefix = max(lex.maxPrefix, len(stem))
		return nil
	}
	e := lex.entries[key]
	switch section {
	case "negators":
		e.negator = true
		e.forwardOnly = flags.forward
		e.complaint = flags.complaint
	case "modifiers":
		e.factor = value
	case "contrast":
		e.contrast = true
	case "sarcasm":
		e.sarcasm = true
	case "fixed":
		e.fixed = true
	case "terms":
		e.score = value
	case "ratings":
		e.score = value
		e.rating = true
	case "neutral":
		e.neutral = true
	case "tags":
		e.tag = true
	case "echo":
		e.echo = true
	case "wanted":
		if value >= 0 {
			return fmt.Errorf("wanted %q: the weight when negated must be negative", key)
		}
		e.wanted = value
	case "numbers":
		if value <= 0 {
			return fmt.Errorf("number %q: the count must be positive", key)
		}
		e.number = value
	default:
		c, ok := cueSections[section]
		if !ok {
			return fmt.Errorf("unknown section [%s]", section)
		}
		e.cues |= c
	}
	lex.entries[key] = e
	if words := strings.Fields(key); len(words) > 1 {
		if len(words) > 255 {
			return fmt.Errorf("phrase %q: too many words", key)
		}
		first := lex.entries[words[0]]
		first.phraseWords = max(first.phraseWords, uint8(len(words)))
		lex.entries[words[0]] = first
	}
	return nil
}

// expandBraces expands one {a,b,...} group: "gut{,e,en}" gives "gut",
// "gute" and "guten". Text without braces is returned as is.
func expandBraces(s string) []string {
	open := strings.IndexByte(s, '{')
	if open < 0 {
		return []string{s}
	}
	end := strings.IndexByte(s[open:], '}')
	if end < 0 {
		return []string{s}
	}
	end += open
	var out []string
	for _, alt := range strings.Split(s[open+1:end], ",") {
		out = append(out, s[:open]+alt+s[end+1:])
	}
	return out
}

// lexiconFor returns the lexicon for a language code, English for
// languages without their own.
func lexiconFor(lang string) *lexicon {
	if lex, ok := lexicons[lang]; ok {
		return lex
	}
	return lexicons["en"]
}

// prefixScore returns the weight of the longest listed prefix of w.
func (lex *lexicon) prefixScore(w []byte) (float64, bool) {
	if lex.minPrefix == 0 || len(w) < lex.minPrefix {
		return 0, false
	}
	for n := min(len(w), lex.maxPrefix); n >= lex.minPrefix; n-- {
		if v, ok := lex.prefixes[string(w[:n])]; ok {
			return v, true
		}
	}
	return 0, false
}
