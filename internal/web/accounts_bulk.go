package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
	"telework/internal/tabular"
)

// Accounts in bulk (issue 9 §3): HR lists the people in service without
// an account (by unit, by search), selects them or takes everyone listed,
// and chooses invitation links or temporary passwords. The answer is the
// 通知書, one A4 page per person through the browser's print, and a form
// that downloads the same as xlsx for the clerk; nothing of the links or
// passwords is kept but their hashes. People open their link on the public
// invitation page and choose their own password.

// bulkShown caps the people a page lists; "everyone listed" takes them all.
const bulkShown = 500

func (s *Server) bulkAccountRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/accounts/bulk", Rule: hrOnly, Handler: s.bulkAccountsPage},
		{Method: "POST", Pattern: "/accounts/bulk", Rule: hrOnly, Handler: s.bulkAccountsCreate},
		{Method: "POST", Pattern: "/accounts/bulk/notices.xlsx", Rule: hrOnly, Handler: s.bulkNoticesXLSX},
		{Method: "GET", Pattern: "/invite", Rule: public, Handler: s.invitePage},
		{Method: "POST", Pattern: "/invite", Rule: public, Handler: s.inviteAccept},
	}
}

type unitOption struct {
	ID    int64
	Label string
}

type bulkPage struct {
	UnitID   int64
	Query    string
	Units    []unitOption
	People   []*auth.Candidate
	Total    int
	More     int
	Method   string
	Selected map[int64]bool
	Problems []auth.BulkProblem
}

func (s *Server) bulkData(r *http.Request, unitID int64, q string) (*bulkPage, error) {
	p := principal(r)
	d := &bulkPage{UnitID: unitID, Query: q, Method: auth.ByInvitation, Selected: map[int64]bool{}}
	tree, err := s.svc.Org.Tree(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	for _, n := range tree.Flatten(false) {
		d.Units = append(d.Units, unitOption{n.Unit.ID, strings.Repeat("　", n.Depth) + n.Unit.Name})
	}
	d.People, d.Total, err = s.svc.Onboarding.Candidates(r.Context(), p, auth.CandidateFilter{UnitID: unitID, Query: q, Limit: bulkShown})
	if err != nil {
		return d, err // Invalid: the page shows it on the search box
	}
	d.More = d.Total - len(d.People)
	return d, nil
}

func (s *Server) bulkAccountsPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.bulkData(r, int64OrZero(r.URL.Query().Get("unit_id")), strings.TrimSpace(r.URL.Query().Get("q")))
	if isInvalid(err) {
		s.render(w, r, http.StatusUnprocessableEntity, "accounts_bulk", "golive.bulk_title", d, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "accounts_bulk", "golive.bulk_title", d, nil)
}

// issuedNotice is one 通知書.
type issuedNotice struct {
	*auth.Issued
	Link string // the invitation link
}

type noticesPage struct {
	Notices   []issuedNotice
	SignInURL string
	Tenant    string
	Method    string
}

// absoluteURL is path on this server as browsers reach it: the configured
// public URL, else the request's host.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/") + path
	}
	scheme := "http"
	if s.secureCookie(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func (s *Server) bulkAccountsCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	in := auth.BulkAccounts{Method: r.PostForm.Get("method"), All: r.PostForm.Get("all") == "1",
		Filter: auth.CandidateFilter{UnitID: int64OrZero(r.PostForm.Get("unit_id")), Query: strings.TrimSpace(r.PostForm.Get("q"))}}
	for _, v := range r.PostForm["staff"] {
		if id := int64OrZero(v); id > 0 {
			in.StaffIDs = append(in.StaffIDs, id)
		}
	}
	issued, err := s.svc.Onboarding.CreateAccounts(r.Context(), p, in)
	if err != nil {
		var refused *auth.BulkRefused
		if apperr.CodeOf(err) != apperr.Invalid && !errors.As(err, &refused) && apperr.CodeOf(err) != apperr.Conflict {
			s.fail(w, r, err)
			return
		}
		d, derr := s.bulkData(r, in.Filter.UnitID, in.Filter.Query)
		if derr != nil && !isInvalid(derr) { // a search text too long: err names it
			s.fail(w, r, derr)
			return
		}
		d.Method = in.Method
		for _, id := range in.StaffIDs {
			d.Selected[id] = true
		}
		if refused != nil {
			d.Problems = refused.Problems
			err = &apperr.Error{Code: apperr.Invalid, Key: "golive.bulk_refused", Args: map[string]any{"Count": len(refused.Problems)}}
		}
		s.render(w, r, http.StatusUnprocessableEntity, "accounts_bulk", "golive.bulk_title", d, err)
		return
	}
	page := &noticesPage{SignInURL: s.absoluteURL(r, "/login?tenant="+url.QueryEscape(p.TenantSlug)), Tenant: p.TenantName, Method: in.Method}
	for _, it := range issued {
		n := issuedNotice{Issued: it}
		if it.Token != "" {
			n.Link = s.absoluteURL(r, "/invite?tenant="+url.QueryEscape(p.TenantSlug)+"&token="+url.QueryEscape(it.Token))
		}
		page.Notices = append(page.Notices, n)
	}
	s.render(w, r, http.StatusCreated, "accounts_notices", "golive.notices_title", page, nil)
}

