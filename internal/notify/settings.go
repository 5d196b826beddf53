package notify

import (
	"context"
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/secretkey"
)

// Delivery is the service behind the settings: each person's preferences,
// the IT administrator's SMTP and chat settings, and the dead letters.
type DeliveryService struct {
	st   DeliveryStore
	now  func() time.Time
	keys secretkey.Keys // the SMTP password at rest (nil: stored as typed)
	// webhookLoopback lets chat channels post to this machine (egress.go).
	webhookLoopback bool
}

// NewDeliveryService returns the service over st; now is the clock.
func NewDeliveryService(st DeliveryStore, now func() time.Time) *DeliveryService {
	return &DeliveryService{st: st, now: now}
}

// SetSecretKeys seals the SMTP password at rest with the server's keys
// (the SSO client secret's).
func (s *DeliveryService) SetSecretKeys(k secretkey.Keys) { s.keys = k }

// ReSealSMTPPasswords is the start-up step for the SMTP passwords of every
// tenant, as for the SSO client secrets (secretkey.Report.ReSeal): with a
// key, a password stored as typed or under an older key is sealed with the
// current key, in a transaction with its audit entry; without one,
// plaintext and sealed passwords are counted. Unopened counts the
// passwords no configured key opens: e-mail fails for those tenants.
func (s *DeliveryService) ReSealSMTPPasswords(ctx context.Context) (secretkey.Report, error) {
	var rep secretkey.Report
	rows, err := s.st.NotifyStoredSMTPPasswords(ctx)
	if err != nil {
		return rep, err
	}
	for _, r := range rows {
		next, replace, err := rep.ReSeal(s.keys, r.TenantID, r.Stored)
		if err != nil {
			return rep, err
		}
		if !replace {
			continue
		}
		err = s.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
			ok, err := tx.ReplaceNotifySMTPPassword(ctx, r.TenantID, r.Stored, next)
			if err != nil || !ok {
				return err // !ok: saved meanwhile; the newer save counts
			}
			return tx.Audit(ctx, r.TenantID, audit.Actor{Label: "system:secret-key"}, audit.Change{Action: "notify.smtp_password_sealed",
				ObjectType: "tenant", ObjectID: strconv.FormatInt(r.TenantID, 10), After: map[string]bool{"smtp_password_sealed": true}})
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// ErrSMTPPasswordKey is a stored SMTP password that this server's keys do
// not open (sealed with a key it does not have, or no key configured): no
// e-mail is sent with it.
var ErrSMTPPasswordKey = errors.New("smtp: the stored SMTP password is encrypted with a key this server does not have; " +
	"configure that key (TELEWORK_SECRET_KEY) or enter the SMTP password again in the notification settings")

// openSMTPPassword is the stored password as typed: opened with open (nil:
// no key), and never a sealed value.
func openSMTPPassword(open func(tenantID int64, stored string) (string, error), tenantID int64, stored string) (string, error) {
	if open != nil && stored != "" {
		plain, err := open(tenantID, stored)
		if err != nil {
			return "", ErrSMTPPasswordKey
		}
		stored = plain
	}
	if secretkey.IsSealed(stored) {
		return "", ErrSMTPPasswordKey
	}
	return stored, nil
}

// SetWebhookLoopback lets chat channels use loopback URLs (the operator's
// --webhook-allow-loopback: tests, a chat bridge on the same machine).
func (s *DeliveryService) SetWebhookLoopback(allow bool) { s.webhookLoopback = allow }

// Prefs is the signed-in person's preferences for every kind.
func (s *DeliveryService) Prefs(ctx context.Context, tenantID int64, who *auth.Principal) ([]Pref, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	stored, err := s.st.FindNotifyPrefs(ctx, tenantID, who.StaffID)
	if err != nil {
		return nil, err
	}
	return MergePrefs(stored), nil
}

// PrefChange changes a person's choice for one kind: a channel left nil
// keeps what it is now (stored, or the default).
type PrefChange struct {
	Kind  Kind  `json:"kind"`
	InApp *bool `json:"in_app"`
	Email *bool `json:"email"`
	Chat  *bool `json:"chat"`
}

// checkPrefs refuses unknown and repeated kinds, and the section's chat
// for a kind that may not go there (ChatAllowed), naming their index.
func checkPrefs(ps []Pref) error {
	var v apperr.Validation
	seen := map[Kind]bool{}
	for i, p := range ps {
		field, label := "prefs."+strconv.Itoa(i)+".kind", map[string]any{"LabelKey": "delivery.field_kind"}
		if _, ok := InfoOf(p.Kind); !ok {
			v.Add(field, "delivery.rule_one_of", label)
		} else if seen[p.Kind] {
			v.Add(field, "delivery.rule_repeated", map[string]any{"LabelKey": "delivery.field_kind", "Value": string(p.Kind)})
		} else if p.Chat && !ChatAllowed(p.Kind) {
			v.Add("prefs."+strconv.Itoa(i)+".chat", "delivery.rule_chat_not_shared",
				map[string]any{"LabelKey": "notify.kind." + string(p.Kind)})
		}
		seen[p.Kind] = true
	}
	return v.Err()
}

// UpdatePrefs changes the signed-in person's preferences: for each kind
// given, the channels given; every other channel and kind keeps what it
// is now (a partial change never resets the rest). Unknown kinds are
// refused.
func (s *DeliveryService) UpdatePrefs(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, cs []PrefChange) ([]Pref, error) {
	c, err := s.UpdateChoices(ctx, tenantID, actor, who, cs, nil)
	return c.Prefs, err
}

// UpdateChoices is UpdatePrefs with the choice to be told outside working
// time (afterHours; nil: unchanged): one change, one transaction. Given
// only afterHours, the kinds are left as they are.
func (s *DeliveryService) UpdateChoices(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, cs []PrefChange, afterHours *bool) (Choices, error) {
	if who == nil || who.StaffID == 0 {
		return Choices{}, apperr.Forbid()
	}
	if len(cs) == 0 && afterHours != nil {
		return s.SaveChoices(ctx, tenantID, actor, who, nil, afterHours)
	}
	check := make([]Pref, len(cs))
	for i, c := range cs {
		check[i] = Pref{Kind: c.Kind, Chat: c.Chat != nil && *c.Chat}
	}
	if err := checkPrefs(check); err != nil {
		return Choices{}, err
	}
	now, err := s.Prefs(ctx, tenantID, who)
	if err != nil {
		return Choices{}, err
	}
	by := map[Kind]Pref{}
	for _, p := range now {
		by[p.Kind] = p
	}
	ps := make([]Pref, 0, len(cs))
	for _, c := range cs {
		p := by[c.Kind]
		for _, f := range []struct {
			to   *bool
			from *bool
		}{{&p.InApp, c.InApp}, {&p.Email, c.Email}, {&p.Chat, c.Chat}} {
			if f.from != nil {
				*f.to = *f.from
			}
		}
		ps = append(ps, p)
	}
	return s.SaveChoices(ctx, tenantID, actor, who, ps, afterHours)
}

// SavePrefs sets the signed-in person's choices for the kinds in ps, each
// with all three channels (the settings page sends every box); kinds not
// given keep theirs. Unknown kinds are refused, and so is the section's
// chat for a kind that may not go there.
func (s *DeliveryService) SavePrefs(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, ps []Pref) ([]Pref, error) {
	if ps == nil {
		ps = []Pref{} // nil is SaveChoices' "kinds unchanged"; SavePrefs always saves
	}
	c, err := s.SaveChoices(ctx, tenantID, actor, who, ps, nil)
	return c.Prefs, err
}

// Choices are a person's notification choices: each kind's channels and
// whether to be told outside working time too (AfterHours: the policy's
// quiet hours then hold none of their mail; SPEC §1 "unless the person
// opts in").
type Choices struct {
	Prefs      []Pref
	AfterHours bool
}

// Choices reads the signed-in person's choices.
func (s *DeliveryService) Choices(ctx context.Context, tenantID int64, who *auth.Principal) (Choices, error) {
	ps, err := s.Prefs(ctx, tenantID, who)
	if err != nil {
		return Choices{}, err
	}
	after, err := s.st.NotifyAfterHours(ctx, tenantID, who.StaffID)
	return Choices{Prefs: ps, AfterHours: after}, err
}

// SaveChoices sets the signed-in person's choices in one transaction: the
// kinds in ps as SavePrefs does (nil: kinds unchanged), and the choice to
// be told outside working time (afterHours; nil: unchanged). Each change
// is audited: notify.prefs, and notify.after_hours when it changes. The
// choice is the person's alone: not answering after hours is no ground for
// anything (第5章 3.).
func (s *DeliveryService) SaveChoices(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, ps []Pref, afterHours *bool) (Choices, error) {
	if who == nil || who.StaffID == 0 {
		return Choices{}, apperr.Forbid()
	}
	if err := checkPrefs(ps); err != nil {
		return Choices{}, err
	}
	before, err := s.st.FindNotifyPrefs(ctx, tenantID, who.StaffID)
	if err != nil {
		return Choices{}, err
	}
	wasAfter, err := s.st.NotifyAfterHours(ctx, tenantID, who.StaffID)
	if err != nil {
		return Choices{}, err
	}
	keep := before
	if ps != nil {
		seen := map[Kind]bool{}
		keep = nil
		for _, p := range ps {
			seen[p.Kind] = true
			if p != DefaultPref(p.Kind) {
				keep = append(keep, p)
			}
		}
		// Kinds not in ps keep what was stored.
		for _, p := range before {
			if !seen[p.Kind] {
				keep = append(keep, p)
			}
		}
	}
	out := Choices{Prefs: MergePrefs(keep), AfterHours: wasAfter}
	if afterHours != nil {
		out.AfterHours = *afterHours
	}
	object := strconv.FormatInt(who.StaffID, 10)
	err = s.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		if ps != nil {
			if err := tx.SaveNotifyPrefs(ctx, tenantID, who.StaffID, keep); err != nil {
				return err
			}
			if err := tx.Audit(ctx, tenantID, actor, audit.Change{Action: "notify.prefs", ObjectType: "staff",
				ObjectID: object, Before: before, After: keep}); err != nil {
				return err
			}
		}
		if out.AfterHours == wasAfter {
			return nil
		}
		if err := tx.SaveNotifyAfterHours(ctx, tenantID, who.StaffID, out.AfterHours); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "notify.after_hours", ObjectType: "staff",
			ObjectID: object, Before: map[string]bool{"after_hours": wasAfter}, After: map[string]bool{"after_hours": out.AfterHours}})
	})
	if err != nil {
		return Choices{}, err
	}
	return out, nil
}

