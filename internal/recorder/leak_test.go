package recorder

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"
)

// randomPassword draws 8 to 24 characters from the whole printable ASCII
// range, space included, with the URL's own delimiters made common.
func randomPassword(r *rand.Rand) string {
	const special = "@?#/:%=&+ "
	n := 8 + r.IntN(17)
	b := make([]byte, n)
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = special[r.IntN(len(special))]
		} else {
			b[i] = byte(0x20 + r.IntN(0x7f-0x20))
		}
	}
	return string(b)
}

// RandomURL is a database URL holding password in one of the ways users
// write it: raw or percent-encoded, in the user info or as a query
// parameter, with or without other parameters.
func randomURL(r *rand.Rand, password string) string {
	scheme := []string{"postgres", "postgresql", "mysql", "mariadb", "pgsql"}[r.IntN(5)]
	pw := password
	if r.IntN(2) == 0 {
		pw = url.PathEscape(password)
	}
	query := []string{"", "?sslmode=require", "?sslmode=disable&connect_timeout=1", "?options=-csearch_path%3Dtenant"}[r.IntN(4)]
	if r.IntN(5) == 0 {
		q := "password=" + url.QueryEscape(password)
		if r.IntN(2) == 0 {
			q = "password=" + password
		}
		if query == "" {
			return scheme + "://app@127.0.0.1:1/shop?" + q
		}
		return scheme + "://app@127.0.0.1:1/shop" + query + "&" + q
	}
	return scheme + "://app:" + pw + "@127.0.0.1:1/shop" + query
}

// leaked returns a piece of password (five characters or more, raw or
// percent-encoded) that out shows, or "".
func leaked(out, password string) string {
	for _, form := range []string{password, url.PathEscape(password), url.QueryEscape(password)} {
		for i := 0; i+5 <= len(form); i++ {
			if frag := form[i : i+5]; strings.Contains(out, frag) {
				return frag
			}
		}
	}
	return ""
}

// TestNoPasswordFragmentEverShows: over 10,000 random URLs, nothing
// ParseTarget returns (error text, String, JSON, %v and %+v) shows five
// characters of the password in a row; and for some of them, nor does the
// error of connecting to a port where nothing listens.
func TestNoPasswordFragmentEverShows(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	t.Setenv("DJSQUASH_LEAK_URL", "")
	connects := 0
	for i := 0; i < 10000; i++ {
		password := randomPassword(r)
		raw := randomURL(r, password)
		spec := raw
		switch r.IntN(3) {
		case 1:
			spec = "prod=" + raw
		case 2:
			t.Setenv("DJSQUASH_LEAK_URL", raw)
			spec = "env:DJSQUASH_LEAK_URL"
		}
		tg, err := ParseTarget(spec, "/proj")
		var out string
		if err != nil {
			out = err.Error()
		} else {
			js, _ := json.Marshal(tg)
			out = fmt.Sprintf("%s %s %v %+v", tg, js, tg, tg)
			if connects < 200 && i%20 == 0 {
				connects++
				s, err := Open(tg, Timeouts{Connect: time.Second, Statement: time.Second})
				if err == nil {
					_, err = s.Applied(context.Background(), "")
					s.Close()
				}
				if err == nil {
					t.Fatalf("%s: connected to port 1", tg)
				}
				out += " " + err.Error()
			}
		}
		if frag := leaked(out, password); frag != "" {
			t.Fatalf("URL %q (password %q) shows %q in:\n%s", raw, password, frag, out)
		}
	}
	if connects < 100 {
		t.Errorf("only %d connection errors checked", connects)
	}
}