// bulkNoticesXLSX turns the notices page's rows (posted back by its
// download form) into the clerk's xlsx.
func (s *Server) bulkNoticesXLSX(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	var rows []auth.NoticeRow
	for i, no := range f["staff_no"] {
		at := func(k string) string {
			if i < len(f[k]) {
				return f[k][i]
			}
			return ""
		}
		rows = append(rows, auth.NoticeRow{StaffNo: no, Name: at("name"), Unit: at("unit"), LoginID: at("login_id"),
			Secret: at("secret"), Expires: at("expires")})
	}
	p := principal(r)
	data, err := s.svc.Onboarding.NoticesFile(r.Context(), p, s.absoluteURL(r, "/login?tenant="+url.QueryEscape(p.TenantSlug)), rows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route.Download(w, tabular.XLSX.ContentType(), "accounts-notices.xlsx", data)
}

// --- the invitation page (public) ---

type inviteForm struct {
	Tenant, Token string
	Info          *auth.InvitationInfo
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := inviteForm{Tenant: q.Get("tenant"), Token: q.Get("token")}
	info, err := s.svc.Onboarding.Invitation(r.Context(), f.Tenant, f.Token)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusNotFound, "invite", "golive.invite_title", f, err)
		return
	}
	f.Info = info
	s.render(w, r, http.StatusOK, "invite", "golive.invite_title", f, nil)
}

func (s *Server) inviteAccept(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := inviteForm{Tenant: r.PostForm.Get("tenant"), Token: r.PostForm.Get("token")}
	_, err := s.svc.Onboarding.Accept(r.Context(), auth.AcceptInvitation{Tenant: f.Tenant, Token: f.Token,
		Password: r.PostForm.Get("new_password"), Confirm: r.PostForm.Get("confirm_password"), ClientAddr: s.clientAddr(r)})
	if err == nil {
		s.flashRedirect(w, r, "/login?tenant="+url.QueryEscape(f.Tenant), "flash.invite_done")
		return
	}
	e := apperr.As(err)
	if e == nil {
		s.serverError(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	switch {
	case e.Code == apperr.RateLimited:
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", strconv.Itoa(int(s.svc.Auth.Limits().ThrottleWindow.Seconds())))
	case len(e.Fields) > 0:
		// The link is good; the password broke a rule: ask again.
		f.Info, _ = s.svc.Onboarding.Invitation(r.Context(), f.Tenant, f.Token)
	default:
		status = http.StatusNotFound
	}
	s.render(w, r, status, "invite", "golive.invite_title", f, err)
}
