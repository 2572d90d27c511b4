package djangotest

import (
	"context"
	"time"

	"github.com/djsquash/djsquash/internal/schema"
)

// The schema types the tests compare; see package schema.
type (
	Schema     = schema.Schema
	Table      = schema.Table
	Column     = schema.Column
	ForeignKey = schema.ForeignKey
	Unique     = schema.Unique
	Check      = schema.Check
	Index      = schema.Index
)

// DumpSchema reads db's catalog and returns its normalised schema.
func DumpSchema(db *Database) (*Schema, error) {
	conn, err := db.Open()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return schema.Dump(ctx, conn, db.Engine)
}

// Diff returns a readable difference between two schemas of the same
// engine ("" when equal); want is conventionally the original history's.
func Diff(want, got *Schema) string { return schema.Diff(want, got) }

// ShapeDiff compares two schemas, possibly of different engines, on their
// shape only.
func ShapeDiff(want, got *Schema) string { return schema.ShapeDiff(want, got) }
