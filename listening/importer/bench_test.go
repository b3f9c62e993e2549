package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// reviewRows makes an export of n rows on the fly, so that a test of
// memory does not hold the file itself. Every 10th text is quoted with a
// line break and a comma, as real exports have.
type reviewRows struct {
	n, i   int
	format Format
	buf    bytes.Buffer
}

func newReviewRows(n int, f Format) *reviewRows {
	g := &reviewRows{n: n, format: f}
	switch f {
	case FormatCSV:
		g.buf.WriteString("Review ID,Review Created (UTC),Consumer Name,Consumer Email,Review Title,Review Content,Review Stars,Review Language,Review Link\n")
	case FormatJSON:
		g.buf.WriteString("[\n")
	}
	return g
}

func (g *reviewRows) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.i < g.n {
		g.row()
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

func (g *reviewRows) row() {
	i := g.i
	g.i++
	text := fmt.Sprintf("Order %d arrived on time and the support team answered my question within a day. Would buy again.", i)
	if i%10 == 0 {
		text = fmt.Sprintf("\"Order %d was late,\nbut the refund came quickly.\"", i)
	}
	day := 1 + i%28
	switch g.format {
	case FormatCSV:
		fmt.Fprintf(&g.buf, "%024x,2024-05-%02dT09:12:44.000Z,Customer %d,c%d@example.org,Review title %d,%s,%d,en,https://www.trustpilot.com/reviews/%024x\n",
			i, day, i, i, i, text, 1+i%5, i)
	case FormatJSON, FormatJSONL:
		if i%10 == 0 {
			text = fmt.Sprintf("Order %d was late,\\nbut the refund came quickly.", i)
		}
		sep := "\n"
		if g.format == FormatJSON && g.i < g.n {
			sep = ",\n"
		}
		fmt.Fprintf(&g.buf, `{"id":"%024x","created":"2024-05-%02dT09:12:44Z","reviewer":{"name":"Customer %d"},"title":"Review title %d","text":"%s","stars":%d,"lang":"en"}%s`,
			i, day, i, i, text, 1+i%5, sep)
		if g.format == FormatJSON && g.i == g.n {
			g.buf.WriteString("]\n")
		}
	}
}

var benchJSONMapping = Mapping{ID: "id", Text: "text", Title: "title", Author: "reviewer.name", Rating: "stars", Date: "created", Language: "lang"}

func generate(tb testing.TB, n int, f Format) []byte {
	tb.Helper()
	data, err := io.ReadAll(newReviewRows(n, f))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// BenchmarkReadCSV reads a 100,000-row Trustpilot-like export. The
// encoding_csv case is the baseline: the same file through encoding/csv
// alone, so the importer's own cost is the difference.
func BenchmarkReadCSV(b *testing.B) {
	const n = 100_000
	data := generate(b, n, FormatCSV)
	b.Run("encoding_csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.ReuseRecord = true
			for {
				if _, err := cr.Read(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("importer", func(b *testing.B) { benchRead(b, data, FormatCSV, trustpilotMapping, n) })
}

func BenchmarkReadJSON(b *testing.B) {
	const n = 100_000
	for _, f := range []Format{FormatJSON, FormatJSONL} {
		data := generate(b, n, f)
		b.Run(string(f), func(b *testing.B) { benchRead(b, data, f, benchJSONMapping, n) })
	}
}

func benchRead(b *testing.B, data []byte, f Format, m Mapping, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), f, m)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || row.Err != nil {
				b.Fatalf("row %d: %v %v", rows+1, err, row.Err)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows, want %d", rows, n)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n*b.N), "B/row")
}

// TestMemoryBounded reads 200,000 generated rows that are never held as a
// file, and checks that the live heap after the last row is no larger than
// after the 20,000th: the reader keeps one row, not the file.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 rows")
	}
	const n = 200_000
	for _, tt := range []struct {
		f Format
		m Mapping
	}{{FormatCSV, trustpilotMapping}, {FormatJSON, benchJSONMapping}, {FormatJSONL, benchJSONMapping}} {
		t.Run(string(tt.f), func(t *testing.T) {
			r, err := NewReader(newReviewRows(n, tt.f), tt.f, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			var early uint64
			for i := 1; ; i++ {
				row, err := r.Next()
				if errors.Is(err, io.EOF) {
					if i-1 != n {
						t.Fatalf("%d rows, want %d", i-1, n)
					}
					break
				}
				if err != nil || row.Err != nil {
					t.Fatalf("row %d: %v %v", i, err, row.Err)
				}
				if i == n/10 || i == n {
					runtime.GC()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					if i == n/10 {
						early = ms.HeapAlloc
						continue
					}
					t.Logf("live heap after %d rows: %d KB, after %d rows: %d KB", n/10, early>>10, n, ms.HeapAlloc>>10)
					if ms.HeapAlloc > early+1<<20 {
						t.Errorf("live heap grew from %d KB to %d KB while reading", early>>10, ms.HeapAlloc>>10)
					}
				}
			}
		})
	}
}
