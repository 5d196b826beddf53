// Package send delivers notifications outside the app: e-mail over SMTP
// (github.com/wneessen/go-mail) in UTF-8 or ISO-2022-JP, and chat posts to
// incoming webhooks as generic JSON or Slack-compatible JSON. It knows
// nothing of the outbox; internal/notify's Deliverer calls it.
package send

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"telework/internal/egress"
	"telework/internal/notify"
)

// SMTP sends e-mail with a tenant's settings.
type SMTP struct {
	// TLSConfig, when set, replaces the default (tests trust their own
	// certificate with it).
	TLSConfig *tls.Config
	// Domain is the right-hand side of Message-IDs (default telework.invalid).
	Domain  string
	Timeout time.Duration
	// Log receives the warning of a message sent as UTF-8 although the
	// tenant chose ISO-2022-JP (default slog.Default()).
	Log *slog.Logger
	// Lookup resolves the mail server's name for implicit TLS (the system
	// resolver when nil; tests give their own).
	Lookup egress.Lookup
}

var _ notify.MailSender = (*SMTP)(nil)

// SubjectISO2022JP is s as folded =?ISO-2022-JP?B?…?= words of at most
// 15 characters each, every word a complete ISO-2022-JP run.
func SubjectISO2022JP(s string) (string, error) {
	t, err := mappedJIS(s)
	if err != nil {
		return "", err
	}
	return subjectWords(t)
}

// subjectWords folds a subject ToJIS has already mapped (so that a
// half-width ｶﾞ, one character once mapped, is never split between words).
func subjectWords(t string) (string, error) {
	var words []string
	rs := []rune(t)
	for start := 0; start < len(rs); start += 15 {
		enc, err := jisBytes(string(rs[start:min(start+15, len(rs))]))
		if err != nil {
			return "", err
		}
		words = append(words, "=?ISO-2022-JP?B?"+base64.StdEncoding.EncodeToString([]byte(enc))+"?=")
	}
	return strings.Join(words, "\r\n "), nil
}

// Message is one e-mail as the bytes sent after DATA; exposed for the
// byte tests.
func (s *SMTP) Message(set notify.Settings, m notify.Mail) ([]byte, error) {
	_, raw, err := s.build(set, m)
	return raw, err
}

// build makes the e-mail and its bytes. With the tenant's ISO-2022-JP
// option the subject and body go as RFC 1468 ISO-2022-JP, 7bit, when every
// character fits (iso2022jp.go); when one does not, that message goes as
// UTF-8 (base64), with a warning in the log that names the delivery and
// the number of characters, never the text. A delivery never fails for its
// characters.
func (s *SMTP) build(set notify.Settings, m notify.Mail) (*mail.Msg, []byte, error) {
	domain := s.Domain
	if domain == "" {
		domain = "telework.invalid"
	}
	subject, body := m.Subject, m.Body
	iso := strings.EqualFold(set.Charset, "iso-2022-jp")
	if iso {
		subj, n1 := ToJIS(m.Subject)
		text, n2 := ToJIS(m.Body)
		if n := n1 + n2; n > 0 {
			s.log().Warn("e-mail sent as UTF-8: characters outside ISO-2022-JP (JIS X 0208)",
				"delivery", m.ID, "characters", n)
			iso = false
		} else {
			subject, body = subj, text
		}
	}
	var msg *mail.Msg
	if iso {
		// ISO-2022-JP is 7-bit (RFC 1468): the body goes as the encoder's
		// bytes, unencoded (labelled 7bit below); the subject as B-encoded
		// words, each a self-contained ISO-2022-JP run (ending in ESC ( B).
		msg = mail.NewMsg(mail.WithCharset(mail.CharsetISO2022JP), mail.WithEncoding(mail.NoEncoding))
		// Both are mapped already (ToJIS above) and fit.
		var err error
		if subject, err = subjectWords(subject); err != nil {
			return nil, nil, err
		}
		if body, err = jisBytes(body); err != nil {
			return nil, nil, err
		}
	} else {
		msg = mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingB64))
	}
	if err := msg.From(set.MailFrom); err != nil {
		return nil, nil, err
	}
	if err := msg.To(m.To); err != nil {
		return nil, nil, err
	}
	msg.SetMessageIDWithValue(m.ID + "@" + domain)
	msg.SetGenHeader("X-Telework-Delivery", m.ID)
	if iso {
		msg.SetGenHeaderPreformatted(mail.HeaderSubject, subject)
	} else {
		msg.Subject(subject)
	}
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, body)
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, nil, err
	}
	raw := buf.Bytes()
	if iso {
		var err error
		if raw, err = label7bit(raw); err != nil {
			return nil, nil, err
		}
	}
	return msg, raw, nil
}

