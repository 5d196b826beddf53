package send_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/notify"
	"telework/internal/notify/send"
	"telework/internal/notify/sendtest"
)

const subject = "【テレワーク】山田 太郎さんからテレワークの申請があります(12月4日)。"
const body = "山田 太郎さんからテレワークの申請があります。\n勤務時間外の通知に応答する必要はありません。"

func settings(s *sendtest.SMTP, charset string) notify.Settings {
	return notify.Settings{SMTPHost: s.Host, SMTPPort: s.Port, SMTPTLS: "starttls", SMTPUser: s.User,
		MailFrom: "telework@example.jp", Charset: charset}
}

func sendOne(t *testing.T, s *sendtest.SMTP, set notify.Settings, pw string) error {
	t.Helper()
	snd := &send.SMTP{TLSConfig: s.ClientTLS, Timeout: 5 * time.Second}
	errs := snd.SendMail(context.Background(), set, pw, []notify.Mail{{ID: "telework-1-2-email", To: "yamada@example.jp",
		Subject: subject, Body: body}})
	return errs[0]
}

// TestMailUTF8: STARTTLS and AUTH PLAIN against a real server; the subject
// is an RFC 2047 encoded word and the body base64 UTF-8, both decoding to
// the Japanese text; the Message-ID is the stable delivery id.
func TestMailUTF8(t *testing.T) {
	s := sendtest.StartSMTP(t)
	if err := sendOne(t, s, settings(s, "utf-8"), s.Password); err != nil {
		t.Fatal(err)
	}
	raw := s.Raw("telework-1-2-email")
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil || got != subject {
		t.Errorf("subject %q (%v), raw %q", got, err, m.Header.Get("Subject"))
	}
	if !strings.Contains(strings.ToLower(m.Header.Get("Content-Type")), "charset=utf-8") ||
		m.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Errorf("headers %v", m.Header)
	}
	b, _ := io.ReadAll(m.Body)
	dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	if err != nil || strings.ReplaceAll(string(dec), "\r\n", "\n") != body {
		t.Errorf("body %q (%v)", dec, err)
	}
	if m.Header.Get("Message-Id") != "<telework-1-2-email@telework.invalid>" {
		t.Errorf("Message-ID %q", m.Header.Get("Message-Id"))
	}
	sevenBit(t, raw)
}

func sevenBit(t *testing.T, raw []byte) {
	t.Helper()
	for _, l := range bytes.Split(raw, []byte("\n")) {
		if len(l) > 998 {
			t.Errorf("line of %d bytes", len(l))
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Fatalf("8-bit byte in the message: %q", l)
			}
		}
	}
}

// TestMailISO2022JP: with the tenant option the subject is
// =?ISO-2022-JP?B?…?= and the body 7-bit ISO-2022-JP: the exact bytes of
// the encoder (ESC $ B … ESC ( B), decoding back to the text.
func TestMailISO2022JP(t *testing.T) {
	s := sendtest.StartSMTP(t)
	if err := sendOne(t, s, settings(s, "iso-2022-jp"), s.Password); err != nil {
		t.Fatal(err)
	}
	raw := s.Raw("telework-1-2-email")
	sevenBit(t, raw)
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=iso-2022-jp") {
		t.Errorf("Content-Type %q", ct)
	}
	if cte := m.Header.Get("Content-Transfer-Encoding"); cte != "7bit" { // RFC 1468
		t.Errorf("Content-Transfer-Encoding %q", cte)
	}
	rawSubj := m.Header.Get("Subject")
	if !strings.HasPrefix(rawSubj, "=?ISO-2022-JP?B?") {
		t.Errorf("subject %q", rawSubj)
	}
	dec := &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		return japanese.ISO2022JP.NewDecoder().Reader(r), nil
	}}
	if got, err := dec.DecodeHeader(rawSubj); err != nil || got != subject {
		t.Errorf("subject decodes to %q (%v)", got, err)
	}
	want, _ := send.ISO2022JP(body)
	if !bytes.HasPrefix([]byte(want), []byte("\x1b$B")) {
		t.Fatalf("encoder gave %q", want)
	}
	got, _ := io.ReadAll(m.Body)
	gotS := strings.TrimRight(strings.ReplaceAll(string(got), "\r\n", "\n"), "\n")
	if gotS != want {
		t.Errorf("body bytes\n got %q\nwant %q", gotS, want)
	}
	if back, _ := japanese.ISO2022JP.NewDecoder().String(gotS); back != body {
		t.Errorf("body decodes to %q", back)
	}
}

