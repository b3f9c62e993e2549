package query

import "unicode/utf8"

// glob reports whether s matches pat, where * stands for any run of
// characters (also none) and ? for exactly one character. Both are folded
// tokens, so matching is byte-wise except that ? and the retries after *
// step over whole characters.
func glob(pat, s string) bool {
	px, sx := 0, 0
	starPx, starSx := -1, 0 // where to retry after the last *
	for sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				_, w := utf8.DecodeRuneInString(s[sx:])
				px++
				sx += w
				continue
			default:
				if c == s[sx] {
					px++
					sx++
					continue
				}
			}
		}
		if starPx < 0 {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starSx:])
		starSx += w
		px, sx = starPx+1, starSx
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}
