package web

import (
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"

	"telework/internal/notify"
)

// deliveryRoutes are the pages of notification delivery (issue 12): the
// signed-in person's own preferences. The service scopes every read and
// write to the person's staff record.
func (s *Server) deliveryRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/notifications/settings", Rule: directory, Handler: s.deliveryPrefsPage},
		{Method: "POST", Pattern: "/notifications/settings", Rule: directory, Handler: s.deliveryPrefsSave},
		{Method: "GET", Pattern: "/notifications/calendar-feeds", Rule: directory, Handler: s.deliveryFeedsPage},
		{Method: "POST", Pattern: "/notifications/calendar-feeds", Rule: directory, Handler: s.deliveryFeedCreate},
		{Method: "POST", Pattern: "/notifications/calendar-feeds/revoke", Rule: directory, Handler: s.deliveryFeedRevoke},
		{Method: "GET", Pattern: "/schedule", Rule: directory, Handler: s.deliverySchedule},
		{Method: "GET", Pattern: "/delivery/settings", Rule: itAdminOnly, Handler: s.deliverySettingsPage},
		{Method: "POST", Pattern: "/delivery/settings", Rule: itAdminOnly, Handler: s.deliverySettingsSave},
		{Method: "POST", Pattern: "/delivery/channels", Rule: itAdminOnly, Handler: s.deliveryChannelSave},
		{Method: "POST", Pattern: "/delivery/retry", Rule: itAdminOnly, Handler: s.deliveryRetry},
	}
}

// deliveryPrefRow is one kind on the preferences page.
type deliveryPrefRow struct {
	notify.Pref
	Label string
	// ChatAllowed: the kind may go to the section's chat (else the page
	// says why there is no box).
	ChatAllowed bool
}

func (s *Server) deliveryPrefsPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	c, err := s.svc.Delivery.Choices(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deliveryPrefsRender(w, r, http.StatusOK, c, nil)
}

func (s *Server) deliveryPrefsRender(w http.ResponseWriter, r *http.Request, status int, c notify.Choices, formErr error) {
	rows := make([]deliveryPrefRow, 0, len(c.Prefs))
	for _, p := range c.Prefs {
		rows = append(rows, deliveryPrefRow{Pref: p, Label: "notify.kind." + string(p.Kind), ChatAllowed: notify.ChatAllowed(p.Kind)})
	}
	s.render(w, r, status, "delivery_prefs", "delivery.title_prefs", map[string]any{"Rows": rows, "AfterHours": c.AfterHours}, formErr)
}