// TestMailRefusedAuth: a wrong password is an error (retried later), not a
// silent drop.
func TestMailRefusedAuth(t *testing.T) {
	s := sendtest.StartSMTP(t)
	if err := sendOne(t, s, settings(s, "utf-8"), "wrong"); err == nil {
		t.Fatal("sent with a wrong password")
	}
	if s.Len() != 0 {
		t.Fatal("received")
	}
}

// TestWebhookFormats: the generic JSON carries id, kind, text and time;
// the Slack-compatible one only text; both the Idempotency-Key; a 5xx is
// an error.
func TestWebhookFormats(t *testing.T) {
	w := sendtest.StartWebhook(t)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	snd := &send.Webhook{AllowLoopback: true}
	for _, f := range []string{"json", "slack"} {
		m := notify.ChatMessage{ID: "id-" + f, Kind: notify.Approved, Text: "申請が承認されました", CreatedAt: at,
			Channel: notify.ChatChannel{URL: w.URL, Format: f}}
		if err := snd.SendChat(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(w.Raw("id-"+f), &got); err != nil {
			t.Fatal(err)
		}
		if got["text"] != "申請が承認されました" {
			t.Errorf("%s: %v", f, got)
		}
		if f == "json" && (got["id"] != "id-json" || got["kind"] != "approved" || got["created_at"] != "2026-12-01T00:00:00Z") {
			t.Errorf("generic payload %v", got)
		}
		if f == "slack" && len(got) != 1 {
			t.Errorf("slack payload %v", got)
		}
	}
	w.Fail = func(int64) bool { return true }
	if err := snd.SendChat(context.Background(), notify.ChatMessage{ID: "x", Channel: notify.ChatChannel{URL: w.URL}}); err == nil {
		t.Error("a 503 was taken as delivered")
	}
}

// TestSlackEscapes: the Slack-compatible text escapes &, < and > (Slack's
// message format), so a name cannot ping the channel (<!here>), mention or
// link; the generic JSON carries the text as it is.
func TestSlackEscapes(t *testing.T) {
	for _, c := range []struct{ text, slack string }{
		{"石井 <!here> & <b>慎也さんが08:31に始業しました。", "石井 &lt;!here&gt; &amp; &lt;b&gt;慎也さんが08:31に始業しました。"},
		{"<@U012AB3CD> <#C024BE7LR> <https://example.com|x>", "&lt;@U012AB3CD&gt; &lt;#C024BE7LR&gt; &lt;https://example.com|x&gt;"},
		{"&amp; already", "&amp;amp; already"},
		{"山田 太郎さんが08:31に始業しました。", "山田 太郎さんが08:31に始業しました。"},
	} {
		for _, f := range []string{"slack", "json"} {
			b, err := send.Body(notify.ChatMessage{ID: "id", Kind: notify.WorkStarted, Text: c.text, Channel: notify.ChatChannel{Format: f}})
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			want := c.text
			if f == "slack" {
				want = c.slack
			}
			if got["text"] != want {
				t.Errorf("%s %q: text %q, want %q", f, c.text, got["text"], want)
			}
		}
	}
}

// strictISO2022JP checks b the way RFC 1468 reads it (Python's iso2022_jp,
// glibc iconv), which golang.org/x/text's decoder does not: 7-bit bytes,
// only the escape sequences ESC ( B, ESC ( J, ESC $ @ and ESC $ B, and in
// two-byte mode only rows of JIS X 0208 (1–8, 16–84: not the CP932 rows
// 13 and 89–92); it returns the text decoded.
func strictISO2022JP(t *testing.T, b []byte) string {
	t.Helper()
	twoByte := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 0x80:
			t.Fatalf("8-bit byte %#x at %d in %q", c, i, b)
		case c == 0x1b:
			if i+2 >= len(b) {
				t.Fatalf("cut escape in %q", b)
			}
			switch seq := string(b[i+1 : i+3]); seq {
			case "(B", "(J":
				twoByte = false
			case "$@", "$B":
				twoByte = true
			default:
				t.Fatalf("escape sequence ESC %q is not ISO-2022-JP (RFC 1468): %q", seq, b)
			}
			i += 2
		case twoByte && (c == '\r' || c == '\n'):
			t.Fatalf("line break in two-byte mode: %q", b)
		case twoByte:
			if i+1 >= len(b) {
				t.Fatalf("cut two-byte character in %q", b)
			}
			row := int(c) - 0x20
			if row < 1 || (row > 8 && row < 16) || row > 84 || b[i+1] < 0x21 || b[i+1] > 0x7e {
				t.Fatalf("%q (row %d) is not JIS X 0208 in %q", b[i:i+2], row, b)
			}
			i++
		}
	}
	if twoByte {
		t.Fatalf("does not end in ASCII: %q", b)
	}
	out, err := japanese.ISO2022JP.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestISO2022JPNames: with the ISO-2022-JP option a name goes out as RFC