func itAdmin(who *auth.Principal) error {
	if !who.Has(auth.ITAdmin) {
		return apperr.Forbid()
	}
	return nil
}

// Settings returns the tenant's outbound settings and section channels
// (IT admin).
func (s *DeliveryService) Settings(ctx context.Context, tenantID int64, who *auth.Principal) (Settings, []ChatChannel, error) {
	if err := itAdmin(who); err != nil {
		return Settings{}, nil, err
	}
	set, err := s.st.NotifySettings(ctx, tenantID)
	if err != nil {
		return set, nil, err
	}
	if set.PasswordSet {
		stored, err := s.st.NotifySMTPPassword(ctx, tenantID)
		if err != nil {
			return set, nil, err
		}
		var open func(int64, string) (string, error)
		if s.keys != nil {
			open = s.keys.Open
		}
		_, err = openSMTPPassword(open, tenantID, stored)
		set.PasswordLocked = errors.Is(err, ErrSMTPPasswordKey)
	}
	chs, err := s.st.NotifyChannels(ctx, tenantID)
	return set, chs, err
}

// ValidateSettings checks the SMTP settings.
func ValidateSettings(set Settings) error {
	var v apperr.Validation
	if set.SMTPHost != "" || set.MailFrom != "" {
		if set.SMTPHost == "" {
			v.Add("smtp_host", "delivery.rule_required", map[string]any{"LabelKey": "delivery.field_smtp_host"})
		} else if ip, err := netip.ParseAddr(strings.Trim(set.SMTPHost, "[]")); err == nil && CheckMailAddr(ip) != nil {
			v.Add("smtp_host", "delivery.rule_mail_host", map[string]any{"LabelKey": "delivery.field_smtp_host"})
		}
		if a, err := mail.ParseAddress(set.MailFrom); err != nil || a.Address != set.MailFrom {
			v.Add("mail_from", "delivery.rule_address", map[string]any{"LabelKey": "delivery.field_mail_from"})
		}
	}
	if set.SMTPPort < 1 || set.SMTPPort > 65535 {
		v.Add("smtp_port", "delivery.rule_port", map[string]any{"LabelKey": "delivery.field_smtp_port"})
	}
	if !oneOf(set.SMTPTLS, TLSModes) {
		v.Add("smtp_tls", "delivery.rule_one_of", map[string]any{"LabelKey": "delivery.field_smtp_tls"})
	}
	if !oneOf(set.Charset, Charsets) {
		v.Add("charset", "delivery.rule_one_of", map[string]any{"LabelKey": "delivery.field_charset"})
	}
	return v.Err()
}

