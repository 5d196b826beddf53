package web

import (
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/route"
)

// devicesDeskRoutes are IT's lending desk (lend and return by asset
// number, the overdue list, the day's reservations) and the pools (issue 14).
func (s *Server) devicesDeskRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/devices/desk", Rule: route.ITOnly, Handler: s.devicesDesk},
		{Method: "POST", Pattern: "/devices/desk/return", Rule: route.ITOnly, Handler: s.devicesReturnByAsset},
		{Method: "POST", Pattern: "/devices/reservations/{id}/lend", Rule: route.ITOnly, Object: "device_reservation", Handler: s.devicesLend},
		{Method: "POST", Pattern: "/devices/reservations/{id}/return", Rule: route.ITOnly, Object: "device_reservation", Handler: s.devicesReturn},
		{Method: "GET", Pattern: "/devices/pools/new", Rule: route.ITOnly, Handler: s.devicesPoolNew},
		{Method: "POST", Pattern: "/devices/pools", Rule: route.ITOnly, Handler: s.devicesPoolSave},
		{Method: "GET", Pattern: "/devices/pools/{id}/edit", Rule: route.ITOnly, Object: "device_pool", Handler: s.devicesPoolEdit},
		{Method: "POST", Pattern: "/devices/pools/{id}", Rule: route.ITOnly, Object: "device_pool", Handler: s.devicesPoolSave},
	}
}

type devicesDeskPool struct {
	*devices.Pool
	Reservations []*devices.Reservation
}

type devicesDeskView struct {
	Date string
	// ErrID is the reservation whose lending was refused: its row's asset
	// number field carries the error.
	ErrID   int64
	Pools   []devicesDeskPool
	Overdue []*devices.Reservation
	AssetNo string
	// LendAsset is what was typed in the refused row.
	LendAsset string
}

func (s *Server) devicesDeskView(r *http.Request) (*devicesDeskView, error) {
	p := principal(r)
	day := calendar.DateOf(time.Now())
	// The day shown: the page's, or the one the lend or return form came
	// from (a clerk lending ahead stays on that day).
	if d, err := calendar.ParseDate(r.FormValue("date")); err == nil {
		day = d
	}
	v := &devicesDeskView{Date: day.String()}
	pools, err := s.svc.Devices.Pools(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	for _, pl := range pools {
		list, err := s.svc.Devices.Reservations(r.Context(), p.TenantID, p, devices.Filter{PoolID: pl.ID, From: day, To: day})
		if err != nil {
			return nil, err
		}
		v.Pools = append(v.Pools, devicesDeskPool{pl, list})
	}
	if v.Overdue, err = s.svc.Devices.Overdue(r.Context(), p.TenantID, p, devices.Filter{}); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) devicesDesk(w http.ResponseWriter, r *http.Request) {
	v, err := s.devicesDeskView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "devices_desk", "devices.desk_title", v, nil)
}

func (s *Server) devicesDeskBack(w http.ResponseWriter, r *http.Request, status int, errID int64, err error) {
	v, verr := s.devicesDeskView(r)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	if errID == 0 {
		v.AssetNo = newForm(r).str("asset_no")
	} else {
		v.LendAsset = newForm(r).str("asset_no") // kept in the row's field
	}
	v.ErrID = errID
	s.render(w, r, status, "devices_desk", "devices.desk_title", v, err)
}

// deskAfter is the desk on the day the form came from.
func deskAfter(r *http.Request) string {
	if d, err := calendar.ParseDate(r.FormValue("date")); err == nil {
		return "/devices/desk?date=" + d.String()
	}
	return "/devices/desk"
}

