// Package peers decides what a test does when an external reference peer
// (erl, openssl, mosquitto, ...) is missing: locally it skips and says
// which program is missing; in CI, where CHAT_REQUIRE_PEERS=1 and .ci/run
// has installed every peer, a missing peer fails the test instead, so that
// a cross-check can never pass by not running.
package peers

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the environment variable that turns a missing peer into a
// test failure.
const RequireEnv = "CHAT_REQUIRE_PEERS"

// Need skips t (or fails it under CHAT_REQUIRE_PEERS=1) unless every named
// program is on PATH.
func Need(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			Missing(t, p+" is not on PATH")
		}
	}
}

// Missing reports that a peer is unavailable for the given reason: a skip
// locally, a failure under CHAT_REQUIRE_PEERS=1.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("reference peer required (%s=1) but unavailable: %s", RequireEnv, reason)
	}
	t.Skipf("reference peer unavailable, cross-check skipped: %s", reason)
}
