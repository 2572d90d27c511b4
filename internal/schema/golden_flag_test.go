package schema

// go test ./... -update must be accepted by every test binary.
import _ "github.com/djsquash/djsquash/internal/golden"
