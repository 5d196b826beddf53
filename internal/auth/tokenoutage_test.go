package auth_test

import (
	"context"
	"errors"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// downOperators is the store with the operator accounts out of reach (the
// database failing between the token's read and the operator's).
type downOperators struct {
	auth.Store
	down bool
}

func (d *downOperators) FindOperatorByID(ctx context.Context, id int64) (*auth.OperatorAccount, error) {
	if d.down {
		return nil, &apperr.Error{Code: apperr.Unavailable, Key: "error.unavailable", Err: errors.New("connection refused")}
	}
	return d.Store.FindOperatorByID(ctx, id)
}

// An operator's valid token is not denied (401, which clients take as
// "drop the token") because the operator account could not be read: the
// error is passed on (503); a disabled or missing account still denies.
func TestOperatorTokenDuringAnOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := &downOperators{Store: db}
		s := auth.NewService(st, db.Now)
		op, err := s.CreateOperator(ctx, audit.Actor{Label: "test"}, "ops", "x", false)
		storetest.Must(t, err)
		_, secret, err := s.IssueToken(ctx, audit.Actor{Label: "test"}, 0, op.ID, auth.NewToken{Name: "運用", Days: 5})
		storetest.Must(t, err)
		if _, err := s.TokenPrincipal(ctx, secret); err != nil {
			t.Fatalf("operator token: %v", err)
		}
		st.down = true
		_, err = s.TokenPrincipal(ctx, secret)
		if c := apperr.CodeOf(err); c == apperr.Unauthorized || err == nil {
			t.Fatalf("operator token while the account cannot be read: %v (%s), want the outage passed on", err, c)
		}
	})
}
