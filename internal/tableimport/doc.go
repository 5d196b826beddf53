// Package tableimport owns what the staff import (internal/staffio) and
// the organisation import (internal/orgio) share, written once: how a
// column header is recognised (folding, aliases), how a code and a yes/no
// cell are read, the header row of a file, the effective-date cell, the
// problems a file is refused for, the file kept between preview and
// confirmation and the workflow around it (preview, keep, confirm once,
// apply in one transaction). What a row means stays in staffio and orgio.
// Like them it knows nothing of HTTP or SQL; reading the file itself is
// internal/tabular's job.
package tableimport