// settingsView is the audit view: the password only as set or not.
type settingsView struct {
	Settings
	PasswordChanged bool `json:"smtp_password_changed,omitempty"`
}

// DefaultCharset is the mail's charset when the settings name none.
const DefaultCharset = "utf-8"

// SaveSettings saves the tenant's SMTP settings; password nil keeps the
// stored one, "" clears it. The password is sealed and never shown again.
// A charset left out is DefaultCharset (docs/notifications.md); an
// unknown one is refused.
func (s *DeliveryService) SaveSettings(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, set Settings, password *string) (Settings, error) {
	if err := itAdmin(who); err != nil {
		return Settings{}, err
	}
	if set.Charset == "" {
		set.Charset = DefaultCharset
	}
	if err := ValidateSettings(set); err != nil {
		return Settings{}, err
	}
	if password != nil && *password != "" && s.keys != nil {
		sealed, err := s.keys.Seal(tenantID, *password)
		if err != nil {
			return Settings{}, err
		}
		password = &sealed
	}
	before, err := s.st.NotifySettings(ctx, tenantID)
	if err != nil {
		return Settings{}, err
	}
	// A user name without a password (none given, none stored, or the
	// stored one cleared) can never authenticate.
	if set.SMTPUser != "" && ((password == nil && !before.PasswordSet) || (password != nil && *password == "")) {
		var v apperr.Validation
		v.Add("smtp_password", "delivery.rule_password_needed", map[string]any{"LabelKey": "delivery.field_smtp_password"})
		return Settings{}, v.Err()
	}
	if set.Version != 0 && set.Version != before.Version {
		return Settings{}, apperr.ConflictStale()
	}
	err = s.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		if err := tx.SaveNotifySettings(ctx, tenantID, set, password, s.now()); err != nil {
			return err
		}
		after := set
		after.PasswordSet = before.PasswordSet
		if password != nil {
			after.PasswordSet = *password != ""
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "notify.settings", ObjectType: "tenant",
			ObjectID: strconv.FormatInt(tenantID, 10), Before: settingsView{Settings: before},
			After: settingsView{Settings: after, PasswordChanged: password != nil}})
	})
	if err != nil {
		return Settings{}, err
	}
	return s.st.NotifySettings(ctx, tenantID)
}