// label7bit relabels an unencoded ISO-2022-JP message 7bit. go-mail
// writes an unencoded body only as "8bit" (its "7bit" passes the body
// through quoted-printable, which would turn every ESC into =1B), yet the
// bytes are 7-bit and RFC 1468 mail is 7bit.
func label7bit(raw []byte) ([]byte, error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, errors.New("iso-2022-jp: message without a header block")
	}
	head := raw[:end+2]
	const from, to = "\r\nContent-Transfer-Encoding: 8bit\r\n", "\r\nContent-Transfer-Encoding: 7bit\r\n"
	if bytes.Count(head, []byte(from)) != 1 {
		return nil, errors.New("iso-2022-jp: no Content-Transfer-Encoding to relabel")
	}
	out := bytes.Replace(head, []byte(from), []byte(to), 1)
	return append(out, raw[end+2:]...), nil
}

func (s *SMTP) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// SendMail sends ms one after the other over one connection; errs[i] is
// ms[i]'s outcome.
func (s *SMTP) SendMail(ctx context.Context, set notify.Settings, password string, ms []notify.Mail) []error {
	errs := make([]error, len(ms))
	var sess notify.MailSession
	for i, m := range ms {
		if sess == nil {
			var err error
			if sess, err = s.OpenMail(ctx, set, password); err != nil {
				errs[i] = err
				continue
			}
		}
		if errs[i] = sess.Send(ctx, m); errs[i] != nil {
			_ = sess.Close()
			sess = nil
		}
	}
	if sess != nil {
		_ = sess.Close()
	}
	return errs
}

// OpenMail connects to the tenant's mail server, secures the connection
// (STARTTLS or TLS as set) and authenticates.
func (s *SMTP) OpenMail(ctx context.Context, set notify.Settings, password string) (notify.MailSession, error) {
	opts := []mail.Option{mail.WithPort(set.SMTPPort), mail.WithTimeout(s.timeout())}
	switch set.SMTPTLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(s.TLSConfig))
	}
	if set.SMTPUser != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(set.SMTPUser), mail.WithPassword(password))
	}
	// The address connected to must be a mail server's (notify.CheckMailAddr),
	// checked where it is dialed, after name resolution.
	mailAddr := func(_ string, ip netip.Addr) error { return notify.CheckMailAddr(ip) }
	if set.SMTPTLS != "tls" {
		d := &net.Dialer{Control: egress.Control(set.SMTPHost, mailAddr)}
		opts = append(opts, mail.WithDialContextFunc(d.DialContext))
		return s.dial(ctx, set, set.SMTPHost, opts)
	}
	// With implicit TLS the library must dial itself (given a dialer of
	// ours, it takes the connection for unencrypted and refuses PLAIN and
	// LOGIN), so it is given an address we resolved and checked, never the
	// name to resolve again, and the certificate is verified against the
	// name the tenant set.
	host := strings.Trim(set.SMTPHost, "[]")
	addrs, err := egress.Resolve(ctx, s.Lookup, host, mailAddr)
	if err != nil {
		return nil, err
	}
	tc := &tls.Config{MinVersion: mail.DefaultTLSMinVersion}
	if s.TLSConfig != nil {
		tc = s.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	opts = append(opts, mail.WithTLSConfig(tc))
	for _, ip := range addrs { // the next address only when this one did not answer
		addr := ip.String()
		if ip.Is6() {
			addr = "[" + addr + "]" // the library joins host and port with a colon
		}
		var sess notify.MailSession
		sess, err = s.dial(ctx, set, addr, opts)
		var op *net.OpError
		if err == nil || !errors.As(err, &op) || op.Op != "dial" {
			return sess, err
		}
	}
	return nil, err // Resolve returned at least one address
}

