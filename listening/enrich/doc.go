// Package enrich adds what listening needs to know about every incoming
// mention: its language, its sentiment and keys for finding near
// duplicates. Enrich does all three with one pass of tokenizing; Language,
// LanguageHint, Sentiment, Fingerprint, ExactKey, Bands and NearDuplicate
// are the parts. Everything is pure computation over immutable tables, so
// all functions are safe for concurrent use. A 60-word review costs about
// 11-23 µs for all three together on one core of our 2-core machine
// (BenchmarkEnrich); strings.Fields(strings.ToLower(text)) over the same
// text (BenchmarkBaseline) takes 2 to 8 times less.
//
// # Language identification
//
// Language scores each language by the frequent words of hand-written
// lists (langwords.txt: function words, plus everyday words whose spelling
// differs between Danish, Norwegian and Swedish) and by spelling cues
// (ø/æ against ä/ö, Norwegian kj-/gj-/øy/-sjon against Danish k-/g-/øj/
// -tion, Danish -hed against Norwegian and Swedish -het, Swedish -arna,
// German -keit/-lich, Dutch ij/-lijk). It returns Unknown below 20
// characters, without letters, for other scripts, or when the winner's
// lead is too small (confidence = 1-exp(-lead/2) below 0.3). It knows en,
// de, da, no (Bokmål; Nynorsk counts as no), sv, nl, fr, es, it, pt, fi.
//
// Measured on our hand-written development texts (testdata; Unknown
// counts as wrong):
//
//	                              ours        whatlanggo   lingua-go
//	tuned set, 281 texts          99.6%       95.4%        99.3%
//	  of which 100+ chars (198)   100%        97.5%        99.5%
//	held-out set, 100 texts       99%         93%          100%
//	  of which 100+ chars (80)    100%        94%          100%
//	sentiment texts, mostly short 93%         88%          99.8%
//	  (440; ours: 7% Unknown, no wrong language)
//	time per 60-word text         ~6 µs       ~300 µs      ~470 µs
//	binary size, tiny main        +0.4 MB     +0.5 MB      +132.6 MB
//
// whatlanggo v1.0.1 (with a whitelist of our languages) confuses Danish,
// Norwegian and Swedish and allocates hundreds of times per call.
// lingua-go v1.4.0 is the most accurate, but embeds the models of all its
// languages whatever the detector is restricted to (a tiny main restricted
// to our seven languages grew from 2.4 MB to 135 MB) and is far over our
// time budget. Our own lists are as good as lingua-go on texts of 100+
// characters, need no dependency and cost a map lookup per word; on short
// Danish and Norwegian texts they say Unknown rather than guess. Enrich
// then still scores sentiment with the lexicon of the most likely
// language. When a source states the language, LanguageHint and Enrich
// take it (any valid ISO 639-1 code; "nb" and "nn" become "no").
//
// # Sentiment
//
// Sentiment sums the weights (-4..4) of lexicon terms and flattens the sum
// into -1..1 as sum/sqrt(sum²+15). Scores within ±0.15 are Neutral. The
// lexicons are our own writing (lexicon_*.txt, embedded): English 753
// terms, German 614 lines that expand to 1,558 inflected forms, Danish 733
// lines (1,068 forms), Swedish 397 (680), Norwegian additions to the Danish
// one (74), 92 emoji and emoticons and a few ratings ("10/10", "★☆☆☆☆")
// shared by all, and for en, de and da about 160 words each that hint at
// implicit complaints. Rules:
//   - negators ("not", "nicht", "kein", "ikke", "inte") flip the next term
//     within three words in the same clause, or else the term just before
//     ("funktioniert nicht", "virker ikke"); a negated positive counts
//     -0.75 times ("not good"), a negated negative -0.5 times ("not bad",
//     "kein Problem" are mildly positive); words of expectation negate too
//     ("expected worse" is good news). Fixed phrases win over the rules:
//     "never again", "nie wieder", "aldrig igen" are strongly negative.
//     Some words count only when negated: what a customer waits for
//     ("no reply", "nicht geliefert", "svarer ikke", "without notice").
//     Comments on the whole sentence ("unfortunately", "leider",
//     "desværre") and emoji are never negated. Ratings written in the
//     text ("1 stjerne", "5 stars") are never negated by what follows ("1
//     stjerne fordi man ikke kan give 0"), and a low one not at all.
//     Expectations negate in Danish too: "havde regnet med bedre",
//     "forventet lidt mere" are polite complaints;
//   - phrases that say nothing mask their words: German "ab sofort" is no
//     praise of speed, "ærligt talt" no praise of honesty, "at ringe" no
//     "ringe" (poor);
//   - modifiers multiply the next term: "very", "sehr", "meget",
//     "virkelig", "sgu" intensify, "a bit", "etwas", "lidt", "en anelse"
//     soften;
//   - "but", "aber", "men", "dog", "til gengæld", "ellers": the clause
//     before counts half, the one after one and a half (a sentence
//     starting with "But" discounts the one before);
//   - each "!" up to three adds 0.3 in the direction of the sum; emoji and
//     emoticons are terms; an eye-roll (🙄, 🙃, 🤦) or a Danish "not"
//     ("Godt gået... not.") turns the praise of its sentence into
//     criticism; so do echo words ("Super.", "Perfekt,", "Tak for det") as
//     a sentence of their own right after a complaint or as a short
//     opening clause before one ("Perfekt, så blev flyet aflyst igen");
//   - in a question praise counts a tenth ("which sofa would you
//     recommend?" is no praise) and criticism half; a question tag makes
//     a statement ("Den er flot, ikke?"), and "ik'" never negates;
//   - implicit complaints (implicit.go): a sentence without praise counts
//     like "disappointing" when its cue words add up: a negation that
//     negates nothing next to "still", "again" or a duration ("still no
//     refund", "seit drei Wochen keine Antwort", "endnu ikke modtaget"),
//     a problem still there ("still loud"), waiting with a duration ("har
//     ventet i 4 uger", but "only waited 5 minutes" is praise), contacting
//     again ("tredje gang jeg ringer", "dreimal geschickt"), lasting days
//     or weeks ("hat zwei Wochen gehalten", and the praise in "virkede
//     fint i to uger" does not count), "not even", "nicht einmal",
//     "ikke engang" with nothing after, or a lone "Again." after a
//     complaint. Durations count minutes to months, never years ("two
//     years and still like new").
//
// There is no "mixed" label: a review with praise and criticism comes out
// by its balance, weighted towards what follows "but", which is what the
// listening views sort and filter by. Languages without a lexicon (and
// Unknown) use the English one, which still reads emoji, emoticons and
// English words in the text. Swedish and Norwegian have no implicit-
// complaint words yet.
//
// Accuracy on our labelled development texts (testdata/sentiment*, see
// testdata/README.md), label agreement per language in %, before and
// after the second November 2026 round (colloquial Danish):
//
//	                                      before                    now
//	sentimentcheck5, held out (84 da)     da 82.1                   da 88.1
//	  negative called positive            4                         3
//	sentiment3, development (208 da)      per batch, untouched:     da 95.7, tuned on
//	                                      81.2, 79.5, 80.6
//	sentimentcheck4, held out (40 each)   en 82.5 de 92.5 da 95     en 82.5 de 95 da 97.5
//	sentiment2, all (107/205/207)         en 96.3 de 93.2 da 94.7   en 96.3 de 93.2 da 95.2
//	sentimentcheck3 (20 each)             en 85 de 80 da 95 sv 80   en 85 de 80 da 100 sv 80
//	sentimentcheck2 (25 each)             en 92 de 92 da 88 sv 76   unchanged
//	sentimentcheck (25 each)              en 96 de 96 da 100 sv 92  unchanged
//	sentiment (40 each)                   97.5 each                 unchanged
//
// sentimentcheck5 was written before the round (short Facebook and
// Instagram comments with slang and emoji, mixed Trustpilot reviews,
// polite complaints, irony, questions to the brand, neutral facts) and
// measured only before and after, with its misses never read. It is still
// optimistic: the same hand wrote it and the rules, and six of its texts
// are the brief's own examples of what to handle ("Tak for ingenting",
// "Jeg havde nu forventet lidt mere", "1 stjerne fordi man ikke kan give
// 0"); without them it scores 87.2% (68/78). The sober figure is how new
// Danish text fares before it is tuned on: the three batches of
// sentiment3, each written after the previous round of tuning, scored
// about 80% untouched. No positive text is called negative in the new
// sets; the round swapped no label between positive and negative in any
// older set, and removed two such swaps (sentiment2, sentimentcheck4). Irony
// without a marker ("Flot klaret at hæve prisen med 30 % 👏"), praise in
// a question ("Kan man få opskriften på den fantastiske dressing?") and
// hedged complaints that need the sentence before ("Det var nu ikke helt,
// hvad vi havde håbet på") still miss.
//
// The first November round (implicit complaints) took sentimentcheck4
// from en 60, de 67.5, da 65 to the "before" column above and was
// measured the same way: its batches of sentiment2 (12 to 41 texts per language, written to
// be hard) scored 46% to 76% untouched, and three of them turned 3 to 6
// positive texts negative before the rules were narrowed. Complaints that
// only a reader's knowledge reveals stay neutral ("the parcel came at the
// same time as my friend's, who chose standard"). A team that needs more
// can plug in its own model behind the same labels (listening/classify,
// samtal serve --sentiment-url).
//
// # Near duplicates
//
// Fingerprint normalises the text (lowercase, accents folded, URLs,
// e-mail addresses and @mentions dropped, a trailing "Read more on …"
// dropped), hashes each distinct word with FNV-1a (fixed, stable across
// processes and Go versions; FingerprintVersion marks incompatible
// changes) and lets the words fall by hash into four groups. Each group
// votes a 16-bit SimHash; the four blocks form the 64-bit fingerprint.
//
// We measured and rejected the classic layout (one 64-bit SimHash over
// 3-word shingles, near duplicate at Hamming distance ≤ 3): on ~40-word
// texts a single changed word moves it by 7 bits on average, and only 8%
// of one-word edits stayed within 3 bits. With the grouped layout a word
// replaced, added or removed touches at most two groups, so at least two
// blocks stay identical. NearDuplicate therefore asks for two identical
// blocks and at most 16 differing bits, or one identical block and at
// most 8. On our development texts (~40-word texts built from them, each
// edit tried 10 times at random places): 100% of one-word replacements,
// insertions and deletions are near duplicates, 88% of two-word
// replacements; a trailing "Read more" or URL gives distance 0; of 46,000
// pairs of different texts in the same language none is a near duplicate
// and 0.24% share a band. Texts of 8 to 25 words are less robust: an
// empty group there takes its block from the opening words, and an edit
// in those changes it.
//
// Bands gives the four blocks as index keys (band number in the high
// bits), so the store finds candidates with four probes: any near
// duplicate shares a band, and so does any fingerprint within 3 bits
// (pigeonhole). Texts under MinFingerprintWords (8) words get Fingerprint
// 0 and no bands; for them, and for exact copies, ExactKey hashes the
// normalised text.
package enrich
