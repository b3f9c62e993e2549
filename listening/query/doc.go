// Package query is the topic query language of samtal's listening feature:
// a parser for boolean queries in the style of Brandwatch, a matcher that
// checks one mention against one query, and an Index that checks one
// mention against many topics quickly.
//
// # Words
//
// A word matches a whole token of a mention. Tokens are runs of letters
// and digits; an apostrophe between two of them stays inside the token
// ("don't", "IKEA's"), and a token with apostrophes also counts as each of
// its parts, so ikea matches "IKEA's" and "l'IKEA" while don't matches only
// "don't". Other characters (spaces, punctuation, #, @, emoji) separate
// tokens and cannot be searched for.
//
// Matching ignores case and accents: both query and mention are folded to
// lower case, accents are removed (é→e, ü→u, ö→o, ä→a, å→a) and letters
// without a decomposition are spelled out (ø→o, æ→ae, ß→ss, œ→oe, þ→th,
// ð→d, ł→l). So "grøn" matches "gron" and "Straße" matches "strasse". This
// holds for Latin, Greek and Cyrillic letters; other scripts are only
// lower-cased.
//
// Unqualified words and phrases match the title or the text of a mention
// (as Brandwatch does). An unquoted word with punctuation inside is the
// phrase of its parts: ikea.com means "ikea com" and t-shirt "t shirt".
//
// # Operators
//
//	ikea AND sofa           both
//	ikea OR jysk            either
//	ikea AND NOT sofa       ikea, without sofa
//	ikea sofa               side by side means AND
//	(ikea OR jysk) AND sofa parentheses group
//
// Operators are written in upper case; and, or, not and near are plain
// words. NOT binds tightest, then AND, then OR — but as in Brandwatch,
// AND and OR may not be mixed in one group without parentheses
// (ikea AND sofa OR jysk is an error), so the reader never has to know
// this order. Words side by side count as AND for that rule.
//
// A query must say what mentions contain, not only what they lack: NOT x
// alone, or NOT on one side of an OR, matches almost everything and is
// refused.
//
// # Phrases and proximity
//
//	"green sofa"           the words next to each other, in this order
//	"green sofa"~3         all words within a stretch holding at most 3 other
//	                       words, in any order; "a b"~3 is a NEAR/3 b
//	ikea NEAR/3 sofa       at most 3 words between them, either order
//	ikea NEAR/3f sofa      the same, ikea first
//	(ikea OR jysk) NEAR/2 ("green sofa" OR couch)
//
// The operands of NEAR are words, exact phrases or parenthesised OR groups
// of those. Chains (a NEAR/2 b NEAR/2 c), NOT, fields and "…"~n inside NEAR
// are refused with a message. The two operands must be found at different
// places: one word never matches both sides. NEAR binds tighter than NOT,
// so NOT a NEAR/3 b excludes mentions where a is near b. Distances are at
// most 100. Phrases and NEAR never reach from the title into the text.
//
// # Wildcards
//
// * stands for any number of characters (also none) and ? for exactly one,
// anywhere in a word except at its start: sof*, colo?r (colour, not
// color), s*fa. A word with a wildcard needs at least two letters or digits
// (ki* is fine, k* is refused), since a wildcard that is nearly all
// wildcard matches almost every mention. Wildcards may be used in phrases
// and in NEAR. ? counts folded characters, so ß counts as two (ss).
//
// # Fields
//
//	title:sofa  title:"green sofa"  title:(sofa OR couch)   in the title only
//	author:ikea  author:"Anna Larsen"  author:(a OR b)      in the author's
//	                             name or handle, as words: author:anna matches
//	                             "Anna Larsen" and "@anna@mastodon.social"
//	site:ikea.com                the host or any subdomain (www.ikea.com,
//	                             shop.ikea.com); a leading www. is dropped
//	url:ikea.com/de              the address contains this text, compared in
//	                             lower case without scheme and leading www.;
//	                             * is refused, ? is a plain character there
//	language:de                  an ISO 639-1 code: two lower-case letters
//	rating:[0.6 TO 1]            a rating from 0 to 1, bounds included; a
//	                             mention without a rating never matches
//
// Field names are lower case. title: and author: take a word, a phrase or a
// group with the usual operators but no other fields. Fields combine with
// everything else: site:ikea.com AND sofa, language:de AND NOT (a OR b).
// A word with a colon that is not a field (12:30, https://…) is an error;
// in quotes the colon is punctuation like any other.
//
// # Comments and limits
//
// Text between <<< and >>> is a comment and ignored, wherever it appears,
// also inside quotes. Straight and curly quotes (", “, ”, „) are all
// quotes. A query has at most 4,000 characters, both as written and in its
// normal form (Query.String, where words side by side get an AND between
// them), at most 50 levels of nested parentheses and NOT, and at most 32
// words per phrase (8 in a phrase with ~).
//
// # Matching many topics
//
// Prepare tokenises and folds a mention once; Query.Match checks it
// against one query and Index.Match against many. The Index files each
// topic under the words of Query.Terms and only evaluates topics filed
// under a word of the mention (plus the few without such words), so its
// cost grows with the topics a mention might match rather than with all
// topics.
//
// # Errors
//
// Parse returns a *ParseError with the position of the problem counted in
// characters from 1 (the end of the query is one past its last character)
// and a message in plain English for the people writing topics. Its Code
// and Args say the same as data, so that samtal can show the message in
// the reader's language; Codes lists every code.
package query
