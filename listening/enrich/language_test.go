package enrich

import (
	"sort"
	"testing"
	"unicode/utf8"
)

func TestLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"english", "The delivery was quick and the sofa looks great in our living room.", "en"},
		{"german", "Die Lieferung war schnell und das Sofa sieht in unserem Wohnzimmer toll aus.", "de"},
		{"danish", "Leveringen var hurtig, og sofaen ser godt ud i vores stue. Jeg er meget glad for den.", "da"},
		{"norwegian", "Leveringen var rask, og sofaen ser fin ut i stua vår. Jeg er veldig fornøyd med den.", "no"},
		{"nynorsk counts as norwegian", "Eg har ikkje fått pakken enno, og eg veit ikkje kva eg skal gjere no.", "no"},
		{"swedish", "Leveransen var snabb och soffan ser jättefin ut i vårt vardagsrum. Jag är väldigt nöjd.", "sv"},
		{"dutch", "De levering was snel en de bank staat heel mooi in onze woonkamer. Ik ben er blij mee.", "nl"},
		{"french", "La livraison a été rapide et le canapé est très joli dans notre salon. Je suis ravie.", "fr"},
		{"spanish", "El envío fue muy rápido y el sofá queda precioso en nuestro salón. Estoy muy contenta.", "es"},
		{"finnish", "Toimitus oli nopea ja sohva näyttää olohuoneessamme todella hyvältä. Olen tyytyväinen.", "fi"},
		{"url and mention do not count", "@shop https://example.com/p/123 The chair arrived broken and nobody answers.", "en"},
		{"shorter than 20 characters", "Tak for sidst!", Unknown},
		{"no letters", "12345 67890 !!! ??? 555-1234", Unknown},
		{"only emoji", "😍😍😍 👍👍👍 🎉🎉🎉 ❤️❤️❤️", Unknown},
		{"cyrillic", "Доставка была быстрой, диван выглядит отлично.", Unknown},
		{"empty", "", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, conf := Language(tt.text)
			if got != tt.want {
				t.Errorf("Language(%q) = %q (%.2f), want %q", tt.text, got, conf, tt.want)
			}
			if got == Unknown && conf != 0 || got != Unknown && (conf < minConfidence || conf > 1) {
				t.Errorf("Language(%q) confidence = %v for %q", tt.text, conf, got)
			}
		})
	}
}

func TestLanguageHint(t *testing.T) {
	const danish = "Leveringen var hurtig, og sofaen ser godt ud i vores stue."
	tests := []struct {
		stated, want string
		conf         float64
	}{
		{"de", "de", 1},
		{"EN-gb", "en", 1},
		{"pt_BR", "pt", 1},
		{"nb", "no", 1},
		{"nn-NO", "no", 1},
		{"is", "is", 1}, // valid ISO 639-1 even though we cannot detect it
		{"", "da", -1},
		{"xx", "da", -1},  // not an ISO 639-1 code
		{"dan", "da", -1}, // ISO 639-2, not accepted
		{"unknown", "da", -1},
	}
	for _, tt := range tests {
		got, conf := LanguageHint(danish, tt.stated)
		if got != tt.want || tt.conf == 1 && conf != 1 || tt.conf < 0 && conf == 1 {
			t.Errorf("LanguageHint(_, %q) = %q, %v; want %q", tt.stated, got, conf, tt.want)
		}
	}
}

// TestLanguageDevSet measures accuracy on the hand-written development
// texts. testdata/lang was used to write the word lists; testdata/langcheck
// was written afterwards and only measured, so its figure is the honest
// one. Unknown counts as wrong.
func TestLanguageDevSet(t *testing.T) {
	floors := []struct {
		dir       string
		all, long float64 // minimum accuracy over all texts / texts of 100+ characters
	}{
		{"lang", 0.97, 0.98},
		{"langcheck", 0.95, 0.97},
	}
	for _, f := range floors {
		type count struct{ n, ok, nLong, okLong int }
		per := map[string]*count{}
		var total count
		for _, d := range readLangDev(t, f.dir) {
			c := per[d.lang]
			if c == nil {
				c = &count{}
				per[d.lang] = c
			}
			got, _ := Language(d.text)
			long := utf8.RuneCountInString(d.text) >= 100
			for _, c := range []*count{c, &total} {
				c.n++
				if long {
					c.nLong++
				}
				if got == d.lang {
					c.ok++
					if long {
						c.okLong++
					}
				}
			}
			if got != d.lang {
				t.Logf("%s: %s text detected as %s: %q", f.dir, d.lang, got, d.text)
			}
		}
		langs := make([]string, 0, len(per))
		for l := range per {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			c := per[l]
			t.Logf("%s %s: %d/%d, 100+ chars %d/%d", f.dir, l, c.ok, c.n, c.okLong, c.nLong)
		}
		all, long := float64(total.ok)/float64(total.n), float64(total.okLong)/float64(total.nLong)
		t.Logf("%s total: %d/%d = %.1f%%, 100+ chars %d/%d = %.1f%%", f.dir, total.ok, total.n, 100*all, total.okLong, total.nLong, 100*long)
		if all < f.all || long < f.long {
			t.Errorf("%s accuracy %.3f (100+ chars %.3f) is below the floor %.2f (%.2f)", f.dir, all, long, f.all, f.long)
		}
	}
}

func TestWordTable(t *testing.T) {
	for _, w := range []string{"ikke", "og", "jeg"} {
		if m := wordTable[w]; m&(1<<iDA) == 0 || m&(1<<iNO) == 0 {
			t.Errorf("%q should count for Danish and Norwegian, mask %b", w, m)
		}
	}
	for w, lang := range map[string]int{"af": iDA, "hva": iNO, "och": iSV, "nicht": iDE, "het": iNL} {
		if wordTable[w] != 1<<lang {
			t.Errorf("%q should count for %s only, mask %b", w, detectable[lang], wordTable[w])
		}
	}
}
