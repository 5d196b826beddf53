package tableimport

import (
	"context"

	"telework/internal/apperr"
)

// Steps are the steps of one import's transaction, in order: the file is
// planned against the data as it is inside the transaction and written
// whole or not at all.
type Steps[T any, P Plan] struct {
	// Lock takes the tenant's organisation lock before anything is read,
	// so two imports, or an import and a change on a page, follow one
	// another instead of one failing on the other's half-made change.
	Lock func(T) error
	// Before runs next when set (claiming a kept file).
	Before func(T) error
	// Plan reads the data and plans the file.
	Plan func(T) (P, error)
	// ExpectDigest, when set, is the Digest of the plan the person
	// confirmed; a different plan now is not applied (IsPlanChanged).
	ExpectDigest string
	// Check, when set, may refuse a plan without problems.
	Check func(P) error
	// Write writes the plan; After, when set, runs last (the result of a
	// kept file).
	Write func(T, P) error
	After func(T, P) error
}

// Transact runs s in one transaction opened by inTx. It returns the plan
// whenever one was made; with problems the error is Invalid
// (import.rejected) and nothing was written.
func Transact[T any, P Plan](ctx context.Context, inTx func(context.Context, func(T) error) error, s Steps[T, P]) (P, error) {
	var plan P
	err := inTx(ctx, func(tx T) error {
		if err := s.Lock(tx); err != nil {
			return err
		}
		if s.Before != nil {
			if err := s.Before(tx); err != nil {
				return err
			}
		}
		var err error
		if plan, err = s.Plan(tx); err != nil {
			return err
		}
		if !plan.OK() {
			return ErrRejected(plan)
		}
		if s.ExpectDigest != "" && plan.Digest() != s.ExpectDigest {
			return &apperr.Error{Code: apperr.Conflict, Key: "import.plan_changed"}
		}
		if s.Check != nil {
			if err := s.Check(plan); err != nil {
				return err
			}
		}
		if err := s.Write(tx, plan); err != nil || s.After == nil {
			return err
		}
		return s.After(tx, plan)
	})
	return plan, err
}