func (s *Server) devicesLend(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Devices.Reservation(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err) // another tenant's id: 404 before the form is judged
		return
	}
	if _, err := s.svc.Devices.Lend(r.Context(), p.TenantID, p, id, newForm(r).str("asset_no")); err != nil {
		// The row's own field, not the return field above it; an asset
		// number out on another loan is that field's error too (the clerk
		// rescans there, not into the return field).
		status := statusOf(err)
		if e := apperr.As(err); e != nil && e.Key == "devices.refused.asset_out" {
			var v apperr.Validation
			v.Add("asset_no", e.Key, e.Args)
			err = v.Err()
		}
		s.devicesDeskBack(w, r, status, id, renameFields(err, map[string]string{"asset_no": "lend_asset_no"}))
		return
	}
	s.flashRedirect(w, r, deskAfter(r), "flash.devices_lent")
}

func (s *Server) devicesReturn(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Devices.Return(r.Context(), p.TenantID, p, id); err != nil {
		s.devicesDeskBack(w, r, statusOf(err), 0, err)
		return
	}
	s.flashRedirect(w, r, deskAfter(r), "flash.devices_returned")
}

// devicesReturnByAsset finds the lent reservation with the scanned asset
// number (lent in the last year) and records its return.
func (s *Server) devicesReturnByAsset(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	asset := newForm(r).str("asset_no")
	today := calendar.DateOf(time.Now())
	pools, err := s.svc.Devices.Pools(r.Context(), p.TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, pl := range pools {
		list, err := s.svc.Devices.Reservations(r.Context(), p.TenantID, p, devices.Filter{PoolID: pl.ID, From: today.AddDays(-366)})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, x := range list {
			if x.Status == devices.Lent && asset != "" && devices.AssetKey(x.AssetNo) == devices.AssetKey(asset) {
				if _, err := s.svc.Devices.Return(r.Context(), p.TenantID, p, x.ID); err != nil {
					s.devicesDeskBack(w, r, statusOf(err), 0, err)
					return
				}
				s.flashRedirect(w, r, deskAfter(r), "flash.devices_returned")
				return
			}
		}
	}
	var v apperr.Validation
	v.Add("asset_no", "devices.error.asset_not_lent", nil)
	s.devicesDeskBack(w, r, http.StatusUnprocessableEntity, 0, v.Err())
}

type devicesPoolForm struct {
	Pool  *devices.Pool
	Kinds []devices.Kind
}

func (s *Server) devicesPoolNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "devices_pool_form", "devices.pool_new", &devicesPoolForm{&devices.Pool{Kind: devices.LoanPC, LoanDays: 1}, devices.Kinds}, nil)
}

func (s *Server) devicesPoolEdit(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	pl, err := s.svc.Devices.Pool(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "devices_pool_form", "devices.pool_edit", &devicesPoolForm{pl, devices.Kinds}, nil)
}

func (s *Server) devicesPoolSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	pl := &devices.Pool{}
	if id, ok := pathID(r); ok {
		cur, err := s.svc.Devices.Pool(r.Context(), p.TenantID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pl = cur
	}
	f := newForm(r)
	pl.Name, pl.Kind, pl.Note = f.str("name"), devices.Kind(f.str("kind")), f.str("note")
	pl.Capacity, pl.LoanDays = f.int("capacity", 0), f.int("loan_days", 1)
	if pl.ID != 0 {
		pl.Version = int64(f.int("version", 0))
	}
	title := "devices.pool_new"
	if pl.ID != 0 {
		title = "devices.pool_edit"
	}
	err := f.v.Err()
	if err == nil {
		err = s.svc.Devices.SavePool(r.Context(), p.TenantID, p, pl)
	}
	if err != nil {
		s.render(w, r, statusOf(err), "devices_pool_form", title, &devicesPoolForm{pl, devices.Kinds}, err)
		return
	}
	if len(pl.Affected) > 0 || len(pl.AffectedCredentials) > 0 {
		// Saved, but some reservations or issued IDs are now beyond the
		// capacity: the list stays on screen (their people have been
		// notified).
		s.render(w, r, http.StatusOK, "devices_pool_form", title, &devicesPoolForm{pl, devices.Kinds}, nil)
		return
	}
	s.flashRedirect(w, r, "/devices/desk", "flash.devices_pool_saved")
}
