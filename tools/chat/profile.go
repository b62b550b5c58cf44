package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chatim/chat/client"
)

// Files of a profile directory, $XDG_CONFIG_HOME/chat/NICK/.
const (
	settingsFile = "settings.json"
	keyFile      = "key.pem"  // mode 0600
	certFile     = "cert.pem" //
	caFile       = "ca.pem"   // the server CA trusted for this profile
	passwordFile = "password" // mode 0600
	defaultFile  = "default"  // in the config root: the default profile's nick
)

// settings are a profile's settings.json.
type settings struct {
	Nick   string `json:"nick"`
	Server string `json:"server"`
	Format string `json:"format"`
	Device string `json:"device"`
}

// profile is one registered identity on one server.
type profile struct {
	dir string
	settings
}

// configRoot returns $XDG_CONFIG_HOME/chat, or ~/.config/chat.
func configRoot(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "chat"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory: set XDG_CONFIG_HOME: %w", err)
	}
	return filepath.Join(home, ".config", "chat"), nil
}

var errNoProfile = errors.New("no profile")

// loadProfile loads the profile nick, or the default one when nick is "".
func loadProfile(root, nick string) (*profile, error) {
	if nick == "" {
		b, err := os.ReadFile(filepath.Join(root, defaultFile))
		if err != nil {
			names, _ := listProfiles(root)
			switch len(names) {
			case 0:
				return nil, fmt.Errorf("%w: register first (chat register NICK --server URL)", errNoProfile)
			case 1:
				nick = names[0]
			default:
				return nil, fmt.Errorf("%w: several profiles (%s): choose one with --as NICK", errNoProfile, strings.Join(names, ", "))
			}
		} else {
			nick = strings.TrimSpace(string(b))
		}
	}
	dir := filepath.Join(root, nick)
	b, err := os.ReadFile(filepath.Join(dir, settingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w %q in %s", errNoProfile, nick, root)
	}
	if err != nil {
		return nil, err
	}
	p := &profile{dir: dir}
	if err := json.Unmarshal(b, &p.settings); err != nil {
		return nil, fmt.Errorf("profile %s: %s: %w", nick, settingsFile, err)
	}
	return p, nil
}

// listProfiles returns the nicks of the profiles in root, sorted.
func listProfiles(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(root, e.Name(), settingsFile)); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// save writes the profile: settings, credentials, CA and password.
func (p *profile) save(creds *client.Credentials, ca *x509.Certificate, password []byte) error {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return err
	}
	keyPEM, err := creds.KeyPEM()
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(p.settings, "", "  ")
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{keyFile, keyPEM, 0o600},
		{passwordFile, password, 0o600},
		{certFile, creds.CertPEM(), 0o644},
		{settingsFile, append(js, '\n'), 0o644},
	}
	if ca != nil {
		files = append(files, struct {
			name string
			data []byte
			mode os.FileMode
		}{caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o644})
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(p.dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes a file through a temporary file and a rename, with
// mode set before any byte is written.
func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// credentials loads the key and certificate.
func (p *profile) credentials() (*client.Credentials, error) {
	k, err := os.ReadFile(filepath.Join(p.dir, keyFile))
	if err != nil {
		return nil, err
	}
	c, err := os.ReadFile(filepath.Join(p.dir, certFile))
	if err != nil {
		return nil, err
	}
	creds, err := client.ParseCredentials(k, c)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Nick, err)
	}
	return creds, nil
}

// roots returns the CA pool of the profile: its ca.pem, or nil (the
// system roots) when it has none.
func (p *profile) roots() (*x509.CertPool, error) {
	b, err := os.ReadFile(filepath.Join(p.dir, caFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("profile %s: %s holds no certificate", p.Nick, caFile)
	}
	return pool, nil
}

// password returns the stored password.
func (p *profile) password() ([]byte, error) {
	return os.ReadFile(filepath.Join(p.dir, passwordFile))
}

// session is the client id the server recorded at registration.
func (p *profile) session() string { return p.Nick + "." + p.Device }
