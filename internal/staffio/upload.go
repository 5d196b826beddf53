package staffio

import "telework/internal/tableimport"

// A staff file kept between preview and confirmation (tableimport's).

// UploadTTL is how long a previewed file waits for confirmation.
const UploadTTL = tableimport.UploadTTL

// Upload is a file kept between preview and confirmation.
type Upload = tableimport.Upload
