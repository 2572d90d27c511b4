package python

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/djsquash/djsquash/internal/diag"
)

// Diagnostic codes of the Python layer.
const (
	CodeSyntax = "PY001" // the parser expected something else
	CodeToken  = "PY002" // a malformed token, or bad indentation
)

// scanner turns source into tokens. It keeps the indentation stack and the
// bracket depth (inside brackets, newlines and indentation mean nothing).
type scanner struct {
	src      []byte
	pos      int
	end      int // scanning stops here (sub-scanners of f-string fields)
	depth    int // bracket nesting
	indents  []int
	alt      []int   // indents with a tab counted as one column (TabError)
	pending  []Token // INDENT/DEDENT tokens waiting to be returned
	atBOL    bool    // at the beginning of a logical line
	lastNL   bool    // last token returned was NEWLINE (or nothing yet)
	comments []Comment
	diags    []diag.Diagnostic
	inField  bool // scanning an f-string replacement field: no NEWLINE/INDENT
}

func newScanner(src []byte, start, end int, inField bool) *scanner {
	s := &scanner{src: src, pos: start, end: end, indents: []int{0}, alt: []int{0}, atBOL: !inField, lastNL: true, inField: inField}
	if start == 0 && end >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		s.pos = 3 // byte-order mark
	}
	return s
}

// maxErrors bounds the diagnostics one file yields: past it, a file is not
// Python anyway, and formatting thousands of messages only costs time.
const maxErrors = 50

func (s *scanner) errorf(pos int, format string, args ...any) {
	if len(s.diags) >= maxErrors {
		return
	}
	s.diags = append(s.diags, diag.Diagnostic{Severity: diag.Error, Code: CodeToken, Offset: pos, Message: fmt.Sprintf(format, args...)})
}

// next returns the next token.
func (s *scanner) next() Token {
	if len(s.pending) > 0 {
		t := s.pending[0]
		s.pending = s.pending[1:]
		return t
	}
	for {
		if s.atBOL && s.depth == 0 && !s.inField {
			if t, ok := s.indentation(); ok {
				return t
			}
		}
		s.skipSpace()
		if s.pos >= s.end {
			return s.eof()
		}
		c := s.src[s.pos]
		switch {
		case c == '#':
			start := s.pos
			for s.pos < s.end && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
				s.pos++
			}
			s.comments = append(s.comments, Comment{start, s.pos})
			continue
		case c == '\n' || c == '\r':
			start := s.pos
			s.newline()
			if s.depth > 0 || s.inField || s.lastNL {
				continue // implicit joining, or a blank line
			}
			s.lastNL = true
			s.atBOL = true
			return Token{NEWLINE, start, s.pos}
		case c == '\\':
			if s.pos+1 < s.end && (s.src[s.pos+1] == '\n' || s.src[s.pos+1] == '\r') {
				s.pos++
				s.newline()
				continue
			}
			s.errorf(s.pos, "unexpected character after line continuation character")
			s.pos++
			return s.emit(Token{ERROR, s.pos - 1, s.pos})
		}
		return s.emit(s.token())
	}
}

func (s *scanner) emit(t Token) Token {
	s.lastNL = false
	return t
}

func (s *scanner) newline() {
	if s.src[s.pos] == '\r' && s.pos+1 < s.end && s.src[s.pos+1] == '\n' {
		s.pos++
	}
	s.pos++
}

func (s *scanner) skipSpace() {
	for s.pos < s.end {
		switch s.src[s.pos] {
		case ' ', '\t', '\f':
			s.pos++
		default:
			return
		}
	}
}

// eof emits a final NEWLINE and the DEDENTs still open, then EOF.
func (s *scanner) eof() Token {
	if !s.lastNL && !s.inField {
		s.lastNL = true
		return Token{NEWLINE, s.end, s.end}
	}
	for len(s.indents) > 1 {
		s.indents = s.indents[:len(s.indents)-1]
		s.pending = append(s.pending, Token{DEDENT, s.end, s.end})
	}
	s.pending = append(s.pending, Token{EOF, s.end, s.end})
	t := s.pending[0]
	s.pending = s.pending[1:]
	return t
}

