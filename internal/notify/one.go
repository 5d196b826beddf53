package notify

import (
	"context"

	"telework/internal/apperr"
	"telework/internal/auth"
)

// Get reads one of the signed-in person's notifications by id, however
// old (the list shows the newest). Another person's, another tenant's, or
// any for an account without a staff record is NotFound.
func (s *Service) Get(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (Notification, error) {
	if who == nil {
		return Notification{}, apperr.Forbid()
	}
	if who.StaffID == 0 || id <= 0 {
		return Notification{}, apperr.NotFoundErr("notification")
	}
	return s.st.FindNotification(ctx, tenantID, who.StaffID, id)
}

// Open reads one of the person's notifications and marks it read (the
// person opens it); it returns the notification as read.
func (s *Service) Open(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (Notification, error) {
	n, err := s.Get(ctx, tenantID, who, id)
	if err != nil {
		return n, err
	}
	if n.Unread() {
		if _, err := s.MarkRead(ctx, tenantID, who, []int64{id}); err != nil {
			return n, err
		}
		return s.Get(ctx, tenantID, who, id)
	}
	return n, nil
}
