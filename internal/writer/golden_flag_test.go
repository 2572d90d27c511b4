package writer

import _ "github.com/djsquash/djsquash/internal/golden"