// 1468 ISO-2022-JP, 7bit, after mapping what has a JIS X 0208 equivalent
// (half-width kana, 〜, −, ‖, ¥ …); a name with a character outside JIS
// X 0208 (髙, 﨑, ①, ㈱, emoji) makes that message go as UTF-8 — never a
// failure, never CP932 codes or ESC ( I — with a warning naming the
// delivery and the count, not the text.
func TestISO2022JPNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want string // the text as ISO-2022-JP carries it; "" = sent as UTF-8
		n    int    // characters outside JIS X 0208 (in the subject and again in the body)
	}{
		{"山田 太郎", "山田 太郎", 0},
		{"渡邊 〜 − ‖ ¥100 ¢ £ ¬ — ‾", "渡邊 ～ － ∥ ￥100 ￠ ￡ ￢ ― ￣", 0},
		{"ﾔﾏﾀﾞ ﾀﾛｳ･ｶﾞｲﾄﾞﾊﾟｽ｡", "ヤマダ タロウ・ガイドパス。", 0},
		{"＂引用＂ ＇a＇", `"引用" 'a'`, 0},
		{"髙橋 一郎", "", 1},
		{"﨑山 花子", "", 1},
		{"①番窓口 ㈱テレワーク", "", 2},
		{"石井 慎也😀", "", 1},
		{"¦", "", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			snd := &send.SMTP{Log: slog.New(slog.NewTextHandler(&logs, nil))}
			set := notify.Settings{MailFrom: "telework@example.jp", Charset: "iso-2022-jp"}
			subj := "【テレワーク】" + c.name + "さんの申請"
			text := c.name + "さんからテレワークの申請があります。\n勤務時間外の通知に応答する必要はありません。"
			raw, err := snd.Message(set, notify.Mail{ID: "telework-1-9-email", To: "a@example.jp", Subject: subj, Body: text})
			if err != nil {
				t.Fatalf("not sent: %v", err)
			}
			sevenBit(t, raw)
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			ct, cte := strings.ToLower(m.Header.Get("Content-Type")), m.Header.Get("Content-Transfer-Encoding")
			got, _ := io.ReadAll(m.Body)
			if c.want == "" {
				if !strings.Contains(ct, "charset=utf-8") || cte != "base64" {
					t.Fatalf("fallback headers %q %q", ct, cte)
				}
				dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(got)), ""))
				if err != nil || strings.ReplaceAll(string(dec), "\r\n", "\n") != text {
					t.Errorf("body %q (%v)", dec, err)
				}
				if s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil || s != subj {
					t.Errorf("subject %q (%v)", s, err)
				}
				l := logs.String()
				if !strings.Contains(l, "level=WARN") || !strings.Contains(l, "delivery=telework-1-9-email") ||
					!strings.Contains(l, "characters="+strconv.Itoa(2*c.n)) || strings.Contains(l, c.name) {
					t.Errorf("log %q", l)
				}
				return
			}
			if !strings.Contains(ct, "charset=iso-2022-jp") || cte != "7bit" {
				t.Fatalf("headers %q %q", ct, cte)
			}
			if logs.Len() != 0 {
				t.Errorf("logged %q", logs.String())
			}
			wantBody := strings.Replace(text, c.name, c.want, 1)
			if back := strictISO2022JP(t, bytes.TrimRight(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), "\n")); back != wantBody {
				t.Errorf("body %q, want %q", back, wantBody)
			}
			var words []string
			for _, w := range strings.Fields(m.Header.Get("Subject")) {
				b64, ok := strings.CutPrefix(w, "=?ISO-2022-JP?B?")
				if !ok || !strings.HasSuffix(b64, "?=") {
					t.Fatalf("subject word %q", w)
				}
				b, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(b64, "?="))
				if err != nil {
					t.Fatal(err)
				}
				words = append(words, strictISO2022JP(t, b))
			}
			if s := strings.Join(words, ""); s != strings.Replace(subj, c.name, c.want, 1) {
				t.Errorf("subject %q", s)
			}
		})
	}
}

