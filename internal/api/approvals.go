package api

import (
	"context"
	"net/http"
	"slices"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/route"
)

// The approver's side: the inbox, bulk decisions, reports to confirm, the
// routing settings and delegations; and everyone's notifications.

func (s *API) approvalRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/approvals", Rule: route.Directory, Handler: s.apiInbox,
			API: &route.Op{ID: "listApprovals", Tag: "approvals", Resp: "Application", List: true,
				Summary: "Your inbox: applications waiting for your decision (as approver, 代決者 or delegate during an absence), oldest first",
				Query: append([]route.Param{{Name: "unit_id", Type: "integer", Desc: "the applicant's unit and below"},
					{Name: "from", Type: "string", Desc: "having a day on or after (YYYY-MM-DD)"},
					{Name: "to", Type: "string", Desc: "having a day on or before (YYYY-MM-DD)"},
					{Name: "mode", Type: "string", Desc: "home, satellite or mobile"}}, pagingParams...)}},
		{Method: "POST", Pattern: "/api/v1/approvals", Rule: route.Directory, Handler: s.apiBulkApprovals,
			API: &route.Op{ID: "bulkApprovals", Tag: "approvals", Body: "BulkApprovalInput", Resp: "BulkApprovalResult", Idempotent: true,
				Summary: "Approve, return, reject or confirm many applications at once, each with the rules re-checked; those that cannot be are listed in failed[] with the reason"}},
		{Method: "GET", Pattern: "/api/v1/approvals/reports", Rule: route.Supervisor, Handler: s.apiReportsToConfirm,
			API: &route.Op{ID: "listReportsToConfirm", Tag: "approvals", Resp: "Application", List: true,
				Summary: "Applications of your unit and below with reports to confirm; overdue=true lists reports overdue instead",
				Query:   append([]route.Param{{Name: "overdue", Type: "boolean", Desc: "reports due before today and not filed"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/approval-settings", Rule: route.Directory, Handler: s.apiApprovalSettings,
			API: &route.Op{ID: "getApprovalSettings", Tag: "approvals", Resp: "ApprovalSettings", Summary: "The routing: 所属長 or 係長, two steps, reminders"}},
		{Method: "PUT", Pattern: "/api/v1/approval-settings", Rule: route.HROnly, Handler: s.apiSaveApprovalSettings,
			API: &route.Op{ID: "saveApprovalSettings", Tag: "approvals", Body: "ApprovalSettings", Resp: "ApprovalSettings",
				Summary: "Change the routing (HR); version as read (a stale one is 412)"}},
		{Method: "GET", Pattern: "/api/v1/delegations", Rule: route.Directory, Handler: s.apiDelegations,
			API: &route.Op{ID: "listDelegations", Tag: "approvals", Resp: "Delegation", List: true,
				Summary: "Delegations you gave or hold (HR: all): standing proxies (代決者) and absences", Query: pagingParams}},
		{Method: "POST", Pattern: "/api/v1/delegations", Rule: route.Directory, Handler: s.apiDelegate,
			API: &route.Op{ID: "createDelegation", Tag: "approvals", Body: "DelegationInput", Resp: "Delegation", Status: 201, Idempotent: true,
				Summary: "Name a proxy (kind=proxy) or a delegate for an absence (kind=absence, from–to); a supervisor for themselves, HR for any approver"}},
		{Method: "DELETE", Pattern: "/api/v1/delegations/{id}", Rule: route.Directory, Object: "delegation", Handler: s.apiUndelegate,
			API: &route.Op{ID: "deleteDelegation", Tag: "approvals", Status: 204, Summary: "End a delegation you gave (HR: any)"}},
		{Method: "GET", Pattern: "/api/v1/notifications", Rule: route.Directory, Handler: s.apiNotifications,
			API: &route.Op{ID: "listNotifications", Tag: "notifications", Resp: "NotificationPage",
				Summary: "Your notifications, newest first, with the unread count in unread",
				Query:   append([]route.Param{{Name: "unread", Type: "boolean", Desc: "only unread ones"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/notifications/{id}", Rule: route.Directory, Object: "notification", Handler: s.apiNotification,
			API: &route.Op{ID: "getNotification", Tag: "notifications", Resp: "Notification",
				Summary: "One of your notifications by id, however old (404 for anyone else's)"}},
		{Method: "POST", Pattern: "/api/v1/notifications/{id}/read", Rule: route.Directory, Object: "notification", Handler: s.apiNotificationRead,
			API: &route.Op{ID: "readNotification", Tag: "notifications", Resp: "Notification",
				Summary: "Open one of your notifications: marks it read and returns it"}},
		{Method: "POST", Pattern: "/api/v1/notifications/read", Rule: route.Directory, Handler: s.apiMarkRead,
			API: &route.Op{ID: "markNotificationsRead", Tag: "notifications", Body: "NotificationsRead", Resp: "UnreadCount",
				Summary: "Mark your notifications read: ids[] (all when empty), none newer than up_to_id (send the newest id you listed; absent: no bound)"}},
	}
}

func (s *API) apiInbox(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f, err := listQuery(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.writePage(w, r, apply.Filter{UnitIDs: f.UnitIDs, From: f.From, To: f.To, Mode: f.Mode}, func(f apply.Filter) ([]*apply.Application, error) {
		return s.svc.Apply.Inbox(r.Context(), p.TenantID, p, f)
	})
}

type bulkInput struct {
	IDs     []int64 `json:"ids"`
	Action  string  `json:"action"`
	Comment string  `json:"comment"`
}

type bulkFailure struct {
	ID     int64  `json:"id"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func (s *API) apiBulkApprovals(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in bulkInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	act := apply.Action(in.Action)
	if !slices.Contains([]apply.Action{apply.ActApprove, apply.ActReturn, apply.ActReject, apply.ActConfirm}, act) {
		var v apperr.Validation
		v.Add("action", "field.choice", nil)
		s.apiFail(w, r, v.Err())
		return
	}
	res, err := s.svc.Apply.Bulk(r.Context(), p.TenantID, p, in.IDs, act, apply.Act{Comment: in.Comment})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	out := struct {
		Done   []applicationOut `json:"done"`
		Failed []bulkFailure    `json:"failed"`
	}{Done: []applicationOut{}, Failed: []bulkFailure{}}
	for _, a := range res.Done {
		out.Done = append(out.Done, toApplicationOut(a, lang))
	}
	for _, f := range res.Failed {
		out.Failed = append(out.Failed, bulkFailure{ID: f.ID, Status: statusOf(f.Err), Detail: i18n.Reason(lang, f.Err)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiReportsToConfirm(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	overdue := queryBool(r, "overdue", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.writePage(w, r, apply.Filter{}, func(f apply.Filter) ([]*apply.Application, error) {
		if overdue {
			return s.svc.Apply.Overdue(r.Context(), p.TenantID, p, true, f)
		}
		return s.svc.Apply.ToConfirm(r.Context(), p.TenantID, p, f)
	})
}

type settingsJSON struct {
	Approver      string  `json:"approver"`
	TwoStep       bool    `json:"two_step"`
	TwoStepUnits  []int64 `json:"two_step_units"`
	ReminderHours int     `json:"reminder_hours"`
	Version       int64   `json:"version"`
}

func (s *API) apiApprovalSettings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	set, err := s.svc.Apply.Settings(r.Context(), p.TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(set))
}

func toSettingsJSON(set apply.Settings) settingsJSON {
	out := settingsJSON{Approver: set.Approver, TwoStep: set.TwoStep, TwoStepUnits: set.TwoStepUnits,
		ReminderHours: set.ReminderHours, Version: set.Version}
	if out.TwoStepUnits == nil {
		out.TwoStepUnits = []int64{}
	}
	return out
}

func (s *API) apiSaveApprovalSettings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in settingsJSON
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	set := apply.Settings{Approver: in.Approver, TwoStep: in.TwoStep, TwoStepUnits: in.TwoStepUnits,
		ReminderHours: in.ReminderHours, Version: in.Version}
	if err := s.svc.Apply.SaveSettings(r.Context(), p.TenantID, p, set); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiApprovalSettings(w, r)
}

type delegationJSON struct {
	ID           int64  `json:"id"`
	ApproverID   int64  `json:"approver_id"`
	ApproverName string `json:"approver_name"`
	DelegateID   int64  `json:"delegate_id"`
	DelegateName string `json:"delegate_name"`
	Kind         string `json:"kind"`
	From         string `json:"from,omitempty"`
	To           string `json:"to,omitempty"`
	Note         string `json:"note"`
	CreatedAt    string `json:"created_at"`
}

func toDelegationJSON(d apply.Delegation) delegationJSON {
	o := delegationJSON{ID: d.ID, ApproverID: d.ApproverID, ApproverName: d.ApproverName, DelegateID: d.DelegateID,
		DelegateName: d.DelegateName, Kind: d.Kind, Note: d.Note, CreatedAt: moment(d.CreatedAt)}
	if !d.From.IsZero() {
		o.From, o.To = d.From.String(), d.To.String()
	}
	return o
}

func (s *API) apiDelegations(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ds, err := s.svc.Apply.Delegations(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[delegationJSON]{Items: []delegationJSON{}, Total: len(ds)}
	for _, d := range ds {
		out.Items = append(out.Items, toDelegationJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
}

type delegationInput struct {
	ApproverID int64  `json:"approver_id"`
	DelegateID int64  `json:"delegate_id"`
	Kind       string `json:"kind"`
	From       string `json:"from"`
	To         string `json:"to"`
	Note       string `json:"note"`
}

func (s *API) apiDelegate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in delegationInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	d := apply.Delegation{ApproverID: in.ApproverID, DelegateID: in.DelegateID, Kind: in.Kind, Note: in.Note}
	if in.From != "" {
		d.From = date(&v, "from", in.From)
	}
	if in.To != "" {
		d.To = date(&v, "to", in.To)
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	out, err := s.svc.Apply.Delegate(r.Context(), p.TenantID, p, d)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toDelegationJSON(*out))
}

func (s *API) apiUndelegate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("delegation"))
		return
	}
	if err := s.svc.Apply.Undelegate(r.Context(), p.TenantID, p, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type notificationJSON struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	ApplicationID int64  `json:"application_id,omitempty"`
	Message       string `json:"message"`
	CreatedAt     string `json:"created_at"`
	Read          bool   `json:"read"`
}

func (s *API) apiNotifications(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	unread := queryBool(r, "unread", &v)
	// The cursor names the page's last notification: newer ones arriving
	// between two pages neither shift nor repeat the next.
	limit, _, before, perr := keyPaging(r)
	if err := apperr.Merge(v.Err(), perr); err != nil {
		s.apiFail(w, r, err)
		return
	}
	ns, err := s.svc.Notify.ListBefore(r.Context(), p.TenantID, p, unread, limit+1, before)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	n, err := s.svc.Notify.Unread(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// total is every notification the query matches, not the page.
	total := n
	if !unread {
		if total, err = s.svc.Notify.Count(r.Context(), p.TenantID, p, false); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	lang := apiLang(r)
	writeJSON(w, http.StatusOK, struct {
		page[notificationJSON]
		Unread int `json:"unread"`
	}{keyPageOf(ns, limit, total, func(x notify.Notification) (string, int64) { return "", x.ID },
		func(x notify.Notification) notificationJSON { return notificationOut(lang, x) }), n})
}

func notificationOut(lang string, x notify.Notification) notificationJSON {
	return notificationJSON{ID: x.ID, Kind: string(x.Kind), ApplicationID: x.ApplicationID,
		Message: x.Message(lang), CreatedAt: moment(x.CreatedAt), Read: !x.Unread()}
}

func (s *API) apiNotification(w http.ResponseWriter, r *http.Request) {
	s.apiNotificationBy(w, r, s.svc.Notify.Get)
}

func (s *API) apiNotificationRead(w http.ResponseWriter, r *http.Request) {
	s.apiNotificationBy(w, r, s.svc.Notify.Open)
}

func (s *API) apiNotificationBy(w http.ResponseWriter, r *http.Request, get func(context.Context, int64, *auth.Principal, int64) (notify.Notification, error)) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("notification"))
		return
	}
	n, err := get(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, notificationOut(apiLang(r), n))
}

type readInput struct {
	IDs []int64 `json:"ids"`
	// UpToID: none newer than this (the newest the client listed); 0 or
	// absent: no bound, as before it existed.
	UpToID int64 `json:"up_to_id"`
}

var readLabels = map[string]string{"ids": "fieldname.notification_ids", "up_to_id": "fieldname.notification_up_to_id"}

func (s *API) apiMarkRead(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in readInput
	if err := optionalJSON(r, &in); err != nil {
		s.apiFail(w, r, apperr.Labelled(err, readLabels))
		return
	}
	if _, err := s.svc.Notify.MarkReadUpTo(r.Context(), p.TenantID, p, in.IDs, in.UpToID); err != nil {
		s.apiFail(w, r, apperr.Labelled(err, readLabels))
		return
	}
	n, err := s.svc.Notify.Unread(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"unread": n})
}