// deliveryPrefsSave reads one checkbox per kind and channel
// ("<kind>.in_app", "<kind>.email", "<kind>.chat"); an unticked box is off.
func (s *Server) deliveryPrefsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	var ps []notify.Pref
	for _, ki := range notify.KindList() {
		k := string(ki.Kind)
		ps = append(ps, notify.Pref{Kind: ki.Kind, InApp: fm.bool(k + ".in_app"), Email: fm.bool(k + ".email"), Chat: fm.bool(k + ".chat")})
	}
	after := fm.bool("after_hours")
	if _, err := s.svc.Delivery.SaveChoices(r.Context(), p.TenantID, actorOf(p), p, ps, &after); err != nil {
		if isInvalid(err) {
			s.deliveryPrefsRender(w, r, http.StatusUnprocessableEntity, notify.Choices{Prefs: ps, AfterHours: after}, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/notifications/settings", "flash.delivery_prefs")
}

// deliveryFeedRow is one live calendar feed on the page.
type deliveryFeedRow struct {
	ID      int64
	Section bool
	Created string
}

func (s *Server) deliveryFeedsPage(w http.ResponseWriter, r *http.Request) {
	s.deliveryFeedsRender(w, r, "")
}

// deliveryFeedsRender lists the person's live feeds; url is a feed just
// made, shown this once (the token is stored only as its hash).
func (s *Server) deliveryFeedsRender(w http.ResponseWriter, r *http.Request, url string) {
	p := principal(r)
	fs, err := s.svc.Schedule.Feeds(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := dateView(r)
	rows := make([]deliveryFeedRow, 0, len(fs))
	for _, f := range fs {
		rows = append(rows, deliveryFeedRow{ID: f.ID, Section: f.UnitID != 0, Created: v.Time(f.CreatedAt)})
	}
	s.render(w, r, http.StatusOK, "delivery_feeds", "delivery.title_feeds", map[string]any{
		"Rows": rows, "URL": url, "Head": p.Has(auth.Supervisor)}, nil)
}

// deliveryFeedCreate makes a feed of the person's own days, or of their
// section's planned telework for a 所属長, and shows its URL once.
func (s *Server) deliveryFeedCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	section := newForm(r).str("scope") == "section"
	token, _, err := s.svc.Schedule.CreateFeed(r.Context(), p.TenantID, actorOf(p), p, section)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deliveryFeedsRender(w, r, s.baseURL(r)+"/api/v1/calendar-feeds/ics?token="+token)
}

// deliveryFeedRevoke ends one of the person's feeds; another person's or
// tenant's id is not found.
func (s *Server) deliveryFeedRevoke(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, err := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, deliveryNoID())
		return
	}
	if err := s.svc.Schedule.RevokeFeed(r.Context(), p.TenantID, actorOf(p), p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/notifications/calendar-feeds", "flash.delivery_feed_revoked")
}

// deliveryChannelRow is a section on the settings page; a channel's URL
// is a credential, so only its host is shown back.
type deliveryChannelRow struct {
	UnitID     int64
	Name, Host string
	Format     string
}

type deliveryDeadRow struct {
	ID                              int64
	Channel, Target, Error, Created string
	Text                            string
	Attempts                        int
}

// deliverySettingsPage is the IT administrator's page: the SMTP settings
// (the password only as set or not), the sections' chat channels and the
// dead letters with a retry button.
func (s *Server) deliverySettingsPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	set, _, err := s.svc.Delivery.Settings(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deliverySettingsRender(w, r, http.StatusOK, set, nil, nil)
}

// deliverySettingsRender shows the page; posted is the chat channel a
// refused save asked for (its section and format are shown again), or nil.
func (s *Server) deliverySettingsRender(w http.ResponseWriter, r *http.Request, status int, set notify.Settings, posted *notify.ChatChannel, formErr error) {
	p := principal(r)
	stored, chs, err := s.svc.Delivery.Settings(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set.PasswordSet, set.PasswordLocked = stored.PasswordSet, stored.PasswordLocked
	dead, err := s.svc.Delivery.DeadLetters(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	byUnit := map[int64]notify.ChatChannel{}
	for _, c := range chs {
		byUnit[c.UnitID] = c
	}
	var units, channels []deliveryChannelRow
	for _, n := range tr.Flatten(false) {
		row := deliveryChannelRow{UnitID: n.Unit.ID, Name: tr.PathString(n.Unit.ID)}
		if c, ok := byUnit[n.Unit.ID]; ok {
			row.Format = c.Format
			row.Host = notify.WebhookHost(c.URL)
			channels = append(channels, row)
		}
		units = append(units, row)
	}
	v := dateView(r)
	var rows []deliveryDeadRow
	for _, d := range dead {
		target := d.Target
		if id, err := strconv.ParseInt(d.Target, 10, 64); d.Channel == notify.Chat && err == nil && tr.Unit(id) != nil {
			target = tr.PathString(id) // the section, not its id (a review)
		}
		rows = append(rows, deliveryDeadRow{ID: d.ID, Channel: "delivery.channel." + string(d.Channel), Target: target,
			Error: d.LastError, Created: v.Time(d.CreatedAt), Text: v.Note(d.Notification), Attempts: d.Attempts})
	}
	if posted == nil {
		posted = &notify.ChatChannel{Format: "json"}
	}
	s.render(w, r, status, "delivery_settings", "delivery.title_settings", map[string]any{
		"Set": set, "Units": units, "Channels": channels, "Dead": rows, "TLS": notify.TLSModes, "Charsets": notify.Charsets, "Formats": notify.ChatFormats,
		"Posted": posted}, formErr)
}

// deliverySettingsSave saves the SMTP settings; an empty password keeps
// the stored one unless "clear the password" is ticked.
func (s *Server) deliverySettingsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	set := notify.Settings{SMTPHost: fm.str("smtp_host"), SMTPPort: fm.int("smtp_port", 0), SMTPTLS: fm.str("smtp_tls"),
		SMTPUser: fm.str("smtp_user"), MailFrom: fm.str("mail_from"), Charset: fm.str("charset"), Version: int64(fm.int("version", 0))}
	var password *string
	if pw := r.PostForm.Get("smtp_password"); pw != "" {
		password = &pw
	} else if fm.bool("smtp_password_clear") {
		password = &pw
	}
	if err := fm.v.Err(); err != nil {
		s.deliverySettingsRender(w, r, http.StatusUnprocessableEntity, set, nil, err)
		return
	}
	if _, err := s.svc.Delivery.SaveSettings(r.Context(), p.TenantID, actorOf(p), p, set, password); err != nil {
		if isInvalid(err) {
			s.deliverySettingsRender(w, r, http.StatusUnprocessableEntity, set, nil, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/delivery/settings", "flash.saved")
}

// deliveryChannelSave sets or (empty URL) removes one section's channel.
func (s *Server) deliveryChannelSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	c := notify.ChatChannel{UnitID: fm.id("unit_id"), URL: fm.str("url"), Format: fm.str("format")}
	if err := s.svc.Delivery.SaveChannel(r.Context(), p.TenantID, actorOf(p), p, c); err != nil {
		if isInvalid(err) {
			set, _, _ := s.svc.Delivery.Settings(r.Context(), p.TenantID, p)
			s.deliverySettingsRender(w, r, http.StatusUnprocessableEntity, set, &c, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/delivery/settings", "flash.saved")
}

// deliveryRetry makes one dead letter pending again; another tenant's id
// is not found.
func (s *Server) deliveryRetry(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, err := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, deliveryNoID())
		return
	}
	if err := s.svc.Delivery.Retry(r.Context(), p.TenantID, actorOf(p), p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/delivery/settings", "flash.delivery_retried")
}

// deliveryNoID is the error of a post without the row's id (a form not
// sent by the page).
func deliveryNoID() error {
	var v apperr.Validation
	v.Add("id", "delivery.rule_required", map[string]any{"LabelKey": "delivery.field_id"})
	return v.Err()
}
