package python

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// CodeEncoding marks a source file whose bytes cannot be decoded as its
// encoding declaration (PEP 263) says, or that declares none and is not
// UTF-8.
const CodeEncoding = "PY004"

// cookie is PEP 263's encoding declaration, on line 1 or 2.
var cookie = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// decoded is a source file turned into UTF-8.
type decoded struct {
	src      []byte // UTF-8
	encoding string // the declared encoding when it is not UTF-8 ("iso-8859-1")
	enc      encoding.Encoding
	err      *decodeError
}

type decodeError struct {
	pos int
	msg string
}

// decode reads a file's bytes as CPython's tokenizer does: a UTF-8 BOM, or
// an encoding declaration on one of the first two lines, or UTF-8.
func decode(src []byte) decoded {
	bom := bytes.HasPrefix(src, []byte("\xEF\xBB\xBF"))
	name, at := declared(src)
	if name == "" || isUTF8Name(name) {
		// Invalid UTF-8 is CPython's error only inside a token: compile()
		// skips comments undecoded. The scanner reports the rest.
		return decoded{src: src}
	}
	if bom {
		return decoded{src: src, err: &decodeError{at, "encoding problem: " + name + " with BOM"}}
	}
	enc, canonical := lookupEncoding(name)
	if enc == nil {
		return decoded{src: src, err: &decodeError{at, "unknown encoding: " + name}}
	}
	out, err := enc.NewDecoder().Bytes(src)
	if err != nil {
		return decoded{src: src, err: &decodeError{0, fmt.Sprintf("(unicode error) '%s' codec can't decode the file: %v", name, err)}}
	}
	if bytes.Equal(out, src) {
		return decoded{src: src} // ASCII-only: nothing to convert back
	}
	return decoded{src: out, encoding: canonical, enc: enc}
}

// declared finds an encoding declaration: on line 1, or on line 2 when
// line 1 is blank or a comment (CPython's rule).
func declared(src []byte) (name string, at int) {
	start := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	for line := 0; line < 2 && start <= len(src); line++ {
		end := bytes.IndexAny(src[start:], "\r\n")
		if end < 0 {
			end = len(src) - start
		}
		text := src[start : start+end]
		if m := cookie.FindSubmatchIndex(text); m != nil {
			return string(text[m[2]:m[3]]), start + m[2]
		}
		trimmed := bytes.TrimLeft(text, " \t\f")
		if len(trimmed) > 0 && trimmed[0] != '#' {
			return "", 0
		}
		start += end
		if start < len(src) && src[start] == '\r' {
			start++
		}
		if start < len(src) && src[start] == '\n' {
			start++
		}
	}
	return "", 0
}

func isUTF8Name(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	return n == "utf-8" || n == "utf8" || n == "u8" || strings.HasPrefix(n, "utf-8-")
}

// pythonAliases maps codec names Python accepts and IANA does not know.
var pythonAliases = map[string]string{
	"latin-1": "ISO-8859-1", "latin1": "ISO-8859-1", "iso-latin-1": "ISO-8859-1", "l1": "ISO-8859-1",
	"latin-9": "ISO-8859-15", "latin9": "ISO-8859-15",
	"cp1250": "windows-1250", "cp1251": "windows-1251", "cp1252": "windows-1252", "cp1253": "windows-1253",
	"cp1254": "windows-1254", "cp1255": "windows-1255", "cp1256": "windows-1256", "cp1257": "windows-1257",
	"cp1258": "windows-1258", "ascii": "US-ASCII", "us-ascii": "US-ASCII", "646": "US-ASCII",
	"sjis": "Shift_JIS", "shift-jis": "Shift_JIS", "euc-jp": "EUC-JP", "gbk": "GBK", "gb2312": "GB2312",
	"big5": "Big5", "euc-kr": "EUC-KR", "koi8-r": "KOI8-R", "koi8-u": "KOI8-U",
}

// lookupEncoding finds a declared encoding by Python's and IANA's names.
func lookupEncoding(name string) (encoding.Encoding, string) {
	n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	if strings.HasPrefix(n, "iso8859-") {
		n = "iso-8859-" + strings.TrimPrefix(n, "iso8859-")
	}
	if strings.HasPrefix(n, "latin-1-") || strings.HasPrefix(n, "iso-8859-1-") {
		n = "iso-8859-1"
	}
	if a, ok := pythonAliases[n]; ok {
		n = a
	}
	enc, err := ianaindex.IANA.Encoding(n)
	if err != nil || enc == nil {
		return nil, ""
	}
	if enc == unicode.UTF8 {
		return nil, ""
	}
	canonical, err := ianaindex.MIME.Name(enc)
	if err != nil || canonical == "" {
		canonical, _ = ianaindex.IANA.Name(enc)
	}
	return enc, strings.ToLower(canonical)
}

// invalidUTF8 is the offset of the first byte that is not UTF-8.
func invalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

// Encoding is the file's declared encoding when it is not UTF-8 (its
// source was decoded for parsing), else "".
func (f *File) Encoding() string { return f.encoding }

// OnDisk is the file's bytes as read: Src, or the undecoded bytes of a
// file in another encoding.
func (f *File) OnDisk() []byte {
	if f.raw != nil {
		return f.raw
	}
	return f.Src
}

// Encode turns an edited UTF-8 version of the file back into its own
// encoding, for writing it in place.
func (f *File) Encode(src []byte) ([]byte, error) {
	if f.enc == nil {
		return src, nil
	}
	out, err := f.enc.NewEncoder().Bytes(src)
	if err != nil {
		return nil, fmt.Errorf("the edit cannot be written in %s: %v", f.encoding, err)
	}
	return out, nil
}
