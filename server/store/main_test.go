package store

import (
	"fmt"
	"os"
	"testing"
)

// childEnv names the environment variable that turns the test binary into a
// child process for the crash and locking tests; its value selects the role.
const childEnv = "STORE_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "writer":
		os.Exit(runWriterChild(os.Getenv("STORE_TEST_DIR")))
	case "walfault":
		os.Exit(runWALFaultChild(os.Getenv("STORE_TEST_DIR")))
	case "holder":
		os.Exit(runHolderChild(os.Getenv("STORE_TEST_DIR")))
	default:
		fmt.Fprintln(os.Stderr, "unknown child role", os.Getenv(childEnv))
		os.Exit(2)
	}
}
