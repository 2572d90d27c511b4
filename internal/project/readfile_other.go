//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package project

import "os"

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