// indentation measures a new logical line's indentation and emits INDENT or
// DEDENTs. Blank and comment-only lines do not count.
func (s *scanner) indentation() (Token, bool) {
	col, alt, p := 0, 0, s.pos
	for p < s.end {
		switch s.src[p] {
		case ' ':
			col++
			alt++
		case '\t':
			col = (col/8 + 1) * 8
			alt++
		case '\f':
			col, alt = 0, 0
		default:
			goto done
		}
		p++
	}
done:
	if p >= s.end || s.src[p] == '#' || s.src[p] == '\n' || s.src[p] == '\r' {
		// Blank or comment line: leave atBOL set so the next real line is measured.
		s.pos = p
		if p >= s.end {
			s.atBOL = false
		}
		return Token{}, false
	}
	if p < s.end && s.src[p] == '\\' {
		s.pos = p
		s.atBOL = false
		return Token{}, false
	}
	s.atBOL = false
	s.pos = p
	top, altTop := s.indents[len(s.indents)-1], s.alt[len(s.alt)-1]
	// CPython's TabError: the line must compare with the enclosing one
	// the same way whether a tab is eight columns or one.
	tabError := func() {
		s.errorf(s.lineStart(p), "inconsistent use of tabs and spaces in indentation")
	}
	switch {
	case col == top:
		if alt != altTop {
			tabError()
		}
	case col > top:
		if alt <= altTop {
			tabError()
		}
		if len(s.indents) >= maxIndent {
			s.errorf(s.lineStart(p), "too many levels of indentation")
		}
		s.indents = append(s.indents, col)
		s.alt = append(s.alt, alt)
		return Token{INDENT, p - (p - s.lineStart(p)), p}, true
	case col < top:
		for len(s.indents) > 1 && col < s.indents[len(s.indents)-1] {
			s.indents = s.indents[:len(s.indents)-1]
			s.alt = s.alt[:len(s.alt)-1]
			s.pending = append(s.pending, Token{DEDENT, p, p})
		}
		if col != s.indents[len(s.indents)-1] {
			s.errorf(p, "unindent does not match any outer indentation level")
		} else if alt != s.alt[len(s.alt)-1] {
			tabError()
		}
		t := s.pending[0]
		s.pending = s.pending[1:]
		return t, true
	}
	return Token{}, false
}

func (s *scanner) lineStart(p int) int {
	for p > 0 && s.src[p-1] != '\n' && s.src[p-1] != '\r' {
		p--
	}
	return p
}

const operators3 = "**=//=>>=<<=...!=="

// token scans one NAME, NUMBER, STRING or OP at s.pos.
func (s *scanner) token() Token {
	start := s.pos
	c := s.src[s.pos]
	if c >= '0' && c <= '9' || c == '.' && s.pos+1 < s.end && s.src[s.pos+1] >= '0' && s.src[s.pos+1] <= '9' {
		s.number()
		return Token{NUMBER, start, s.pos}
	}
	if isIdentStart(c) || c >= utf8.RuneSelf {
		if n := s.stringPrefix(); n >= 0 {
			s.pos += n
			s.str(start)
			return Token{STRING, start, s.pos}
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s.src[s.pos:s.end])
			if !unicode.IsLetter(r) && r != '_' && !unicode.Is(unicode.Other_ID_Start, r) {
				s.errorf(s.pos, "invalid character '%c' (U+%04X)", r, r)
				s.pos += size
				return Token{ERROR, start, s.pos}
			}
		}
		for s.pos < s.end {
			c := s.src[s.pos]
			if isIdentStart(c) || c >= '0' && c <= '9' {
				s.pos++
				continue
			}
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRune(s.src[s.pos:s.end])
				if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) ||
					unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_ID_Continue, r) || unicode.Is(unicode.Other_ID_Start, r) {
					s.pos += size
					continue
				}
			}
			break
		}
		return Token{NAME, start, s.pos}
	}
	if c == '"' || c == '\'' {
		s.str(start)
		return Token{STRING, start, s.pos}
	}
	// Operators: longest match of three, two, then one character.
	for _, n := range []int{3, 2} {
		if s.pos+n <= s.end && isOperator(string(s.src[s.pos:s.pos+n])) {
			s.pos += n
			return Token{OP, start, s.pos}
		}
	}
	switch c {
	case '(', '[', '{':
		if s.depth >= maxLevel {
			s.errorf(s.pos, "too many nested parentheses")
		}
		s.depth++
	case ')', ']', '}':
		if s.depth > 0 {
			s.depth--
		}
	}
	if isOperator(string(c)) {
		s.pos++
		return Token{OP, start, s.pos}
	}
	r, size := utf8.DecodeRune(s.src[s.pos:s.end])
	s.errorf(s.pos, "invalid character '%c' (U+%04X)", r, r)
	s.pos += size
	return Token{ERROR, start, s.pos}
}

