package web

import (
	"net/http"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/oneonone"
	"telework/internal/route"
)

type pairForm struct {
	Partner, Role, Mode string
	Cadence, Minutes    int
}

type oneononeHomeView struct {
	Pairs   []oneonone.Pair
	Overdue []oneonone.Pair
	Counts  *oneonone.Counts
	Today   string
	StaffID int64
	NoStaff bool
	HasKey  bool
	Form    pairForm
}

func (s *Server) oneononeHome(w http.ResponseWriter, r *http.Request) {
	s.renderOneOnOneHome(w, r, http.StatusOK, pairForm{Role: "lead", Mode: string(oneonone.Online), Cadence: 14, Minutes: 30}, nil)
}

func (s *Server) renderOneOnOneHome(w http.ResponseWriter, r *http.Request, status int, f pairForm, ferr error) {
	p := principal(r)
	ctx := r.Context()
	v := oneononeHomeView{Today: s.svc.OneOnOne.Today(), StaffID: p.StaffID, NoStaff: p.StaffID == 0, HasKey: s.svc.OneOnOne.HasKey(), Form: f}
	var err error
	if v.Pairs, err = s.svc.OneOnOne.MyPairs(ctx, p.TenantID, p.StaffID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.Overdue, err = s.svc.OneOnOne.Overdue(ctx, p.TenantID, p.StaffID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Has(auth.HRAdmin) {
		c, err := s.svc.OneOnOne.Counts(ctx, p.TenantID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Counts = &c
	}
	s.render(w, r, status, "oneonone", "oneonone.title", v, ferr)
}

// oneononeCreate pairs the signed-in person with a colleague named by 職員
// 番号, as the listener (lead) or as the member.
func (s *Server) oneononeCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	f := pairForm{Partner: fm.str("partner_no"), Role: fm.str("role"), Mode: fm.str("mode"), Cadence: fm.int("cadence_days", 14),
		Minutes: fm.int("minutes", 30)}
	if p.StaffID == 0 {
		s.fail(w, r, apperr.New(apperr.Forbidden, "oneonone.no_staff"))
		return
	}
	pair := oneonone.Pair{CadenceDays: f.Cadence, Minutes: f.Minutes, Mode: oneonone.Mode(f.Mode)}
	var partner int64
	if f.Partner == "" {
		fm.v.Add("partner_no", "field.required", nil)
	} else if st, err := s.svc.Org.StaffByNo(r.Context(), p.TenantID, toHalfWidthDigits(f.Partner)); err != nil || st.Retired {
		fm.v.Add("partner_no", "field.oneonone_staff", nil)
	} else {
		partner = st.ID
	}
	if f.Role == "member" {
		pair.LeadID, pair.MemberID = partner, p.StaffID
	} else {
		pair.LeadID, pair.MemberID = p.StaffID, partner
	}
	err := fm.v.Err()
	if err == nil {
		var id int64
		id, err = s.svc.OneOnOne.CreatePair(r.Context(), p.TenantID, actorOf(p), p.StaffID, false, pair)
		if err == nil {
			s.flashRedirect(w, r, "/oneonone/"+strconv.FormatInt(id, 10), "flash.oneonone_pair")
			return
		}
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderOneOnOneHome(w, r, http.StatusUnprocessableEntity, f, fm.merge(err))
		return
	}
	s.fail(w, r, err)
}

type meetingForm struct {
	ID, Version int64
	HeldOn      string
	Mode        string
	Log         oneonone.Log
	ActionsText string
}

type pairView struct {
	Pair     oneonone.Pair
	Meetings []oneonone.Meeting
	Carried  []string
	Bank     []oneonone.Question
	Form     meetingForm
	HasKey   bool
	Overdue  bool
	NextDue  string
	KeyErr   string
}

func (s *Server) oneononePair(w http.ResponseWriter, r *http.Request) {
	s.renderPair(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderPair(w http.ResponseWriter, r *http.Request, status int, f *meetingForm, ferr error) {
	p := principal(r)
	id, _ := route.PathID(r)
	v := pairView{Bank: oneonone.Bank, HasKey: s.svc.OneOnOne.HasKey()}
	var err error
	if v.HasKey {
		v.Pair, v.Meetings, err = s.svc.OneOnOne.Meetings(r.Context(), p.TenantID, p.StaffID, id)
	} else {
		v.Pair, err = s.svc.OneOnOne.Pair(r.Context(), p.TenantID, p.StaffID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Carried = oneonone.CarriedActions(v.Meetings)
	v.Overdue, v.NextDue = v.Pair.Overdue(s.svc.OneOnOne.Today()), v.Pair.NextDue()
	if f != nil {
		v.Form = *f
	} else {
		v.Form = meetingForm{HeldOn: s.svc.OneOnOne.Today(), Mode: string(v.Pair.Mode)}
		if edit, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); edit > 0 {
			for _, m := range v.Meetings {
				if m.ID == edit {
					v.Form = meetingForm{ID: m.ID, Version: m.Version, HeldOn: m.HeldOn, Mode: string(m.Mode), Log: m.Log,
						ActionsText: strings.Join(m.Log.Actions, "\n")}
				}
			}
		} else if len(v.Carried) > 0 {
			v.Form.Log.Review = "・" + strings.Join(v.Carried, "\n・")
		}
	}
	s.render(w, r, status, "oneonone_pair", "oneonone.pair_title", v, ferr)
}

func (s *Server) oneononeUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := route.PathID(r)
	fm := newForm(r)
	err := s.svc.OneOnOne.UpdatePair(r.Context(), p.TenantID, actorOf(p), p.StaffID, false, id, int64(fm.int("version", 0)),
		fm.int("cadence_days", 0), fm.int("minutes", 0), oneonone.Mode(fm.str("mode")), fm.bool("active"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			// The settings' fields are named apart from the meeting form's
			// on the same page, so the summary's link lands on this form.
			s.renderPair(w, r, http.StatusUnprocessableEntity, nil, renameFields(err, map[string]string{"mode": "pair_mode"}))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/oneonone/"+strconv.FormatInt(id, 10), "flash.oneonone_pair_saved")
}

func (s *Server) oneononeMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := route.PathID(r)
	fm := newForm(r)
	f := meetingForm{ID: fm.id("meeting_id"), Version: int64(fm.int("version", 0)), HeldOn: toHalfWidthDigits(fm.str("held_on")),
		Mode: fm.str("mode"), ActionsText: r.PostForm.Get("actions"),
		Log: oneonone.Log{IceBreak: r.PostForm.Get("ice_break"), Review: r.PostForm.Get("review"), Theme: r.PostForm.Get("theme"),
			Notes: r.PostForm.Get("notes"), Actions: strings.Split(r.PostForm.Get("actions"), "\n")}}
	err := fm.v.Err()
	if err == nil {
		_, err = s.svc.OneOnOne.SaveMeeting(r.Context(), p.TenantID, actorOf(p), p.StaffID, oneonone.Meeting{ID: f.ID, PairID: id,
			HeldOn: f.HeldOn, Mode: oneonone.Mode(f.Mode), Log: f.Log, Version: f.Version})
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/oneonone/"+strconv.FormatInt(id, 10), "flash.oneonone_meeting")
	case apperr.CodeOf(err) == apperr.Invalid:
		s.renderPair(w, r, http.StatusUnprocessableEntity, &f, err)
	default:
		s.fail(w, r, err)
	}
}

// LogFields are the free-text steps of a meeting log, in the guide's order.
func (v *view) LogFields() []string { return []string{"ice_break", "review", "theme", "notes"} }

// BankText is a question of the bank in the page's language.
func (v *view) BankText(q oneonone.Question) string {
	if v.Lang == "en" {
		return q.En
	}
	return q.Text
}

// Field is the text of one step of the form's log.
func (f meetingForm) Field(name string) string {
	switch name {
	case "ice_break":
		return f.Log.IceBreak
	case "review":
		return f.Log.Review
	case "theme":
		return f.Log.Theme
	case "notes":
		return f.Log.Notes
	}
	return ""
}
