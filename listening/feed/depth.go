package feed

import (
	"bytes"
	"encoding/xml"
	"io"
)

// checkDepth refuses XML nested deeper than MaxDepth before the feed parser
// walks it. It tokenises without building anything and stops at the first
// level too deep; other faults are left for the feed parser to report.
func checkDepth(body []byte) error {
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' {
		return nil // encoding/json has its own nesting limit
	}
	d := xml.NewDecoder(asciiReader{bytes.NewReader(body)})
	d.Strict = false
	// The text is irrelevant here, so any declared encoding reads as is.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > MaxDepth {
				return ErrTooDeep
			}
		case xml.EndElement:
			depth = max(0, depth-1)
		}
	}
}

// asciiReader makes every byte outside ASCII an 'x' and every control
// character a space, so counting elements works whatever the encoding and
// an invalid byte does not end the count early. Markup is all ASCII.
type asciiReader struct{ r io.Reader }

func (a asciiReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	for i, b := range p[:n] {
		switch {
		case b >= 0x80:
			p[i] = 'x'
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r':
			p[i] = ' '
		}
	}
	return n, err
}
