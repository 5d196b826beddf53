package notify

import (
	"context"
	"errors"
	"slices"
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

// MailSender opens SMTP sessions with a tenant's settings.
type MailSender interface {
	OpenMail(ctx context.Context, s Settings, password string) (MailSession, error)
}

// MailSession is one connection to the mail server, authenticated; it
// sends one message at a time, so that each can be recorded the moment
// the server has accepted it.
type MailSession interface {
	Send(ctx context.Context, m Mail) error
	Close() error
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
	// OpenSecret opens the stored SMTP password (nil: no key; a sealed
	// password then fails every e-mail with ErrSMTPPasswordKey).
	OpenSecret func(tenantID int64, stored string) (string, error)
	// Lease is how long a claimed batch belongs to this node without a
	// renewal; the node renews it every Lease/4 while it sends, and stops
	// sending when it can no longer renew (default 1 min). After a crash
	// another node takes the batch over once Lease has passed.
	Lease time.Duration
	// Batch is how many deliveries one claim takes (default 100).
	Batch int
	// Lang is the language of e-mail and chat texts (default ja).
	Lang string
	// Finished, when set, is told each delivery's outcome once it is
	// recorded (metrics and the operator's log; the delivery holds no
	// more than its id, channel and attempts there).
	Finished func(tenantID int64, d Delivery, o Outcome)
}

// NewDeliverer returns a deliverer over st for node owner.
func NewDeliverer(st DeliveryStore, now func() time.Time, owner string, m MailSender, c ChatSender) *Deliverer {
	return &Deliverer{st: st, now: now, Owner: owner, Mail: m, Chat: c, Lease: time.Minute, Batch: 100, Lang: "ja"}
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
	pl, err := d.planner(ctx, tenantID, staff)
	if err != nil {
		return 0, err
	}
	w, err := d.window(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	var ids []int64
	var ds []Delivery
	for _, n := range ns {
		ids = append(ids, n.ID)
		ds = append(ds, pl.plan(n, w)...)
	}
	now := d.now()
	err = d.st.InDeliveryTx(ctx, func(tx DeliveryTx) error {
		return tx.PlanNotificationDeliveries(ctx, tenantID, ids, ds, now)
	})
	return len(ids), err
}

// window is the tenant's working window (none without d.Window).
func (d *Deliverer) window(ctx context.Context, tenantID int64) (Window, error) {
	if d.Window == nil {
		return Window{}, nil
	}
	return d.Window(ctx, tenantID)
}

// ErrLeaseLost says a node stopped a batch because its lease could no
// longer be known to hold (a slow database, a paused process): the rest of
// the batch is left to the next claim, by any node. A normal hand-over,
// not a failure.
var ErrLeaseLost = errors.New("notify: delivery lease lost; the rest of the batch is left to the next claim")

// SendOnce leases one batch of due deliveries of the tenant, sends them
// one at a time and records each outcome right after it is known; it
// returns how many were sent.
//
// Exactly once, as far as a sender can: one message is in flight at a
// time, and it is recorded as sent in its own statement as soon as the
// receiver has accepted it (SMTP 250, HTTP 2xx). The lease is renewed
// while the batch is worked on; the node sends the next message only
// while its lease is known to hold for at least half a lease more, and
// stops at the first outcome it cannot record. So a node that dies
// (SIGKILL, power loss) leaves at most the one message it was sending
// accepted but unrecorded; another node sends that one again after the
// lease ends, with the same Message-ID / Idempotency-Key.
func (d *Deliverer) SendOnce(ctx context.Context, tenantID int64) (int, error) {
	now := d.now()
	ds, err := d.st.ClaimDeliveries(ctx, tenantID, d.Owner, now, now.Add(d.Lease), max(d.Batch, 1))
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	// The message being sent is sent and recorded even when ctx ends (a
	// graceful stop): cancelling a send the receiver may already have
	// accepted would leave it unrecorded and sent again by another node.
	// The next one is not started; the rest are given back.
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	// Retries of non-urgent kinds wait for the working window (OutcomeOf).
	w, err := d.window(bctx, tenantID)
	if err != nil {
		return 0, errors.Join(err, d.st.ReleaseDeliveries(bctx, tenantID, d.Owner, idsOf(ds)))
	}
	// The window is read again now, not trusted from planning: a closure
	// day added, or quiet hours switched on, after a message was held
	// until "the next working morning" holds it further.
	if ds, err = d.holdOutside(bctx, tenantID, ds, w, now); err != nil || len(ds) == 0 {
		return 0, err
	}
	if ds, err = d.stillWanted(bctx, tenantID, ds, w); err != nil || len(ds) == 0 {
		return 0, err
	}
	lease := d.keepLease(bctx, tenantID, ds, now)
	defer lease.stop()

	var chats map[string]ChatChannel
	var mail *mailConn
	defer func() {
		if mail != nil {
			mail.close()
		}
	}()
	// A receiver that failed (a chat's webhook, the SMTP server that
	// could not be reached) is not tried again in this batch: its other
	// deliveries wait, uncounted, until the failed one's retry. One slow
	// webhook held every e-mail and every tenant on the node for its
	// timeout once per message (a review).
	down := map[string]time.Time{}
	var waiting []Delivery
	defer func() {
		for until, ids := range laneWaits(waiting, down) {
			_ = d.st.HoldDeliveries(bctx, tenantID, d.Owner, ids, until)
		}
	}()
	sent := 0
	for i, dl := range ds {
		if _, ok := down[lane(dl)]; ok {
			waiting = append(waiting, dl)
			lease.done(dl.ID)
			continue
		}
		if ctx.Err() != nil {
			return sent, errors.Join(ctx.Err(), d.st.ReleaseDeliveries(bctx, tenantID, d.Owner, idsOf(ds[i:])))
		}
		if !lease.holds(d.now()) {
			// The rest stay leased until the lease ends; then any node
			// (this one included) claims them again.
			return sent, errors.Join(ctx.Err(), ErrLeaseLost)
		}
		var sendErr error
		switch dl.Channel {
		case Email:
			if mail == nil {
				mail = d.openMail(bctx, tenantID)
			}
			text := dl.Notification.Message(d.Lang)
			sendErr = mail.send(bctx, Mail{ID: dl.MessageID(), To: dl.Target,
				Subject: i18n.T(d.Lang, "delivery.mail_subject", map[string]any{"Message": text}),
				Body:    i18n.T(d.Lang, "delivery.mail_body", map[string]any{"Message": text})})
		case Chat:
			if chats == nil {
				chs, err := d.st.NotifyChannels(bctx, tenantID)
				if err != nil {
					return sent, err
				}
				chats = map[string]ChatChannel{}
				for _, c := range chs {
					chats[strconv.FormatInt(c.UnitID, 10)] = c
				}
			}
			if ch, ok := chats[dl.Target]; ok {
				sendErr = d.Chat.SendChat(bctx, ChatMessage{ID: dl.MessageID(), Kind: dl.Notification.Kind,
					Text: dl.Notification.Message(d.Lang), CreatedAt: dl.Notification.CreatedAt, Channel: ch})
			} else {
				sendErr = errors.New("no chat channel for the section")
			}
		default:
			sendErr = errors.New("unknown channel " + string(dl.Channel))
		}
		f := Finished{ID: dl.ID, Outcome: OutcomeOf(dl, sendErr, d.now(), w)}
		if sendErr != nil && (dl.Channel == Chat || (mail != nil && mail.unreachable)) {
			until := f.NextAt
			if until.IsZero() { // a dead letter: the others wait one backoff
				until = d.now().Add(Backoff(1))
			}
			down[lane(dl)] = until
		}
		ok, err := d.st.FinishDelivery(bctx, tenantID, d.Owner, f)
		if err != nil {
			return sent, err
		}
		if !ok {
			return sent, errors.Join(ctx.Err(), errors.New("notify: delivery lease taken over; the rest of the batch is left to its new owner"))
		}
		lease.done(dl.ID)
		if d.Finished != nil {
			d.Finished(tenantID, dl, f.Outcome)
		}
		if f.Sent {
			sent++
		}
	}
	return sent, ctx.Err()
}

// holdOutside gives back, to be claimed at the next working time, the
// claimed deliveries that were waiting for working time (held at planning
// or retried: due later than their notification was made) when now is
// outside it; it returns the others. One due at once when it was planned
// (an urgent kind, or a person told outside working time too) is not
// held here.
func (d *Deliverer) holdOutside(ctx context.Context, tenantID int64, ds []Delivery, w Window, now time.Time) ([]Delivery, error) {
	var due []Delivery
	var held []int64
	until := HoldUntil(now, w, false)
	for _, dl := range ds {
		waited := dl.NextAt.Sub(dl.Notification.CreatedAt) > time.Second
		if ki, _ := InfoOf(dl.Notification.Kind); !ki.Urgent && waited && until.After(now) {
			held = append(held, dl.ID)
			continue
		}
		due = append(due, dl)
	}
	if len(held) == 0 {
		return due, nil
	}
	if err := d.st.HoldDeliveries(ctx, tenantID, d.Owner, held, until); err != nil {
		return nil, errors.Join(err, d.st.ReleaseDeliveries(ctx, tenantID, d.Owner, idsOf(due)))
	}
	return due, nil
}

func idsOf(ds []Delivery) []int64 {
	ids := make([]int64, 0, len(ds))
	for _, dl := range ds {
		ids = append(ids, dl.ID)
	}
	return ids
}

// lease keeps a claimed batch leased to this node while it is worked on.
type lease struct {
	mu    sync.Mutex
	open  map[int64]bool // claimed, not yet recorded
	until time.Time      // the lease holds at least until then
	lost  bool
	half  time.Duration
	quit  chan struct{}
	wg    sync.WaitGroup
}

// keepLease renews the lease on the batch's unrecorded deliveries every
// Lease/4 until stop.
func (d *Deliverer) keepLease(ctx context.Context, tenantID int64, ds []Delivery, claimed time.Time) *lease {
	l := &lease{open: map[int64]bool{}, until: claimed.Add(d.Lease), half: d.Lease / 2, quit: make(chan struct{})}
	for _, dl := range ds {
		l.open[dl.ID] = true
	}
	l.wg.Go(func() {
		t := time.NewTicker(max(d.Lease/4, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-l.quit:
				return
			case <-t.C:
			}
			l.mu.Lock()
			ids := make([]int64, 0, len(l.open))
			for id := range l.open {
				ids = append(ids, id)
			}
			l.mu.Unlock()
			if len(ids) == 0 {
				continue
			}
			at := d.now()
			n, err := d.st.RenewDeliveries(ctx, tenantID, d.Owner, ids, at.Add(d.Lease))
			l.mu.Lock()
			switch {
			case err != nil:
				// Not renewed: the lease still holds until l.until; holds
				// stops the batch when too little of it is left.
			case n < len(ids) && n < l.stillOpen(ids):
				l.lost = true // another node has taken some over
			default:
				l.until = at.Add(d.Lease)
			}
			l.mu.Unlock()
		}
	})
	return l
}

// stillOpen counts the ids not recorded meanwhile (l.mu held).
func (l *lease) stillOpen(ids []int64) int {
	n := 0
	for _, id := range ids {
		if l.open[id] {
			n++
		}
	}
	return n
}

// holds reports whether the next message may be sent at now: the lease is
// ours for at least half a lease more.
func (l *lease) holds(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.lost && now.Add(l.half).Before(l.until)
}

func (l *lease) done(id int64) {
	l.mu.Lock()
	delete(l.open, id)
	l.mu.Unlock()
}

func (l *lease) stop() {
	close(l.quit)
	l.wg.Wait()
}

// mailConn is the batch's SMTP session, opened at its first e-mail and
// again after a failed send (the server may have dropped the connection).
type mailConn struct {
	d        *Deliverer
	tenantID int64
	set      Settings
	password string
	err      error // settings could not be read: every e-mail fails with it
	s        MailSession
	// unreachable: the server could not be reached or refused the session;
	// the batch's other e-mails wait for the retry (not one address's fault).
	unreachable bool
}

func (d *Deliverer) openMail(ctx context.Context, tenantID int64) *mailConn {
	m := &mailConn{d: d, tenantID: tenantID}
	m.set, m.err = d.st.NotifySettings(ctx, tenantID)
	if m.err == nil && !m.set.MailOn() {
		m.err = errors.New("e-mail is not configured")
	}
	if m.err == nil {
		m.password, m.err = d.st.NotifySMTPPassword(ctx, tenantID)
	}
	if m.err == nil {
		// Never a sealed value as the password: a clear failure instead.
		m.password, m.err = openSMTPPassword(d.OpenSecret, tenantID, m.password)
	}
	return m
}

func (m *mailConn) send(ctx context.Context, mail Mail) error {
	if m.err != nil {
		return m.err
	}
	if m.s == nil {
		s, err := m.d.Mail.OpenMail(ctx, m.set, m.password)
		if err != nil {
			m.unreachable = true
			return err
		}
		m.s = s
	}
	err := m.s.Send(ctx, mail)
	if err != nil {
		m.close()
	}
	return err
}

func (m *mailConn) close() {
	if m.s != nil {
		_ = m.s.Close()
		m.s = nil
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

// stillWanted plans each claimed delivery again as of now — the person's
// choices, address and section, e-mail switched on, the section's channel —
// because a message held by the quiet hours or waiting for a retry may wait
// days: a review found one mailed to the address HR had since corrected and
// posted to the chat after the person switched both off. E-mail goes to
// the address of now; a delivery no longer planned (or a chat of another
// section) is closed as cancelled, with the reason, and not sent. The
// deliveries to send are returned.
func (d *Deliverer) stillWanted(ctx context.Context, tenantID int64, ds []Delivery, w Window) ([]Delivery, error) {
	var staff []int64
	for _, dl := range ds {
		staff = append(staff, dl.Notification.StaffID)
	}
	pl, err := d.planner(ctx, tenantID, staff)
	if err != nil {
		return nil, errors.Join(err, d.st.ReleaseDeliveries(ctx, tenantID, d.Owner, idsOf(ds)))
	}
	var keep []Delivery
	for _, dl := range ds {
		want := pl.plan(dl.Notification, w)
		i := slices.IndexFunc(want, func(x Delivery) bool { return x.Channel == dl.Channel })
		if i >= 0 && (dl.Channel == Email || want[i].Target == dl.Target) {
			dl.Target = want[i].Target // the address of now
			keep = append(keep, dl)
			continue
		}
		f := Finished{ID: dl.ID, Outcome: Outcome{Cancelled: true, At: d.now(),
			Error: "no longer wanted: the person's choices, address or section, or the tenant's e-mail, changed since it was planned"}}
		if _, err := d.st.FinishDelivery(ctx, tenantID, d.Owner, f); err != nil {
			return nil, err
		}
	}
	return keep, nil
}

// planner is what planning reads for some people, once: who they are now
// (address, section, after-hours choice), their choices per kind, whether
// the tenant sends e-mail and which sections have a chat channel.
type planner struct {
	recips   map[int64]Recipient
	prefs    map[int64][]Pref
	mailOn   bool
	channels map[int64]bool
}

func (d *Deliverer) planner(ctx context.Context, tenantID int64, staff []int64) (*planner, error) {
	pl := &planner{channels: map[int64]bool{}}
	var err error
	if pl.recips, err = d.st.NotifyRecipients(ctx, tenantID, staff); err != nil {
		return nil, err
	}
	if pl.prefs, err = d.st.NotifyPrefsOf(ctx, tenantID, staff); err != nil {
		return nil, err
	}
	set, err := d.st.NotifySettings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	pl.mailOn = set.MailOn()
	chs, err := d.st.NotifyChannels(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, c := range chs {
		pl.channels[c.UnitID] = true
	}
	return pl, nil
}

// plan is Plan for notification n with what the planner read.
func (pl *planner) plan(n Notification, w Window) []Delivery {
	var p *Pref
	if i := slices.IndexFunc(pl.prefs[n.StaffID], func(q Pref) bool { return q.Kind == n.Kind }); i >= 0 {
		p = &pl.prefs[n.StaffID][i]
	}
	return Plan(n, pl.recips[n.StaffID], p, pl.channels, pl.mailOn, w)
}

// lane is the receiver a delivery goes through: the tenant's SMTP server,
// or one section's chat webhook.
func lane(dl Delivery) string {
	if dl.Channel == Chat {
		return "chat:" + dl.Target
	}
	return string(dl.Channel)
}

// laneWaits groups the deliveries left waiting behind a failed receiver by
// the time they wait until (that receiver's retry).
func laneWaits(waiting []Delivery, down map[string]time.Time) map[time.Time][]int64 {
	out := map[time.Time][]int64{}
	for _, dl := range waiting {
		until := down[lane(dl)]
		out[until] = append(out[until], dl.ID)
	}
	return out
}