// TestMailISO2022JPFallback: a message the option cannot carry reaches a
// real server (as UTF-8) instead of failing for good.
func TestMailISO2022JPFallback(t *testing.T) {
	s := sendtest.StartSMTP(t)
	snd := &send.SMTP{TLSConfig: s.ClientTLS, Timeout: 5 * time.Second, Log: slog.New(slog.DiscardHandler)}
	errs := snd.SendMail(context.Background(), settings(s, "iso-2022-jp"), s.Password, []notify.Mail{
		{ID: "telework-1-3-email", To: "a@example.jp", Subject: "髙橋さんの申請 😀", Body: "〜①㈱"},
		{ID: "telework-1-4-email", To: "a@example.jp", Subject: "山田さんの申請", Body: "〜−"}})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("mail %d: %v", i, err)
		}
	}
	if s.Len() != 2 {
		t.Fatalf("received %d", s.Len())
	}
	sevenBit(t, s.Raw("telework-1-3-email"))
	sevenBit(t, s.Raw("telework-1-4-email"))
}

// TestWebhookEgress: a redirect is never followed (the post fails, naming
// the redirect, and the other URL receives nothing); loopback is refused
// unless allowed, and link-local, unspecified and multicast addresses
// always, on the address dialed (a name such as localhost included).
func TestWebhookEgress(t *testing.T) {
	target := sendtest.StartWebhook(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(target.URL, "http://"))
	msg := func(u string) notify.ChatMessage {
		return notify.ChatMessage{ID: "m1", Text: "テスト", Channel: notify.ChatChannel{URL: u, Format: "json"}}
	}
	for _, c := range []struct {
		name  string
		snd   *send.Webhook
		url   string
		refer string // in the error
	}{
		{"307 elsewhere", &send.Webhook{AllowLoopback: true}, redirect.URL, "redirects are not followed"},
		{"307 with the caller's client", &send.Webhook{AllowLoopback: true, Client: &http.Client{}}, redirect.URL, "redirects are not followed"},
		{"loopback", &send.Webhook{}, target.URL, "loopback"},
		{"localhost resolved", &send.Webhook{}, "http://localhost:" + port + "/", "loopback"},
		{"metadata", &send.Webhook{AllowLoopback: true}, "http://169.254.169.254/latest/meta-data", "link-local"},
		{"unspecified", &send.Webhook{AllowLoopback: true}, "http://0.0.0.0:" + port + "/", "unspecified"},
	} {
		err := c.snd.SendChat(context.Background(), msg(c.url))
		if err == nil || !strings.Contains(err.Error(), c.refer) {
			t.Errorf("%s: %v, want an error naming %q", c.name, err, c.refer)
		}
	}
	if target.Len() != 0 {
		t.Errorf("the refused posts arrived: %v", target.Counts())
	}
	if err := (&send.Webhook{AllowLoopback: true}).SendChat(context.Background(), msg(target.URL)); err != nil || target.Len() != 1 {
		t.Errorf("allowed loopback: %v, received %d", err, target.Len())
	}
}

// TestCheckWebhookAddr: the address rules; private ranges stay allowed.
func TestCheckWebhookAddr(t *testing.T) {
	for _, c := range []struct {
		addr     string
		loopback bool
		ok       bool
	}{
		{"127.0.0.1", false, false}, {"127.0.0.1", true, true}, {"::1", false, false}, {"::ffff:127.0.0.1", false, false},
		{"169.254.169.254", true, false}, {"fe80::1", true, false}, {"0.0.0.0", true, false}, {"::", true, false},
		{"224.0.0.1", true, false}, {"ff02::1", true, false},
		{"10.1.2.3", false, true}, {"172.16.0.1", false, true}, {"172.31.255.254", false, true}, {"192.168.1.1", false, true},
		{"203.0.113.5", false, true}, {"2001:db8::1", false, true},
	} {
		err := notify.CheckWebhookAddr(netip.MustParseAddr(c.addr), c.loopback)
		if (err == nil) != c.ok {
			t.Errorf("%s (loopback allowed %v): %v", c.addr, c.loopback, err)
		}
	}
}

