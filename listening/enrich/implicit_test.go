package enrich

import "testing"

// TestSentimentImplicit covers complaints and praise without sentiment
// words, and texts that use the same cue words without complaining.
func TestSentimentImplicit(t *testing.T) {
	tests := []struct {
		lang, text, want string
	}{
		// A negation that negates nothing, next to "still", "again" or a
		// duration.
		{"en", "Still no refund and it's been a month.", Negative},
		{"de", "Noch immer nicht geliefert, obwohl die Bestellung seit fünf Wochen bezahlt ist.", Negative},
		{"de", "Seit 14 Tagen keine Antwort vom Kundenservice.", Negative},
		{"da", "Uge 3 uden vaskemaskine og stadig ingen tekniker.", Negative},
		{"da", "Endnu ikke modtaget pengene for returneringen.", Negative},
		{"da", "Appen kan ikke finde min konto længere, og support svarer ikke.", Negative},
		// Complaining negators and refusals.
		{"en", "Not even an apology.", Negative},
		{"da", "Kunne ikke engang få et glas vand.", Negative},
		{"de", "Der Fahrer wollte es nicht hochtragen, obwohl wir dafür bezahlt hatten.", Negative},
		// Waiting with a duration or "still".
		{"en", "We are still waiting for the engineer to come back.", Negative},
		{"da", "Har ventet i 4 uger på min sofa, og ingen kan sige hvornår den kommer.", Negative},
		{"de", "Ich warte jetzt seit sechs Wochen auf meine Gutschrift.", Negative},
		// Contacting again.
		{"en", "Had to call again because the first agent didn't log anything.", Negative},
		{"da", "Tredje gang jeg ringer, og de lover igen at nogen ringer tilbage.", Negative},
		{"de", "Ich habe die Fotos jetzt schon dreimal geschickt.", Negative},
		{"en", "Spent my whole lunch break in your phone queue. Again.", Negative},
		// Lasting days, weeks or months; a problem still there.
		{"de", "Die Lampe hat genau zwei Wochen gehalten.", Negative},
		{"da", "Værkstedet havde min bil i en uge, og lyden er der stadig.", Negative},
		// Implicit praise.
		{"en", "Will definitely order again!", Positive},
		{"da", "Køber gerne igen.", Positive},
		{"de", "Wir kommen auf jeden Fall wieder, das Essen war ein Gedicht.", Positive},
		{"en", "First time ordering from you and definitely not the last 😊", Positive},
		// The same cues in praise: nothing to complain about.
		{"en", "Only waited 5 minutes for a table even though it was packed.", Positive},
		{"de", "Nur 5 Minuten auf den Tisch gewartet, obwohl es voll war.", Positive},
		{"en", "Still haven't found a single fault with it.", Positive},
		{"de", "Habe bis heute keinen Mangel gefunden.", Positive},
		{"da", "Ringede til kundeservice to gange, og begge gange fik jeg super hjælp.", Positive},
		{"da", "Har handlet her mange gange og bliver aldrig skuffet.", Positive},
		{"da", "Vi har haft spisebordet i to år og det ser stadig nyt ud.", Positive},
		{"de", "Hatte über die Jahre 3 Matratzen von euch und alle haben ewig gehalten.", Positive},
		{"en", "Called customer service twice and got great help both times.", Positive},
		// Questions and announcements.
		{"da", "Kan man ikke længere betale med kontanter i butikken?", Neutral},
		{"en", "Has anyone waited long for a sofa delivery from them?", Neutral},
		{"de", "Kann jemand ein gutes Sofa empfehlen?", Neutral},
		{"en", "Delivery time is currently 2-3 weeks.", Neutral},
		{"da", "Restauranten holder sommerlukket i tre uger fra 1. juli.", Neutral},
		// Ratings written into the text.
		{"en", "10/10 would recommend.", Positive},
		{"de", "★☆☆☆☆", Negative},
		{"da", "Giver 2 stjerner.", Negative},
		{"da", "Levering tager normalt 1-10 hverdage.", Neutral},
	}
	for _, tt := range tests {
		score, label := Sentiment(tt.text, tt.lang)
		if label != tt.want {
			t.Errorf("Sentiment(%q, %q) = %.2f %s, want %s", tt.text, tt.lang, score, label, tt.want)
		}
	}
}

// TestSentimentFixedTerms checks that no negation turns a comment on the
// whole sentence or an emoji.
func TestSentimentFixedTerms(t *testing.T) {
	tests := []struct {
		lang, text, want string
	}{
		{"en", "Unfortunately the sofa doesn't fit through the door.", Negative},
		{"de", "Leider passt es nicht durch die Tür.", Negative},
		{"da", "Desværre passer den ikke.", Negative},
		{"en", "Not the cheapest 😍", Positive},
	}
	for _, tt := range tests {
		score, label := Sentiment(tt.text, tt.lang)
		if label != tt.want {
			t.Errorf("Sentiment(%q, %q) = %.2f %s, want %s", tt.text, tt.lang, score, label, tt.want)
		}
	}
}

func TestLexiconNegatorFlags(t *testing.T) {
	lex := &lexicon{entries: map[string]entry{}, prefixes: map[string]float64{}}
	if err := lex.parse("[negators]\nnot even forward complaint\nnever\n[persist]\nstill\n[numbers]\nthree 3\n[wanted]\nreply -2\n"); err != nil {
		t.Fatal(err)
	}
	if e := lex.entries["not even"]; !e.negator || !e.forwardOnly || !e.complaint {
		t.Errorf("not even = %+v, want a forward, complaining negator", e)
	}
	if e := lex.entries["never"]; !e.negator || e.forwardOnly || e.complaint {
		t.Errorf("never = %+v, want a plain negator", e)
	}
	if e := lex.entries["still"]; e.cues != cuePersist {
		t.Errorf("still = %+v, want the persist cue", e)
	}
	if e := lex.entries["three"]; e.number != 3 {
		t.Errorf("three = %+v, want number 3", e)
	}
	if e := lex.entries["reply"]; e.wanted != -2 || e.score != 0 {
		t.Errorf("reply = %+v, want wanted -2 and no score", e)
	}
}
