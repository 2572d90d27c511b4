package python

import (
	"regexp"
	"strings"
)

// Black's normalisation of literals, ported from black 23's strings.py and
// numerics.py so that code djsquash copies comes out as black writes it.

// blackStringPrefix lowercases a string prefix but for R (black keeps
// r and R apart: some use R for regular expressions), drops u, and puts r
// first in a two-letter prefix.
func blackStringPrefix(lit string) string {
	i := 0
	for i < len(lit) && lit[i] != '"' && lit[i] != '\'' {
		i++
	}
	p := strings.NewReplacer("F", "f", "B", "b", "U", "", "u", "").Replace(lit[:i])
	if len(p) == 2 && p[0] != 'r' && p[0] != 'R' {
		p = p[1:] + p[:1]
	}
	return p + lit[i:]
}

var quoteRes = map[string][3]*regexp.Regexp{}

func init() {
	for _, q := range [][2]string{{`"`, `'`}, {`'`, `"`}, {`'''`, `"""`}} {
		orig, alt := regexp.QuoteMeta(q[0]), regexp.QuoteMeta(q[1])
		quoteRes[q[0]] = [3]*regexp.Regexp{
			regexp.MustCompile(`(([^\\]|^)(\\\\)*)` + alt),      // an unescaped new quote
			regexp.MustCompile(`([^\\]|^)\\((?:\\\\)*)` + alt),  // an escaped new quote
			regexp.MustCompile(`([^\\]|^)\\((?:\\\\)*)` + orig), // an escaped original quote
		}
	}
}

// subTwice is re.sub applied twice: matches overlap ("\'\'").
func subTwice(re *regexp.Regexp, repl, s string) string {
	return re.ReplaceAllString(re.ReplaceAllString(s, repl), repl)
}

// blackStringQuotes prefers double quotes unless they need more escapes
// (black's normalize_string_quotes).
func blackStringQuotes(s string) string {
	i := 0
	for i < len(s) && s[i] != '"' && s[i] != '\'' {
		i++
	}
	prefix, value := s[:i], s[i:]
	var orig, alt string
	switch {
	case strings.HasPrefix(value, `"""`):
		return s
	case strings.HasPrefix(value, `'''`):
		orig, alt = `'''`, `"""`
	case strings.HasPrefix(value, `"`):
		orig, alt = `"`, `'`
	default:
		orig, alt = `'`, `"`
	}
	if len(value) < 2*len(orig) || !strings.HasSuffix(value, orig) {
		return s
	}
	res := quoteRes[orig]
	unescapedAlt, escapedAlt, escapedOrig := res[0], res[1], res[2]
	body := value[len(orig) : len(value)-len(orig)]
	var newBody string
	if strings.ContainsAny(prefix, "rR") {
		if unescapedAlt.MatchString(body) {
			return s
		}
		newBody = body
	} else {
		newBody = subTwice(escapedAlt, "${1}${2}"+alt, body)
		if body != newBody {
			body = newBody
			s = prefix + orig + body + orig
		}
		newBody = subTwice(escapedOrig, "${1}${2}"+orig, newBody)
		newBody = subTwice(unescapedAlt, `${1}\`+alt, newBody)
	}
	if strings.ContainsAny(prefix, "fF") && fieldHasBackslash(newBody) {
		return s // no backslashes in interpolated expressions
	}
	if alt == `"""` && strings.HasSuffix(newBody, `"`) {
		newBody = newBody[:len(newBody)-1] + `\"`
	}
	origEscapes, newEscapes := strings.Count(body, `\`), strings.Count(newBody, `\`)
	if newEscapes > origEscapes || newEscapes == origEscapes && orig == `"` {
		return s
	}
	return prefix + alt + newBody + alt
}

// fieldHasBackslash reports a backslash inside an f-string's replacement
// field ({...}, not {{).
func fieldHasBackslash(body string) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '{' {
			continue
		}
		if i+1 < len(body) && body[i+1] == '{' {
			i++
			continue
		}
		end := strings.IndexByte(body[i:], '}')
		if end < 0 {
			return false
		}
		if strings.Contains(body[i:i+end], `\`) {
			return true
		}
		i += end
	}
	return false
}

// blackString is a string literal as black prints it (not a docstring).
func blackString(lit string) string { return blackStringQuotes(blackStringPrefix(lit)) }

// blackNumber is a numeric literal as black prints it: lower-case letters,
// upper-case hex digits, no "+" in an exponent, "0." and ".0" filled in.
func blackNumber(text string) string {
	t := strings.ToLower(text)
	floatOrInt := func(s string) string {
		before, after, ok := strings.Cut(s, ".")
		if !ok {
			return s
		}
		if before == "" {
			before = "0"
		}
		if after == "" {
			after = "0"
		}
		return before + "." + after
	}
	switch {
	case strings.HasPrefix(t, "0o"), strings.HasPrefix(t, "0b"):
		return t
	case strings.HasPrefix(t, "0x"):
		return t[:2] + strings.ToUpper(t[2:])
	case strings.Contains(t, "e"):
		before, after, _ := strings.Cut(t, "e")
		sign := ""
		if strings.HasPrefix(after, "-") {
			after, sign = after[1:], "-"
		} else {
			after = strings.TrimPrefix(after, "+")
		}
		return floatOrInt(before) + "e" + sign + after
	case strings.HasSuffix(t, "j"):
		return floatOrInt(t[:len(t)-1]) + "j"
	}
	return floatOrInt(t)
}
