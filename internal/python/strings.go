package python

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// strings parses one or more adjacent string literals (implicit
// concatenation) into a Constant, or a JoinedStr when any part is an f- or
// t-string.
func (p *parser) strings() Expr {
	start := p.tok.Pos
	var values []Expr
	var lit strings.Builder
	litStart := -1
	hasFormat, template, hasBytes, hasStr := false, false, false, false
	flush := func(end int) {
		if litStart >= 0 {
			values = append(values, &Constant{Span{litStart, end}, Str, lit.String()})
			lit.Reset()
			litStart = -1
		}
	}
	for p.tok.Kind == STRING {
		t := p.tok
		p.next()
		prefixLen := 0
		raw, isBytes, isFormat := false, false, false
		for ; t.Pos+prefixLen < t.End; prefixLen++ {
			c := p.src[t.Pos+prefixLen]
			if c == '"' || c == '\'' {
				break
			}
			switch c | 0x20 {
			case 'r':
				raw = true
			case 'b':
				isBytes = true
			case 'f':
				isFormat = true
			case 't':
				isFormat, template = true, true
			}
		}
		qpos := t.Pos + prefixLen
		q := p.src[qpos]
		qlen := 1
		if qpos+2 < t.End && p.src[qpos+1] == q && p.src[qpos+2] == q && t.End-qpos >= 6 {
			qlen = 3
		}
		bodyStart, bodyEnd := qpos+qlen, t.End-qlen
		if bodyEnd < bodyStart {
			bodyEnd = bodyStart // unterminated: already reported by the scanner
		}
		if isBytes {
			hasBytes = true
		} else {
			hasStr = true
		}
		if !isFormat {
			if litStart < 0 {
				litStart = t.Pos
			}
			lit.WriteString(p.decode(bodyStart, bodyEnd, raw, isBytes))
			continue
		}
		hasFormat = true
		p.fstringBody(bodyStart, bodyEnd, raw, &values, &lit, &litStart, flush)
	}
	end := p.prev
	if hasBytes && hasStr {
		p.errorAt(start, "cannot mix bytes and nonbytes literals")
	}
	if !hasFormat {
		kind := Str
		if hasBytes {
			kind = Bytes
		}
		return &Constant{Span{start, end}, kind, lit.String()}
	}
	flush(end)
	return &JoinedStr{Span{start, end}, template, values}
}

// fstringBody parses the inside of an f-string: literal text and fields.
func (p *parser) fstringBody(from, to int, raw bool, values *[]Expr, lit *strings.Builder, litStart *int, flush func(int)) {
	i := from
	textStart := i
	emitText := func(end int) {
		if end > textStart {
			if *litStart < 0 {
				*litStart = textStart
			}
			lit.WriteString(p.decode(textStart, end, raw, false))
		}
	}
	for i < to {
		c := p.src[i]
		switch {
		case c == '\\' && !raw:
			i += 2
			continue
		case (c == '{' || c == '}') && i+1 < to && p.src[i+1] == c:
			emitText(i + 1) // keep one brace
			i += 2
			textStart = i
			continue
		case c == '{':
			emitText(i)
			flush(i)
			fv, end := p.field(i, to, raw)
			if fv != nil {
				*values = append(*values, fv)
			}
			i = end
			textStart = i
			continue
		case c == '}':
			p.errorAt(i, "f-string: single '}' is not allowed")
		}
		i++
	}
	emitText(to)
}

// field parses one replacement field starting at the '{' at open; it
// returns the FormattedValue and the offset just past its '}'.
func (p *parser) field(open, to int, raw bool) (*FormattedValue, int) {
	sub := newParser(p.src, open+1, to, true)
	sub.depth = p.depth + 1
	fv := &FormattedValue{}
	ok := func() (ok bool) {
		defer sub.recoverBailout()
		if sub.is("yield") {
			fv.Value = u(sub.yieldExpr())
		} else {
			v := sub.exprList(true)
			// A field is parsed as if parenthesised: a bare generator is fine.
			if sub.is("for") || sub.is("async") {
				gens := sub.comprehensions()
				v = &Comp{Span: Span{v.Pos(), sub.prev}, Kind: GeneratorExp, Elt: u(v), Generators: gens}
			}
			fv.Value = u(v)
		}
		return true
	}()
	p.diags = append(p.diags, sub.sc.diags...)
	p.diags = append(p.diags, sub.diags...)
	if !ok {
		return nil, skipField(p.src, open, to)
	}
	i := sub.tok.Pos
	if sub.tok.Kind == EOF {
		i = to
	}
	// Debug specifier "=", conversion "!x", format spec ":...".
	for i < to && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\n' || p.src[i] == '\r') {
		i++
	}
	if i < to && p.src[i] == '=' {
		i++
		for i < to && (p.src[i] == ' ' || p.src[i] == '\t') {
			i++
		}
	}
	if i < to && p.src[i] == '!' {
		if i+1 < to {
			fv.Conversion = p.src[i+1]
			if c := fv.Conversion; c != 's' && c != 'r' && c != 'a' {
				p.errorAt(i+1, "f-string: invalid conversion character")
			}
		}
		i += 2
	}
	if i < to && p.src[i] == ':' {
		i++
		spec := &JoinedStr{}
		specStart := i
		var lit strings.Builder
		litStart := -1
		flush := func(end int) {
			if litStart >= 0 {
				spec.Values = append(spec.Values, &Constant{Span{litStart, end}, Str, lit.String()})
				lit.Reset()
				litStart = -1
			}
		}
		// The spec runs to the '}' closing this field, fields nested in it.
		end := i
		for end < to && p.src[end] != '}' {
			if p.src[end] == '{' {
				end = skipField(p.src, end, to)
				continue
			}
			end++
		}
		p.fstringBody(specStart, end, raw, &spec.Values, &lit, &litStart, flush)
		flush(end)
		spec.Span = Span{specStart, end}
		fv.FormatSpec = spec
		i = end
	}
	if i >= to || p.src[i] != '}' {
		p.errorAt(i, "f-string: expecting '}'")
		end := skipField(p.src, open, to)
		fv.Span = Span{open, end}
		return fv, end
	}
	fv.Span = Span{open, i + 1}
	if c, ok := fv.Value.(*Comp); ok && c.Kind == GeneratorExp && c.Start > open && c.Stop <= i && p.src[c.Start] != '(' {
		c.Span = fv.Span // the braces stand in for the generator's parentheses
	}
	return fv, i + 1
}