func isOperator(op string) bool {
	switch op {
	case "**=", "//=", ">>=", "<<=", "...",
		"!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=", ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=",
		"!", "%", "&", "(", ")", "*", "+", ",", "-", ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~":
		return true
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// stringPrefix returns the length of a string prefix (0 to 2 letters from
// r, b, u, f, t in any case and valid combination) when a quote follows it.
func (s *scanner) stringPrefix() int {
	for n := 0; n <= 2 && s.pos+n < s.end; n++ {
		q := s.src[s.pos+n]
		if q == '"' || q == '\'' {
			if validPrefix(string(s.src[s.pos : s.pos+n])) {
				return n
			}
			return -1
		}
		switch q | 0x20 {
		case 'r', 'b', 'u', 'f', 't':
		default:
			return -1
		}
	}
	return -1
}

func validPrefix(p string) bool {
	var b [2]byte
	n := copy(b[:], p)
	for i := 0; i < n; i++ {
		b[i] |= 0x20
	}
	switch string(b[:n]) {
	case "", "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt":
		return true
	}
	return false
}

// str scans a string literal whose quote is at s.pos; start is where its
// prefix began. f- and t-strings have their replacement fields skipped with
// nesting (PEP 701: quotes inside fields may repeat the outer quote).
func (s *scanner) str(start int) {
	prefix := s.src[start:s.pos]
	raw, format := false, false
	for _, c := range prefix {
		switch c | 0x20 {
		case 'r':
			raw = true
		case 'f', 't':
			format = true
		}
	}
	bytesLit := false
	for _, c := range prefix {
		if c|0x20 == 'b' {
			bytesLit = true
		}
	}
	q := s.src[s.pos]
	triple := s.pos+2 < s.end && s.src[s.pos+1] == q && s.src[s.pos+2] == q
	if triple {
		s.pos += 3
	} else {
		s.pos++
	}
	body := s.pos
	if !s.strBody(q, triple, raw, format) {
		s.errorf(start, "unterminated string literal")
		return
	}
	if bytesLit {
		for _, c := range s.src[body:s.pos] {
			if c >= utf8.RuneSelf {
				s.errorf(start, "bytes can only contain ASCII literal characters")
				break
			}
		}
	} else if lit := s.src[body:s.pos]; !utf8.Valid(lit) {
		i := invalidUTF8(lit)
		s.errorf(body+i, "(unicode error) 'utf-8' codec can't decode byte 0x%02x: not UTF-8, and the file declares no other encoding (PEP 263)", lit[i])
	}
}

// strBody scans up to and past the closing quote; false if unterminated.
func (s *scanner) strBody(q byte, triple, raw, format bool) bool {
	for s.pos < s.end {
		c := s.src[s.pos]
		switch {
		case c == '\\':
			s.pos += 2
			if s.pos > s.end {
				s.pos = s.end // a backslash as the last byte of the input
				return false
			}
			if s.pos < s.end && s.src[s.pos-1] == '\r' && s.src[s.pos] == '\n' {
				s.pos++ // a backslash-CRLF continuation
			}
			continue
		case c == q:
			if !triple {
				s.pos++
				return true
			}
			if s.pos+2 < s.end && s.src[s.pos+1] == q && s.src[s.pos+2] == q {
				s.pos += 3
				return true
			}
		case (c == '\n' || c == '\r') && !triple:
			return false
		case format && c == '{':
			if s.pos+1 < s.end && s.src[s.pos+1] == '{' {
				s.pos += 2
				continue
			}
			s.pos++
			if !s.field() {
				return false
			}
			continue
		}
		s.pos++
	}
	_ = raw
	return false
}

// field skips an f-string replacement field after its '{', through the
// matching '}': nested brackets, nested strings, and a format spec that may
// hold fields of its own.
func (s *scanner) field() bool {
	depth := 0
	for s.pos < s.end {
		c := s.src[s.pos]
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				s.pos++
				return true
			}
			depth--
		case '\'', '"':
			start := s.pos
			s.str(start)
			continue
		case '#':
			for s.pos < s.end && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
				s.pos++
			}
			continue
		case ':':
			if depth == 0 {
				// The format spec: text with nested fields, up to '}'.
				s.pos++
				for s.pos < s.end {
					switch s.src[s.pos] {
					case '{':
						s.pos++
						if !s.field() {
							return false
						}
						continue
					case '}':
						s.pos++
						return true
					case '\n', '\r':
					}
					s.pos++
				}
				return false
			}
		case '!':
			if depth == 0 && s.pos+1 < s.end && s.src[s.pos+1] != '=' {
				s.pos++
				continue
			}
		default:
			if isIdentStart(c) || c >= utf8.RuneSelf {
				// A name may be a prefixed string: rb"..." inside a field.
				p := s.pos
				if n := s.stringPrefix(); n > 0 {
					s.pos += n
					s.str(p)
					continue
				}
			}
		}
		s.pos++
	}
	return false
}

