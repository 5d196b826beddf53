// Package bench holds benchmarks of the application's hot paths against
// realistic data on SQLite and PostgreSQL. Everything lives in _test files:
// run them with go test -bench (see docs/benchmarks.md).
package bench
