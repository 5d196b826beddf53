package web_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
)

// flushRecorder is a ResponseRecorder safe to read while the handler
// writes (an event stream).
type flushRecorder struct {
	mu  sync.Mutex
	rec *httptest.ResponseRecorder
}

func newFlushRecorder() *flushRecorder { return &flushRecorder{rec: httptest.NewRecorder()} }

func (f *flushRecorder) Header() http.Header { return f.rec.Header() }
func (f *flushRecorder) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rec.Write(b)
}
func (f *flushRecorder) WriteHeader(c int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rec.WriteHeader(c)
}
func (f *flushRecorder) Flush() {}
func (f *flushRecorder) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rec.Body.String()
}