// SaveChannel sets (url non-empty) or removes a section's chat channel.
// The unit must be the tenant's: the composite key refuses another's.
func (s *DeliveryService) SaveChannel(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, c ChatChannel) error {
	if err := itAdmin(who); err != nil {
		return err
	}
	var v apperr.Validation
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("url", "delivery.rule_url", map[string]any{"LabelKey": "delivery.field_url"})
		} else if CheckWebhookHost(u.Hostname(), s.webhookLoopback) != nil {
			v.Add("url", "delivery.rule_url_address", map[string]any{"LabelKey": "delivery.field_url"})
		}
	}
	if c.Format == "" {
		c.Format = "json"
	}
	if !oneOf(c.Format, ChatFormats) {
		v.Add("format", "delivery.rule_one_of", map[string]any{"LabelKey": "delivery.field_format"})
	}
	if c.UnitID <= 0 {
		v.Add("unit_id", "delivery.rule_required", map[string]any{"LabelKey": "delivery.field_unit"})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		prev, had, err := tx.FindNotifyChannel(ctx, tenantID, c.UnitID)
		if err != nil {
			return err
		}
		action := "notify.channel_set"
		if c.URL == "" {
			action = "notify.channel_delete"
			err = tx.DeleteNotifyChannel(ctx, tenantID, c.UnitID)
		} else {
			err = tx.SaveNotifyChannel(ctx, tenantID, c, s.now())
		}
		if err != nil {
			return err
		}
		// What the channel was and is: an auditor sees which destination
		// was replaced or removed (a review found no before).
		change := audit.Change{Action: action, ObjectType: "unit", ObjectID: strconv.FormatInt(c.UnitID, 10)}
		if had {
			change.Before = channelView(prev)
		}
		if c.URL != "" {
			change.After = channelView(c)
		}
		return tx.Audit(ctx, tenantID, actor, change)
	})
}

// channelView is what the audit log shows of a chat channel. The URL is a
// credential of the channel (an incoming webhook's secret path): the log
// keeps its host only.
func channelView(c ChatChannel) map[string]string {
	host := ""
	if u, err := url.Parse(c.URL); err == nil {
		host = u.Host
	}
	return map[string]string{"host": host, "format": c.Format}
}

// DeadLetters lists the tenant's dead letters (IT admin).
func (s *DeliveryService) DeadLetters(ctx context.Context, tenantID int64, who *auth.Principal) ([]Delivery, error) {
	if err := itAdmin(who); err != nil {
		return nil, err
	}
	return s.st.DeadDeliveries(ctx, tenantID, MaxList)
}

// Retry makes a dead letter pending again, due now (IT admin).
func (s *DeliveryService) Retry(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, id int64) error {
	if err := itAdmin(who); err != nil {
		return err
	}
	return s.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		ok, err := tx.RetryDeadDelivery(ctx, tenantID, id, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.NotFoundErr("delivery")
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "notify.retry", ObjectType: "delivery",
			ObjectID: strconv.FormatInt(id, 10)})
	})
}
