package web

import (
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/worktime"
)

// notificationRoutes are the in-app notifications: the person's own list
// and marking it read. Every route reads or changes the signed-in person's
// own rows only (the service scopes by their staff record).
func (s *Server) notificationRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/notifications", Rule: directory, Handler: s.notificationList},
		{Method: "POST", Pattern: "/notifications/read", Rule: directory, Handler: s.notificationsReadAll},
		{Method: "POST", Pattern: "/notifications/{id}/read", Rule: directory, Object: "notification", Handler: s.notificationOpen},
	}
}

// notesPage is how many notifications one page lists.
const notesPage = 30

type noteView struct {
	ID   int64
	Text string
	When string
	Link string
	Read bool
}

func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), 1000)
	list, err := s.svc.Notify.List(r.Context(), p.TenantID, p, false, notesPage+1, (page-1)*notesPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	more := len(list) > notesPage
	list = list[:min(len(list), notesPage)]
	unreadAll := s.unreadNotes(r, p)
	v := dateView(r)
	items := make([]noteView, 0, len(list))
	unread := 0
	for _, n := range list {
		it := noteView{ID: n.ID, Text: v.Note(n), When: v.Time(n.CreatedAt), Read: !n.Unread()}
		it.Link = noteTarget(n)
		if n.Unread() {
			unread++
		}
		items = append(items, it)
	}
	data := map[string]any{"Items": items, "Unread": max(unread, unreadAll)}
	if max(unread, unreadAll) > 0 {
		// 「すべて既読」 marks what existed as the page was drawn: up to
		// the newest notification (the first of page 1, read again on a
		// later page), never one arriving after (review r39).
		newest := list
		if page > 1 {
			if newest, err = s.svc.Notify.List(r.Context(), p.TenantID, p, false, 1, 0); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if len(newest) > 0 {
			data["UpToID"] = newest[0].ID
		}
	}
	if more {
		data["Next"] = "/notifications?page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		data["Prev"] = "/notifications?page=" + strconv.Itoa(page-1)
	}
	s.render(w, r, http.StatusOK, "notifications", "applyweb.title_notes", data, nil)
}

// noteTarget is the page a notification opens, one its recipient may
// open: for the areas other than applications the area's page (the
// working-time day, the seat bookings, the device reservations …) even
// when an application is named; for the applications' kinds the
// application, else the list the recipient works from. Every registered
// kind has one (TestNoteTargets).
func noteTarget(n notify.Notification) string {
	switch n.Kind {
	case notify.WorktimeWarning: // to the heads of the person's unit
		return "/worktime/team"
	case worktime.NotifyWarningSelf, notify.WorkStarted, notify.WorkEnded:
		return "/worktime"
	case worktime.NotifyOvertimeRequested, worktime.NotifyOvertimeDecided:
		return "/worktime/overtime"
	case notify.PlaceCapacityReduced, notify.PlaceRulesChanged:
		return "/places"
	case notify.DeviceCapacityReduced, notify.DeviceOverdue:
		return "/devices/reservations"
	case notify.BookedForYou, notify.CancelledForYou:
		if n.Args["Object"] == places.ObjectReservation {
			return "/devices/reservations"
		}
		return "/places"
	case notify.ShortageForecast: // to the IT administrators
		return "/places/report"
	case notify.SurveyReminder:
		return "/surveys"
	case notify.ReviewReminder: // to HR, who run the roadmap
		return "/roadmap"
	case worktime.NotifyPresenceChecker: // the application they check presence for, else the board
		if n.ApplicationID == 0 {
			return "/board"
		}
	}
	if n.ApplicationID != 0 {
		return "/applications/" + strconv.FormatInt(n.ApplicationID, 10)
	}
	switch n.Kind {
	case notify.Reminder, notify.DelegationStarted, notify.Submitted, notify.Withdrawn, notify.Cancelled:
		return "/approvals"
	case notify.Reported, notify.ReportOverdue:
		return "/approvals/reports"
	case notify.Approved, notify.Returned, notify.Rejected, notify.ReportDue:
		return "/applications"
	}
	return "/notifications"
}

func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	// The newest notification the page showed (up_to_id); without it (a
	// form from before it carried one) all of them.
	var upTo int64
	if v := r.PostFormValue("up_to_id"); v != "" {
		var err error
		if upTo, err = strconv.ParseInt(v, 10, 64); err != nil || upTo < 0 {
			s.fail(w, r, apperr.At(apperr.Invalid, "up_to_id", "notify.up_to_id_invalid", nil))
			return
		}
	}
	if _, err := s.svc.Notify.MarkReadUpTo(r.Context(), p.TenantID, p, nil, upTo); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/notifications", "flash.applyweb_notes_read")
}

// notificationOpen marks one of the person's notifications read and opens
// what it tells of, however old it is. Another person's (or tenant's) id
// is not found.
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r)
	if !ok {
		return
	}
	p := principal(r)
	n, err := s.svc.Notify.Open(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, noteTarget(n), http.StatusSeeOther)
}

// unreadNotes is the number in the header: the signed-in person's unread
// notifications (0 for operators, accounts without a staff record, and
// when the count cannot be read — the page still renders).
func (s *Server) unreadNotes(r *http.Request, p *auth.Principal) int {
	if p == nil || p.IsOperator() || p.StaffID == 0 || s.svc.Notify == nil {
		return 0
	}
	n, err := s.svc.Notify.Unread(r.Context(), p.TenantID, p)
	if err != nil {
		s.log.Warn("unread notifications", "request_id", requestID(r), "err", err)
		return 0
	}
	return n
}
