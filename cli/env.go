package cli

import "os"

// envLookup reads the MASAR_* variables; a variable so that tests can run commands in
// isolation from the machine's environment.
var envLookup = os.Getenv
