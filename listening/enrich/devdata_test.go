package enrich

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// devText is one hand-written development example.
type devText struct {
	lang, label, text string
}

// readLangDev reads testdata/<dir>/<code>.txt: one text per line.
func readLangDev(tb testing.TB, dir string) []devText {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no language dev files: %v", err)
	}
	var out []devText
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".txt")
		for _, line := range readLines(tb, f) {
			out = append(out, devText{lang: code, text: line})
		}
	}
	return out
}

// readSentimentDev reads testdata/<dir>/<code>.tsv: label TAB text.
func readSentimentDev(tb testing.TB, dir string) []devText {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no sentiment dev files: %v", err)
	}
	var out []devText
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".tsv")
		for _, line := range readLines(tb, f) {
			label, text, ok := strings.Cut(line, "\t")
			if !ok {
				tb.Fatalf("%s: no tab in %q", f, line)
			}
			out = append(out, devText{lang: code, label: label, text: text})
		}
	}
	return out
}

func readLines(tb testing.TB, name string) []string {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("reading %s: %v", name, err)
	}
	return lines
}