// number scans a numeric literal: decimal, hex, octal, binary, float,
// exponent, imaginary, with underscores.
func (s *scanner) number() {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' || c == '_' }
	start := s.pos
	if s.src[s.pos] == '0' && s.pos+1 < s.end {
		switch s.src[s.pos+1] | 0x20 {
		case 'x', 'o', 'b':
			s.pos += 2
			for s.pos < s.end && (isDigit(s.src[s.pos]) || s.src[s.pos]|0x20 >= 'a' && s.src[s.pos]|0x20 <= 'f') {
				s.pos++
			}
			return
		}
	}
	for s.pos < s.end && isDigit(s.src[s.pos]) {
		s.pos++
	}
	intEnd := s.pos
	isInt := true
	if s.pos < s.end && s.src[s.pos] == '.' {
		isInt = false
		s.pos++
		for s.pos < s.end && isDigit(s.src[s.pos]) {
			s.pos++
		}
	}
	if s.pos < s.end && s.src[s.pos]|0x20 == 'e' {
		p := s.pos + 1
		if p < s.end && (s.src[p] == '+' || s.src[p] == '-') {
			p++
		}
		if p < s.end && s.src[p] >= '0' && s.src[p] <= '9' {
			isInt = false
			s.pos = p
			for s.pos < s.end && isDigit(s.src[s.pos]) {
				s.pos++
			}
		}
	}
	if s.pos < s.end && s.src[s.pos]|0x20 == 'j' {
		s.pos++
		return
	}
	if !isInt {
		return
	}
	// CPython's tokenizer and compiler: no leading zeros in a decimal
	// integer ("0777"), and at most 4300 digits (int_max_str_digits).
	digits := 0
	nonzero := false
	for _, c := range s.src[start:intEnd] {
		if c != '_' {
			digits++
			nonzero = nonzero || c != '0'
		}
	}
	if s.src[start] == '0' && nonzero {
		s.errorf(start, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
	}
	if digits > 4300 {
		s.errorf(start, "Exceeds the limit (4300 digits) for integer string conversion: value has %d digits", digits)
	}
}

// Limits of CPython's tokenizer (MAXINDENT, MAXLEVEL).
const (
	maxIndent = 100
	maxLevel  = 200
)
