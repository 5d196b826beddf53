package staffio

import "time"

// A staff file kept between preview and confirmation.

// UploadTTL is how long a previewed file waits for confirmation.
const UploadTTL = time.Hour

// Upload is a file kept between preview and confirmation.
type Upload struct {
	ID        int64
	TenantID  int64
	UserID    int64
	Filename  string
	SHA256    string
	Full      bool
	Data      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	AppliedAt time.Time // zero until confirmed
	Result    string    // JSON summary once applied
}