// dial connects to host (a name, or an address already checked) and
// greets, secures and authenticates as opts say.
func (s *SMTP) dial(ctx context.Context, set notify.Settings, host string, opts []mail.Option) (notify.MailSession, error) {
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, err
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &smtpSession{s: s, set: set, c: c, sc: sc}, nil
}

type smtpSession struct {
	s   *SMTP
	set notify.Settings
	c   *mail.Client
	sc  *smtp.Client
}

// Send sends one message; nil means the server accepted it (250 after
// DATA). The bytes go as build made them (go-mail's own Send would write
// the message again, relabelling an ISO-2022-JP body 8bit and refusing a
// server without 8BITMIME).
func (ss *smtpSession) Send(ctx context.Context, m notify.Mail) error {
	msg, raw, err := ss.s.build(ss.set, m)
	if err != nil {
		return err
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return err
	}
	to, err := msg.GetRecipients()
	if err != nil {
		return err
	}
	if err := ss.sc.UpdateDeadline(ss.s.timeout()); err != nil {
		return err
	}
	if err := ss.sc.Mail(from); err != nil {
		_ = ss.sc.Reset()
		return err
	}
	for _, rcpt := range to {
		if err := ss.sc.Rcpt(rcpt); err != nil {
			_ = ss.sc.Reset()
			return err
		}
	}
	w, err := ss.sc.Data()
	if err != nil {
		_ = ss.sc.Reset()
		return err
	}
	if _, err := w.Write(raw); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

func (ss *smtpSession) Close() error { return ss.c.CloseWithSMTPClient(ss.sc) }

func (s *SMTP) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 20 * time.Second
}

// Webhook posts chat messages. It never follows a redirect (a 3xx is a
// failed attempt) and never connects to an address notify.CheckWebhookAddr
// refuses, checked on the address dialed, after name resolution.
type Webhook struct {
	// Client, when set, replaces the default client (its redirects are
	// still not followed).
	Client *http.Client
	// AllowLoopback lets posts go to this machine (--webhook-allow-loopback).
	AllowLoopback bool

	once   sync.Once
	client *http.Client
}

// noRedirect stops the client at a redirect: the answer is returned as
// it is, and SendChat fails it.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// httpClient is the client posts go through: the given one without
// redirects, or one whose connections are checked by internal/egress (the
// address dialed, or with a proxy, HTTPS_PROXY, the host's addresses
// before the request is sent).
func (w *Webhook) httpClient() *http.Client {
	w.once.Do(func() {
		if w.Client != nil {
			c := *w.Client
			c.CheckRedirect = noRedirect
			w.client = &c
			return
		}
		tr := egress.Transport(http.DefaultTransport.(*http.Transport).Clone(), 10*time.Second, func(_ string, ip netip.Addr) error {
			if err := notify.CheckWebhookAddr(ip, w.AllowLoopback); err != nil {
				return fmt.Errorf("webhook refused: %w", err)
			}
			return nil
		})
		w.client = &http.Client{Timeout: 20 * time.Second, Transport: tr, CheckRedirect: noRedirect}
	})
	return w.client
}

var _ notify.ChatSender = (*Webhook)(nil)

// Payload is the generic JSON body.
type Payload struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
}

// slackText escapes the three characters Slack's message format gives a
// meaning (&, <, >), so that text (a staff name 「石井 <!here> 慎也」) cannot
// ping a channel, mention someone or make a link.
var slackText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Body is the JSON posted for m in its channel's format.
func Body(m notify.ChatMessage) ([]byte, error) {
	if m.Channel.Format == "slack" {
		return json.Marshal(map[string]string{"text": slackText.Replace(m.Text)})
	}
	return json.Marshal(Payload{ID: m.ID, Kind: string(m.Kind), Text: m.Text, CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339)})
}

// SendChat posts m; a 2xx answer is success. The Idempotency-Key header
// carries the stable id.
func (w *Webhook) SendChat(ctx context.Context, m notify.ChatMessage) error {
	if m.Channel.URL == "" {
		return errors.New("no webhook URL")
	}
	body, err := Body(m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Channel.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", m.ID)
	res, err := w.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 == 3 {
		return fmt.Errorf("webhook answered %s: redirects are not followed (set the channel's URL to where it points)", res.Status)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}
