package importer

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

// readAll reads r to its end and returns the rows and the error that ended
// it (nil at io.EOF).
func readAll(tb testing.TB, r *Reader) ([]Row, error) {
	tb.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		if len(rows) > 1_000_000 {
			tb.Fatal("reader does not end")
		}
	}
}

// open reads s as a file of format f with mapping m, failing the test when
// the reader cannot be made.
func open(tb testing.TB, s string, f Format, m Mapping) *Reader {
	tb.Helper()
	r, err := NewReader(strings.NewReader(s), f, m)
	if err != nil {
		tb.Fatalf("NewReader: %v", err)
	}
	return r
}

func openFile(tb testing.TB, name string, f Format, m Mapping) *Reader {
	tb.Helper()
	file, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { file.Close() })
	r, err := NewReader(file, f, m)
	if err != nil {
		tb.Fatalf("NewReader(%s): %v", name, err)
	}
	return r
}

// split returns the items and the row errors of rows.
func split(rows []Row) (items []Row, bad []*RowError) {
	for _, r := range rows {
		if r.Err != nil {
			bad = append(bad, r.Err)
		} else {
			items = append(items, r)
		}
	}
	return items, bad
}

func ptr(f float64) *float64 { return &f }

// english returns the English message of a whole-file refusal, "" for any
// other error.
func english(err error) string {
	p, ok := FileProblem(err)
	if !ok {
		return ""
	}
	return p.Message()
}

// sameRowError compares what staff read of a row error: its row, field and
// message. Its Problems are checked in problem_test.go.
func sameRowError(got *RowError, want RowError) bool {
	return got != nil && got.Row == want.Row && got.Field == want.Field && got.Msg == want.Msg
}

// sameRows compares rows, an empty list equal to none.
func sameRows(a, b []Row) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
