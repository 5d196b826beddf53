package api

import (
	"net/http"
	"time"

	"telework/internal/notify"
	"telework/internal/route"
	"telework/internal/schedule"
)

// Notification delivery (issue 12): each person's preferences, the IT
// administrator's SMTP and chat settings, and the dead letters.

func (s *API) deliveryRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/notification-preferences", Rule: route.Directory, Handler: s.apiDeliveryPrefs,
			API: &route.Op{ID: "getNotificationPreferences", Tag: "notifications", Resp: "NotificationPreferences",
				Summary: "Your choice per kind of notification: in the app, by e-mail, in your section's chat"}},
		{Method: "PUT", Pattern: "/api/v1/notification-preferences", Rule: route.Directory, Handler: s.apiDeliverySavePrefs,
			API: &route.Op{ID: "saveNotificationPreferences", Tag: "notifications", Body: "NotificationPreferencesInput", Resp: "NotificationPreferences",
				Summary: "Change your choices: for each kind given, the channels given (kinds and channels not given keep theirs)"}},
		{Method: "GET", Pattern: "/api/v1/notification-settings", Rule: route.ITOnly, Handler: s.apiDeliverySettings,
			API: &route.Op{ID: "getNotificationSettings", Tag: "notifications", Resp: "NotificationSettings",
				Summary: "The tenant's SMTP settings (the password only as set or not) and section chat channels (IT admin)"}},
		{Method: "PUT", Pattern: "/api/v1/notification-settings", Rule: route.ITOnly, Handler: s.apiDeliverySaveSettings,
			API: &route.Op{ID: "saveNotificationSettings", Tag: "notifications", Body: "NotificationSettingsInput", Resp: "NotificationSettings",
				Summary: "Change the SMTP settings (IT admin); smtp_password omitted keeps the stored one, \"\" clears it; version as read"}},
		{Method: "PUT", Pattern: "/api/v1/notification-channels", Rule: route.ITOnly, Handler: s.apiDeliverySaveChannel,
			API: &route.Op{ID: "saveNotificationChannel", Tag: "notifications", Body: "NotificationChannel", Resp: "NotificationSettings",
				Summary: "Set a section's chat webhook (format json or slack); an empty url removes it (IT admin)"}},
		{Method: "GET", Pattern: "/api/v1/notification-dead-letters", Rule: route.ITOnly, Handler: s.apiDeliveryDead,
			API: &route.Op{ID: "listNotificationDeadLetters", Tag: "notifications", Resp: "DeadLetter", List: true,
				Summary: "Deliveries that failed every attempt, newest first (IT admin)"}},
		{Method: "GET", Pattern: "/api/v1/calendar-feeds", Rule: route.Directory, Handler: s.apiScheduleFeeds,
			API: &route.Op{ID: "listCalendarFeeds", Tag: "schedule", Resp: "CalendarFeed", List: true,
				Summary: "Your iCalendar feeds (your days, or your section's); the token is never shown again"}},
		{Method: "POST", Pattern: "/api/v1/calendar-feeds", Rule: route.Directory, Handler: s.apiScheduleCreateFeed,
			API: &route.Op{ID: "createCalendarFeed", Tag: "schedule", Body: "CalendarFeedInput", Resp: "CalendarFeedCreated", Status: 201, OptionalBody: true,
				Summary: "Make a secret feed URL (section=true: your section's planned telework); rotate by making a new one and revoking the old"}},
		{Method: "POST", Pattern: "/api/v1/calendar-feeds/revoke", Rule: route.Directory, Handler: s.apiScheduleRevokeFeed,
			API: &route.Op{ID: "revokeCalendarFeed", Tag: "schedule", Body: "CalendarFeedRevoke", Status: 204,
				Summary: "Revoke one of your feeds (id)"}},
		{Method: "GET", Pattern: "/api/v1/calendar-feeds/ics", Rule: route.Public, Handler: s.apiScheduleICS,
			API: &route.Op{ID: "getCalendarFeed", Tag: "schedule", RespTypes: []string{"text/calendar"},
				Summary: "The feed (RFC 5545) for a calendar program; the secret token alone authenticates",
				Query:   []route.Param{{Name: "token", Type: "string", Desc: "the feed's secret token"}}}},
		{Method: "POST", Pattern: "/api/v1/notification-dead-letters/retry", Rule: route.ITOnly, Handler: s.apiDeliveryRetry,
			API: &route.Op{ID: "retryNotificationDeadLetter", Tag: "notifications", Body: "DeadLetterRetry", Status: 204,
				Summary: "Send a dead letter again, now (IT admin)"}},
	}
}

type deliveryPrefsJSON struct {
	Prefs []deliveryPrefJSON `json:"prefs"`
	// AfterHours: the person is told outside working time too (the
	// policy's quiet hours hold nothing of theirs).
	AfterHours bool `json:"after_hours"`
}

