// Package sendtest runs real receivers on 127.0.0.1 for the delivery
// tests: an SMTP server (github.com/emersion/go-smtp) that requires
// STARTTLS and PLAIN authentication, and an HTTP webhook receiver. Both
// count what they receive per message id and answer a repeated id as
// accepted, as a receiver that drops repeats by Message-ID or
// Idempotency-Key does. Test plumbing only.
package sendtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Counter counts receipts per message id and keeps the last raw bytes.
type Counter struct {
	mu    sync.Mutex
	count map[string]int
	raw   map[string][]byte
	total atomic.Int64
	// Fail, when set, answers an error for the n-th receipt (1-based).
	Fail func(n int64) bool
	// OnNew, when set, is called with an id received for the first time
	// and the number of distinct ids so far, before the receiver answers
	// (the sender is still waiting for its 250 / 2xx).
	OnNew func(id string, distinct int)
}

func newCounter() *Counter { return &Counter{count: map[string]int{}, raw: map[string][]byte{}} }

func (c *Counter) add(id string, raw []byte) error {
	n := c.total.Add(1)
	if c.Fail != nil && c.Fail(n) {
		return errors.New("refused for the test")
	}
	c.mu.Lock()
	c.count[id]++
	c.raw[id] = raw
	first, distinct := c.count[id] == 1, len(c.count)
	c.mu.Unlock()
	if first && c.OnNew != nil {
		c.OnNew(id, distinct)
	}
	return nil
}

// Counts returns a copy of the receipts per id.
func (c *Counter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.count))
	for k, v := range c.count {
		out[k] = v
	}
	return out
}

// Raw is the last message received with id.
func (c *Counter) Raw(id string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw[id]
}

// Len is the number of distinct ids received.
func (c *Counter) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.count)
}

// SMTP is a running server.
type SMTP struct {
	Host      string
	Port      int
	User      string
	Password  string
	ClientTLS *tls.Config // trusts the server's certificate
	// CertPEM is the server's self-signed certificate, for a client in
	// another process (SSL_CERT_FILE).
	CertPEM []byte
	*Counter
}

// StartSMTP runs an SMTP server on 127.0.0.1 that offers STARTTLS,
// requires it before AUTH PLAIN, and requires authentication before MAIL.
// Messages are counted by their Message-ID (its part before the @).
func StartSMTP(tb testing.TB) *SMTP {
	tb.Helper()
	return startSMTP(tb, false)
}

// StartSMTPS is StartSMTP with implicit TLS (SMTPS, RFC 8314): the
// connection is TLS from its first byte.
func StartSMTPS(tb testing.TB) *SMTP {
	tb.Helper()
	return startSMTP(tb, true)
}

func startSMTP(tb testing.TB, implicit bool) *SMTP {
	tb.Helper()
	srvTLS, cliTLS := certs(tb)
	s := &SMTP{User: "mailer", Password: "秘密-pass", ClientTLS: cliTLS, Counter: newCounter(),
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvTLS.Certificates[0].Certificate[0]})}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil })
	srv := smtp.NewServer(be)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = srvTLS
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxRecipients = 10
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if implicit {
		l = tls.NewListener(l, srvTLS)
	}
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(func() { _ = srv.Close() })
	s.Host = "127.0.0.1"
	s.Port = port
	return s
}

type session struct {
	s    *SMTP
	auth bool
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.User || pass != ss.s.Password {
			return errors.New("bad credentials")
		}
		ss.auth = true
		return nil
	}), nil
}
func (ss *session) Mail(string, *smtp.MailOptions) error {
	if !ss.auth {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (ss *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	// Counted by Message-ID, as a receiver drops repeats: the part before
	// the @ is the delivery's id (also in X-Telework-Delivery).
	id, _, _ := strings.Cut(strings.Trim(m.Header.Get("Message-Id"), "<> "), "@")
	return ss.s.add(id, raw)
}
func (ss *session) Reset()        {}
func (ss *session) Logout() error { return nil }

// Webhook is a running HTTP receiver.
type Webhook struct {
	URL string
	*Counter
}

// StartWebhook runs an HTTP receiver on 127.0.0.1 counting by the
// Idempotency-Key header.
func StartWebhook(tb testing.TB) *Webhook {
	tb.Helper()
	w := &Webhook{Counter: newCounter()}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := w.add(r.Header.Get("Idempotency-Key"), body); err != nil {
			http.Error(rw, err.Error(), http.StatusServiceUnavailable)
			return
		}
		rw.WriteHeader(http.StatusOK)
	}))
	tb.Cleanup(srv.Close)
	w.URL = srv.URL + "/hook"
	return w
}

// CertName is a host name the test servers' certificate is also valid for
// (it resolves nowhere: a client reaching the server by it was given the
// address some other way).
const CertName = "mail.telework.test"

// certs makes a self-signed certificate for 127.0.0.1 and CertName.
func certs(tb testing.TB) (server, client *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:    []string{CertName},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
