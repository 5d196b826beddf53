package store_test

import (
	"errors"
	"strconv"

	"telework/internal/audit"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func asBreak(err error, b **audit.Break) bool { return errors.As(err, b) }