// skipField returns the offset past the '}' matching the '{' at open.
func skipField(src []byte, open, to int) int {
	s := newScanner(src, open+1, to, true)
	if s.field() {
		return s.pos
	}
	return to
}

// decode processes the escapes of src[from:to].
func (p *parser) decode(from, to int, raw, isBytes bool) string {
	b := p.src[from:to]
	if raw || strings.IndexByte(string(b), '\\') < 0 && !hasCR(b) {
		return normalizeNewlines(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			out.WriteByte('\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		if c != '\\' || i+1 >= len(b) {
			out.WriteByte(c)
			continue
		}
		i++
		switch e := b[i]; e {
		case '\n':
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			out.WriteByte(e)
		case 'a':
			out.WriteByte(7)
		case 'b':
			out.WriteByte(8)
		case 'f':
			out.WriteByte(12)
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'v':
			out.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for ; j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7'; j++ {
				n = n*8 + int(b[j]-'0')
			}
			i = j - 1
			if isBytes {
				out.WriteByte(byte(n))
			} else {
				out.WriteRune(rune(n))
			}
		case 'x':
			if v, ok := hexAt(b, i+1, 2); ok {
				if isBytes {
					out.WriteByte(byte(v))
				} else {
					out.WriteRune(rune(v))
				}
				i += 2
			} else {
				p.errorAt(from+i-1, "invalid \\x escape")
			}
		case 'u', 'U':
			if isBytes {
				out.WriteByte('\\')
				out.WriteByte(e)
				continue
			}
			n := 4
			if e == 'U' {
				n = 8
			}
			if v, ok := hexAt(b, i+1, n); ok && v <= utf8.MaxRune {
				out.WriteRune(rune(v))
				i += n
			} else {
				p.errorAt(from+i-1, "invalid \\"+string(e)+" escape")
			}
		case 'N':
			if isBytes {
				out.WriteString("\\N")
				continue
			}
			end := strings.IndexByte(string(b[i:]), '}')
			if i+1 >= len(b) || b[i+1] != '{' || end < 0 {
				p.errorAt(from+i-1, "malformed \\N character escape")
				continue
			}
			name := strings.ToUpper(string(b[i+2 : i+end]))
			if r, ok := unicodeName(name); ok {
				out.WriteRune(r)
			} else {
				p.errorAt(from+i-1, "unsupported \\N{"+name+"} escape (djsquash knows only common names)")
			}
			i += end
		default:
			out.WriteByte('\\')
			out.WriteByte(e)
		}
	}
	return out.String()
}

func hasCR(b []byte) bool {
	for _, c := range b {
		if c == '\r' {
			return true
		}
	}
	return false
}

// normalizeNewlines turns CRLF and CR into LF, as Python's reader does.
func normalizeNewlines(b []byte) string {
	if !hasCR(b) {
		return string(b)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

func hexAt(b []byte, i, n int) (uint64, bool) {
	if i+n > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+n]), 16, 32)
	return v, err == nil
}

// unicodeName resolves the \N{...} names that turn up in real code;
// others are reported rather than guessed.
func unicodeName(name string) (rune, bool) {
	switch name {
	case "NO-BREAK SPACE":
		return 0xA0, true
	case "EM DASH":
		return 0x2014, true
	case "EN DASH":
		return 0x2013, true
	case "HORIZONTAL ELLIPSIS":
		return 0x2026, true
	case "BULLET":
		return 0x2022, true
	case "DEGREE SIGN":
		return 0xB0, true
	case "EURO SIGN":
		return 0x20AC, true
	case "POUND SIGN":
		return 0xA3, true
	case "LEFT DOUBLE QUOTATION MARK":
		return 0x201C, true
	case "RIGHT DOUBLE QUOTATION MARK":
		return 0x201D, true
	case "LEFT SINGLE QUOTATION MARK":
		return 0x2018, true
	case "RIGHT SINGLE QUOTATION MARK":
		return 0x2019, true
	case "ZERO WIDTH SPACE":
		return 0x200B, true
	case "COPYRIGHT SIGN":
		return 0xA9, true
	case "REGISTERED SIGN":
		return 0xAE, true
	case "MULTIPLICATION SIGN":
		return 0xD7, true
	case "RIGHTWARDS ARROW":
		return 0x2192, true
	case "CHECK MARK":
		return 0x2713, true
	case "LATIN SMALL LETTER E WITH ACUTE":
		return 0xE9, true
	case "SPACE":
		return 0x20, true
	}
	return 0, false
}