// A half-width voiced kana (ｶﾞ, two code points) that straddles the
// 15-character fold of a subject is mapped whole (ガ), not as カ and ゛ in
// two encoded words.
func TestSubjectFoldKeepsHalfWidthKanaWhole(t *testing.T) {
	dec := &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		return japanese.ISO2022JP.NewDecoder().Reader(r), nil
	}}
	for _, c := range []struct{ in, want string }{
		{strings.Repeat("あ", 14) + "ｶﾞｲﾄﾞ", strings.Repeat("あ", 14) + "ガイド"},
		{"ﾃﾚﾜｰｸ申請", "テレワーク申請"},
	} {
		enc, err := send.SubjectISO2022JP(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := dec.DecodeHeader(enc); err != nil || got != c.want {
			t.Errorf("SubjectISO2022JP(%q) decodes to %q (%v), want %q", c.in, got, err, c.want)
		}
	}
}

// TestMailServerAddress: the mail server's address is checked where it is
// dialed: the unspecified address (which reaches this machine) is refused
// in every TLS mode and nothing is sent; the settings refuse a link-local
// or unspecified address as the host and keep loopback and private ones.
func TestMailServerAddress(t *testing.T) {
	s := sendtest.StartSMTP(t)
	for _, mode := range []string{"starttls", "tls", "none"} {
		set := settings(s, "utf-8")
		set.SMTPHost, set.SMTPTLS = "0.0.0.0", mode
		err := sendOne(t, s, set, s.Password)
		if err == nil || !strings.Contains(err.Error(), "unspecified") {
			t.Errorf("%s: the unspecified address was not refused: %v", mode, err)
		}
	}
	if s.Len() != 0 {
		t.Fatal("a mail reached the server through the unspecified address")
	}
	for host, ok := range map[string]bool{"169.254.169.254": false, "[fe80::1]": false, "0.0.0.0": false, "224.0.0.1": false,
		"127.0.0.1": true, "10.1.2.3": true, "mail.pref.lg.jp": true} {
		err := notify.ValidateSettings(notify.Settings{SMTPHost: host, SMTPPort: 25, SMTPTLS: "none", MailFrom: "t@example.jp", Charset: "utf-8"})
		if (err == nil) != ok {
			t.Errorf("host %s: %v", host, err)
		}
	}
}

// TestMailImplicitTLS: with implicit TLS the server's name is resolved
// once, every address is checked, and the library is given the checked
// address (the name resolves nowhere, so a second resolution would fail)
// while the certificate is verified against the name; an address that does
// not answer gives way to the next; a name with one refused address is
// refused before any connection.
func TestMailImplicitTLS(t *testing.T) {
	s := sendtest.StartSMTPS(t)
	cli := s.ClientTLS.Clone()
	cli.ServerName = "" // verified against the tenant's host name
	for _, tc := range []struct {
		name  string
		addrs []string
		sent  bool
		err   string
	}{
		{"one address", []string{"127.0.0.1"}, true, ""},
		{"the first does not answer", []string{"127.0.0.9", "127.0.0.1"}, true, ""},
		{"one address is link-local", []string{"127.0.0.1", "169.254.169.254"}, false, "link-local"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookups := 0
			snd := &send.SMTP{TLSConfig: cli, Timeout: 5 * time.Second,
				Lookup: func(_ context.Context, host string) ([]netip.Addr, error) {
					lookups++
					if host != sendtest.CertName {
						t.Errorf("looked up %q", host)
					}
					var out []netip.Addr
					for _, a := range tc.addrs {
						out = append(out, netip.MustParseAddr(a))
					}
					return out, nil
				}}
			set := settings(s, "utf-8")
			set.SMTPHost, set.SMTPTLS = sendtest.CertName, "tls"
			before := s.Len()
			errs := snd.SendMail(context.Background(), set, s.Password, []notify.Mail{{ID: "telework-9-" + strings.ReplaceAll(tc.name, " ", "-"),
				To: "yamada@example.jp", Subject: subject, Body: body}})
			if tc.sent && errs[0] != nil {
				t.Fatal(errs[0])
			}
			if !tc.sent && (errs[0] == nil || !strings.Contains(errs[0].Error(), tc.err)) {
				t.Fatalf("want refusal %q, got %v", tc.err, errs[0])
			}
			if got := s.Len() - before; got != map[bool]int{true: 1, false: 0}[tc.sent] {
				t.Errorf("%d mails reached the server", got)
			}
			if lookups != 1 {
				t.Errorf("the name was resolved %d times, want once", lookups)
			}
		})
	}
}
