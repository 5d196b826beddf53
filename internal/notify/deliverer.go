package notify

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"telework/internal/i18n"
)

// Mail is one e-mail to send.
type Mail struct {
	ID      string // stable Message-ID (without brackets)
	To      string
	Subject string
	Body    string
}

// MailSender sends a batch of e-mail over one connection with the tenant's
// settings; errs[i] is the outcome of ms[i].
type MailSender interface {
	SendMail(ctx context.Context, s Settings, password string, ms []Mail) (errs []error)
}

// ChatMessage is one post to a section channel.
type ChatMessage struct {
	ID        string
	Kind      Kind
	Text      string
	CreatedAt time.Time
	Channel   ChatChannel
}

// ChatSender posts to an incoming webhook.
type ChatSender interface {
	SendChat(ctx context.Context, m ChatMessage) error
}

// Deliverer plans and sends deliveries; run one per app node.
type Deliverer struct {
	st  DeliveryStore
	now func() time.Time
	// Owner names this node in leases.
	Owner string
	Mail  MailSender
	Chat  ChatSender
	// Window is the tenant's working window (nil: no quiet hours).
	Window func(ctx context.Context, tenantID int64) (Window, error)
	// OpenSecret opens the stored SMTP password (nil: stored as typed).
	OpenSecret func(tenantID int64, stored string) (string, error)
	// Lease is how long a claimed batch belongs to this node; it must be
	// longer than a batch takes to send (default 2 min).
	Lease time.Duration
	// Batch is how many deliveries one claim takes (default 100).
	Batch int
	// Lang is the language of e-mail and chat texts (default ja).
	Lang string
}

// NewDeliverer returns a deliverer over st for node owner.
func NewDeliverer(st DeliveryStore, now func() time.Time, owner string, m MailSender, c ChatSender) *Deliverer {
	return &Deliverer{st: st, now: now, Owner: owner, Mail: m, Chat: c, Lease: 2 * time.Minute, Batch: 100, Lang: "ja"}
}

// PlanOnce turns up to Batch unplanned outbox rows of the tenant into
// deliveries and returns how many rows it planned. Two nodes planning the
// same row insert its deliveries once (they are unique per channel).
func (d *Deliverer) PlanOnce(ctx context.Context, tenantID int64) (int, error) {
	ns, err := d.st.UnplannedNotifications(ctx, tenantID, max(d.Batch, 1)*4)
	if err != nil || len(ns) == 0 {
		return 0, err
	}
	var staff []int64
	for _, n := range ns {
		staff = append(staff, n.StaffID)
	}
	recips, err := d.st.NotifyRecipients(ctx, tenantID, staff)
	if err != nil {
		return 0, err
	}
	prefs, err := d.st.NotifyPrefsOf(ctx, tenantID, staff)
	if err != nil {
		return 0, err
	}
	set, err := d.st.NotifySettings(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	chs, err := d.st.NotifyChannels(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	channels := map[int64]bool{}
	for _, c := range chs {
		channels[c.UnitID] = true
	}
	var w Window
	if d.Window != nil {
		if w, err = d.Window(ctx, tenantID); err != nil {
			return 0, err
		}
	}
	var ids []int64
	var ds []Delivery
	for _, n := range ns {
		ids = append(ids, n.ID)
		var p *Pref
		for _, q := range prefs[n.StaffID] {
			if q.Kind == n.Kind {
				p = &q
				break
			}
		}
		ds = append(ds, Plan(n, recips[n.StaffID], p, channels, set.MailOn(), w)...)
	}
	now := d.now()
	err = d.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		return tx.PlanNotificationDeliveries(ctx, tenantID, ids, ds, now)
	})
	return len(ids), err
}

// SendOnce leases one batch of due deliveries of the tenant, sends them
// and records each outcome; it returns how many were sent.
func (d *Deliverer) SendOnce(ctx context.Context, tenantID int64) (int, error) {
	now := d.now()
	ds, err := d.st.ClaimDeliveries(ctx, tenantID, d.Owner, now, now.Add(d.Lease), max(d.Batch, 1))
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	// A claimed batch is sent to the end even when ctx ends (a graceful
	// stop): cancelling a send the receiver may already have accepted would
	// leave it unrecorded and sent again by another node.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.Lease)
	defer cancel()
	errs := make([]error, len(ds))
	var mails []Mail
	var mailIdx []int
	chats := map[string]ChatChannel{}
	for i, dl := range ds {
		text := dl.Notification.Message(d.Lang)
		switch dl.Channel {
		case Email:
			mails = append(mails, Mail{ID: dl.MessageID(), To: dl.Target,
				Subject: i18n.T(d.Lang, "delivery.mail_subject", map[string]any{"Message": text}),
				Body:    i18n.T(d.Lang, "delivery.mail_body", map[string]any{"Message": text})})
			mailIdx = append(mailIdx, i)
		case Chat:
			if len(chats) == 0 {
				chs, err := d.st.NotifyChannels(ctx, tenantID)
				if err != nil {
					return 0, err
				}
				for _, c := range chs {
					chats[strconv.FormatInt(c.UnitID, 10)] = c
				}
				chats[""] = ChatChannel{}
			}
		}
	}
	if len(mails) > 0 {
		d.sendMails(sctx, tenantID, mails, mailIdx, errs)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, dl := range ds {
		if dl.Channel != Chat {
			continue
		}
		ch, ok := chats[dl.Target]
		if !ok {
			errs[i] = errors.New("no chat channel for the section")
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = d.Chat.SendChat(sctx, ChatMessage{ID: dl.MessageID(), Kind: dl.Notification.Kind,
				Text: dl.Notification.Message(d.Lang), CreatedAt: dl.Notification.CreatedAt, Channel: ch})
		}()
	}
	wg.Wait()
	// The outcomes are recorded even when ctx has ended meanwhile.
	fctx, cancelF := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancelF()
	var fs []Finished
	for i, dl := range ds {
		fs = append(fs, Finished{ID: dl.ID, Outcome: OutcomeOf(dl, errs[i], d.now())})
	}
	sent, err := d.st.FinishDeliveries(fctx, tenantID, d.Owner, fs)
	if err != nil {
		return sent, err
	}
	return sent, ctx.Err()
}

func (d *Deliverer) sendMails(ctx context.Context, tenantID int64, mails []Mail, idx []int, errs []error) {
	fail := func(err error) {
		for _, i := range idx {
			errs[i] = err
		}
	}
	set, err := d.st.NotifySettings(ctx, tenantID)
	if err != nil {
		fail(err)
		return
	}
	if !set.MailOn() {
		fail(errors.New("e-mail is not configured"))
		return
	}
	pw, err := d.st.NotifySMTPPassword(ctx, tenantID)
	if err == nil && d.OpenSecret != nil && pw != "" {
		pw, err = d.OpenSecret(tenantID, pw)
	}
	if err != nil {
		fail(err)
		return
	}
	for j, e := range d.Mail.SendMail(ctx, set, pw, mails) {
		errs[idx[j]] = e
	}
}

// RunOnce plans and sends until nothing is due in the tenant or ctx ends;
// it returns how many deliveries this node sent.
func (d *Deliverer) RunOnce(ctx context.Context, tenantID int64) (int, error) {
	for {
		n, err := d.PlanOnce(ctx, tenantID)
		if err != nil {
			return 0, err
		}
		if n == 0 {
			break
		}
	}
	total := 0
	for {
		n, err := d.SendOnce(ctx, tenantID)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
