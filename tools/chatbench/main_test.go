package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--url", "tcp://192.0.2.1:1883"}, "not loopback"},
		{[]string{"--url", "tcp://example.com:1883"}, "not loopback"},
		{[]string{"--qos", "2"}, "qos 2"},
		{[]string{"--cert", "c.pem"}, "--cert and --key"},
		{[]string{"--ca", notPEM}, "no certificate"},
		{[]string{"--ca", filepath.Join(dir, "missing.pem")}, "no such file"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"--pattern", "all"}, "pattern"},
	} {
		err := run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
