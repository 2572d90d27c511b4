package project

import "errors"

// MaxFileSize bounds what is read as a migration or settings file: the
// largest real migration seen (saleor) is under 1 MB.
const MaxFileSize = 64 << 20

// Errors of files that are not read.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("larger than 64 MiB")
)
