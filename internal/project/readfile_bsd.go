//go:build darwin || freebsd || netbsd || openbsd

package project

func open(path string) (int, error) { return openPlain(path) }