// deliveryPrefJSON is one kind's choice and whether the kind may go to
// the section's chat at all.
type deliveryPrefJSON struct {
	notify.Pref
	ChatAvailable bool `json:"chat_available"`
}

func prefsJSON(c notify.Choices) deliveryPrefsJSON {
	out := deliveryPrefsJSON{Prefs: make([]deliveryPrefJSON, 0, len(c.Prefs)), AfterHours: c.AfterHours}
	for _, p := range c.Prefs {
		out.Prefs = append(out.Prefs, deliveryPrefJSON{Pref: p, ChatAvailable: notify.ChatAllowed(p.Kind)})
	}
	return out
}

func (s *API) apiDeliveryPrefs(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	c, err := s.svc.Delivery.Choices(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, prefsJSON(c))
}

func (s *API) apiDeliverySavePrefs(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		Prefs      []notify.PrefChange `json:"prefs"`
		AfterHours *bool               `json:"after_hours"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.svc.Delivery.UpdateChoices(r.Context(), p.TenantID, actorOf(p), p, in.Prefs, in.AfterHours)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, prefsJSON(c))
}

type deliverySettingsJSON struct {
	notify.Settings
	Channels []channelJSON `json:"channels"`
}

// channelJSON is a section's chat channel as read back: the webhook URL
// is a credential (whoever has it posts to the section's chat), so only
// its host is shown, as on the settings page.
type channelJSON struct {
	UnitID int64  `json:"unit_id"`
	Host   string `json:"host"`
	Format string `json:"format"`
}

type deliverySettingsInput struct {
	notify.Settings
	Password *string `json:"smtp_password"`
}

func (s *API) apiDeliverySettings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	set, chs, err := s.svc.Delivery.Settings(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := deliverySettingsJSON{Settings: set, Channels: []channelJSON{}}
	for _, c := range chs {
		out.Channels = append(out.Channels, channelJSON{UnitID: c.UnitID, Host: notify.WebhookHost(c.URL), Format: c.Format})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiDeliverySaveSettings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in deliverySettingsInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if _, err := s.svc.Delivery.SaveSettings(r.Context(), p.TenantID, actorOf(p), p, in.Settings, in.Password); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiDeliverySettings(w, r)
}

func (s *API) apiDeliverySaveChannel(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in notify.ChatChannel
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.svc.Delivery.SaveChannel(r.Context(), p.TenantID, actorOf(p), p, in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiDeliverySettings(w, r)
}

type deadLetterJSON struct {
	ID             int64     `json:"id"`
	NotificationID int64     `json:"notification_id"`
	Channel        string    `json:"channel"`
	Kind           string    `json:"kind"`
	Message        string    `json:"message"`
	Attempts       int       `json:"attempts"`
	LastError      string    `json:"last_error"`
	CreatedAt      time.Time `json:"created_at"`
}

func (s *API) apiDeliveryDead(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ds, err := s.svc.Delivery.DeadLetters(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	out := page[deadLetterJSON]{Items: []deadLetterJSON{}, Total: len(ds)}
	for _, d := range ds {
		out.Items = append(out.Items, deadLetterJSON{ID: d.ID, NotificationID: d.NotificationID, Channel: string(d.Channel),
			Kind: string(d.Notification.Kind), Message: d.Notification.Message(lang), Attempts: d.Attempts,
			LastError: d.LastError, CreatedAt: d.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiDeliveryRetry(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	s.deliveryByID(w, r, func(id int64) error { return s.svc.Delivery.Retry(r.Context(), p.TenantID, actorOf(p), p, id) })
}

// sectionFeedDesc tells what a section feed shows.
const sectionFeedDesc = "a section's feed: your section when you made it; the feed always shows your section as it is now, " +
	"and answers 404 like a revoked one once you retire or your account is disabled"

// deliverySchemas are the OpenAPI schemas of notification delivery.
func deliverySchemas() map[string]any {
	prefProps := map[string]any{
		"kind": strEnum(notify.KindNames(), "kind of notification"), "in_app": boolean("in the app's list and its unread count"),
		"email": boolean("by e-mail to the staff record's address"), "chat": boolean("in the section's chat channel")}
	prefOut := map[string]any{"chat_available": boolean("the kind may go to the section's chat, which the whole section reads " +
		"(start/end reports, approvals, report and approval reminders); chat true for another kind is refused (422)")}
	for k, v := range prefProps {
		prefOut[k] = v
	}
	pref := obj([]string{"kind", "in_app", "email", "chat", "chat_available"}, prefOut)
	// A change names the kind and the channels it changes; the others keep
	// what they are.
	change := obj([]string{"kind"}, prefProps)
	channel := obj([]string{"unit_id", "url"}, map[string]any{"unit_id": integer("section"),
		"url": str("incoming webhook URL (empty removes); not loopback, link-local, unspecified or multicast; redirects are not followed"), "format": strEnum(notify.ChatFormats, "json (generic) or slack (Slack-compatible)")})
	settings := map[string]any{
		"smtp_host": str("SMTP server"), "smtp_port": integer("port"), "smtp_tls": strEnum(notify.TLSModes, "starttls (default), tls, none"),
		"smtp_user": str("user for AUTH"), "smtp_password_set": boolean("a password is stored (it is never shown)"),
		"mail_from": str("sender address"), "charset": strEnum(notify.Charsets, "utf-8 (default) or iso-2022-jp"),
		"version": integer("as read; a stale one is refused")}
	out := map[string]any{}
	for k, v := range settings {
		out[k] = v
	}
	out["channels"] = arr(obj([]string{"unit_id", "host", "format"}, map[string]any{"unit_id": integer("section"),
		"host": str("the webhook's host only: the URL is a credential and is never shown again"), "format": strEnum(notify.ChatFormats, "")}))
	out["smtp_password_unreadable"] = boolean("present and true when the stored password does not open with this server's secret keys: e-mail fails until it is entered again or the key is configured")
	in := map[string]any{}
	for k, v := range settings {
		in[k] = v
	}
	in["smtp_password"] = str("new password; omit to keep, empty to clear")
	return map[string]any{
		"NotificationPreferences": obj([]string{"prefs", "after_hours"}, map[string]any{"prefs": arr(pref),
			"after_hours": boolean("told outside working time too: the policy's quiet hours hold none of your messages")}),
		"NotificationPreferencesInput": obj(nil, map[string]any{"prefs": arr(change),
			"after_hours": boolean("be told outside working time too (omitted: unchanged). Not answering after hours is no ground for anything (第5章 3.)")}),
		"NotificationChannel":       channel,
		"NotificationSettings":      obj([]string{"smtp_host", "smtp_port", "smtp_tls", "charset", "channels"}, out),
		"NotificationSettingsInput": obj([]string{"smtp_port", "smtp_tls"}, in),
		"DeadLetter": obj([]string{"id", "notification_id", "channel", "kind", "message", "attempts", "last_error", "created_at"},
			map[string]any{"id": integer("delivery"), "notification_id": integer("notification"), "channel": strEnum([]string{"email", "chat"}, ""),
				"kind": str("kind of notification"), "message": str("the text, in the caller's language"), "attempts": integer("tries"),
				"last_error": str("the last failure"), "created_at": str("when planned (RFC 3339)")}),
		"DeadLetterRetry":    obj([]string{"id"}, map[string]any{"id": integer("the dead letter (delivery)")}),
		"CalendarFeedRevoke": obj([]string{"id"}, map[string]any{"id": integer("the feed")}),
		"CalendarFeed": obj([]string{"id", "created_at"}, map[string]any{"id": integer("feed"),
			"staff_id": integer("a person's feed"), "unit_id": integer(sectionFeedDesc), "created_at": str("RFC 3339")}),
		"CalendarFeedInput": obj(nil, map[string]any{"section": boolean("your section's planned telework instead of your own days (section heads only: 403 schedule.section_feed_supervisor otherwise)")}),
		"CalendarFeedCreated": obj([]string{"id", "created_at", "token", "path"}, map[string]any{"id": integer("feed"),
			"staff_id": integer("a person's feed"), "unit_id": integer(sectionFeedDesc), "created_at": str("RFC 3339"),
			"token": str("the secret, shown this once"), "path": str("the feed's path with the token, to subscribe to")}),
	}
}

func (s *API) apiScheduleFeeds(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	fs, err := s.svc.Schedule.Feeds(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if fs == nil {
		fs = []schedule.Feed{}
	}
	writeJSON(w, http.StatusOK, page[schedule.Feed]{Items: fs, Total: len(fs)})
}

func (s *API) apiScheduleCreateFeed(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		Section bool `json:"section"`
	}
	if err := optionalJSON(r, &in); err != nil { // no body: the person's own feed
		s.apiFail(w, r, err)
		return
	}
	token, f, err := s.svc.Schedule.CreateFeed(r.Context(), p.TenantID, actorOf(p), p, in.Section)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		schedule.Feed
		Token string `json:"token"`
		Path  string `json:"path"`
	}{*f, token, "/api/v1/calendar-feeds/ics?token=" + token})
}

func (s *API) apiScheduleRevokeFeed(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	s.deliveryByID(w, r, func(id int64) error { return s.svc.Schedule.RevokeFeed(r.Context(), p.TenantID, actorOf(p), p, id) })
}

// apiScheduleICS serves a feed to a calendar program: the token alone
// authenticates (no session, no cookie).
func (s *API) apiScheduleICS(w http.ResponseWriter, r *http.Request) {
	body, err := s.svc.Schedule.FeedICS(r.Context(), r.URL.Query().Get("token"), "ja")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(body)
}

// deliveryByID decodes {"id": …}, runs fn on it and answers 204.
func (s *API) deliveryByID(w http.ResponseWriter, r *http.Request, fn func(id int64) error) {
	var in struct {
		ID int64 `json:"id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := fn(in.ID); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
