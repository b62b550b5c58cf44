package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrStatus is wrapped by the errors Client returns for an HTTP error answer.
var ErrStatus = errors.New("admin: request refused")

// Client calls the /ca/ endpoints of a running chatd.
type Client struct {
	// Addr is the admin address, host:port (the content of DIR/admin.addr).
	Addr string
	// HTTP is the client used; nil means one with a 30 s timeout.
	HTTP *http.Client
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (c *Client) do(ctx context.Context, method, path string, q url.Values, body io.Reader) ([]byte, error) {
	u := url.URL{Scheme: "http", Host: c.Addr, Path: path, RawQuery: q.Encode()}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-pem-file")
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("admin: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s %s: %s: %s", ErrStatus, method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// Healthy reports whether the daemon answers /healthz with 200.
func (c *Client) Healthy(ctx context.Context) error {
	_, err := c.do(ctx, http.MethodGet, "/healthz", nil, nil)
	return err
}

// Issue sends a PEM certificate request and returns the certificate, PEM.
// q holds the optional validity, not_before and cn parameters.
func (c *Client) Issue(ctx context.Context, csrPEM []byte, q url.Values) ([]byte, error) {
	return c.do(ctx, http.MethodPost, "/ca/issue", q, strings.NewReader(string(csrPEM)))
}

// Revoke revokes the certificate with the serial, hexadecimal.
func (c *Client) Revoke(ctx context.Context, serial string) error {
	_, err := c.do(ctx, http.MethodPost, "/ca/revoke", url.Values{"serial": {serial}}, nil)
	return err
}

// List returns every issued certificate.
func (c *Client) List(ctx context.Context) ([]CertInfo, error) {
	b, err := c.do(ctx, http.MethodGet, "/ca/list", nil, nil)
	if err != nil {
		return nil, err
	}
	var out []CertInfo
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("admin: /ca/list: %w", err)
	}
	return out, nil
}
