//go:build !unix

package store

import "context"

// lockFile locks nothing where flock is missing: there, two processes must
// not migrate one SQLite file at the same moment (see flock_unix.go).
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
