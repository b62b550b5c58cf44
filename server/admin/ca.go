package admin

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/chatim/chat/server/ca"
)

// CA is what the /ca/ endpoints need of the certificate authority; a
// *ca.CA satisfies it.
type CA interface {
	Issue(csrDER []byte, opts ca.IssueOptions) (*x509.Certificate, error)
	Revoke(serial *big.Int) error
	List() ([]ca.Record, error)
}

// CertInfo is one entry of GET /ca/list.
type CertInfo struct {
	Serial    string     `json:"serial"` // lower-case hexadecimal, as ca.FormatSerial
	CN        string     `json:"cn"`
	NotBefore time.Time  `json:"not_before"`
	NotAfter  time.Time  `json:"not_after"`
	Revoked   bool       `json:"revoked"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// maxCSRPEM bounds the body of POST /ca/issue.
const maxCSRPEM = 4 * ca.MaxCSRSize

// ParseCSRPEM returns the DER of the first CERTIFICATE REQUEST block of b.
func ParseCSRPEM(b []byte) ([]byte, error) {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return nil, errors.New("admin: no PEM CERTIFICATE REQUEST block")
		}
		if block.Type == "CERTIFICATE REQUEST" || block.Type == "NEW CERTIFICATE REQUEST" {
			return block.Bytes, nil
		}
	}
}

func (s *Server) caIssue(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCSRPEM))
	if err != nil {
		http.Error(w, "reading request: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	der, err := ParseCSRPEM(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	opts, err := issueOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cert, err := s.cfg.CA.Issue(der, opts)
	if err != nil {
		http.Error(w, err.Error(), caStatus(err))
		return
	}
	s.cfg.Logger.Info("certificate issued", "serial", ca.FormatSerial(cert.SerialNumber),
		"cn", cert.Subject.CommonName, "not_after", cert.NotAfter)
	w.Header().Set("Content-Type", "application/x-pem-file")
	_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// issueOptions reads the optional query parameters of POST /ca/issue.
func issueOptions(r *http.Request) (ca.IssueOptions, error) {
	var opts ca.IssueOptions
	q := r.URL.Query()
	if v := q.Get("validity"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return opts, errors.New("admin: validity: want a positive Go duration such as 8760h")
		}
		opts.Validity = d
	}
	if v := q.Get("not_before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return opts, errors.New("admin: not_before: want an RFC 3339 time")
		}
		opts.NotBefore = t
	}
	opts.ExpectCN = q.Get("cn")
	return opts, nil
}

func (s *Server) caRevoke(w http.ResponseWriter, r *http.Request) {
	serial, err := ca.ParseSerial(r.URL.Query().Get("serial"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.cfg.CA.Revoke(serial); err != nil {
		http.Error(w, err.Error(), caStatus(err))
		return
	}
	s.cfg.Logger.Info("certificate revoked", "serial", ca.FormatSerial(serial))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "revoked "+ca.FormatSerial(serial)+"\n")
}

func (s *Server) caList(w http.ResponseWriter, _ *http.Request) {
	recs, err := s.cfg.CA.List()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(CertInfos(recs))
}

// CertInfos converts CA records to their JSON form.
func CertInfos(recs []ca.Record) []CertInfo {
	out := make([]CertInfo, 0, len(recs))
	for _, rec := range recs {
		ci := CertInfo{
			Serial: ca.FormatSerial(rec.Serial), CN: rec.CN,
			NotBefore: rec.NotBefore.UTC(), NotAfter: rec.NotAfter.UTC(), Revoked: rec.Revoked,
		}
		if rec.Revoked {
			at := rec.RevokedAt.UTC()
			ci.RevokedAt = &at
		}
		out = append(out, ci)
	}
	return out
}

// caStatus maps a CA error to an HTTP status.
func caStatus(err error) int {
	switch {
	case errors.Is(err, ca.ErrUnknownSerial):
		return http.StatusNotFound
	case errors.Is(err, ca.ErrBadCSR), errors.Is(err, ca.ErrNickname), errors.Is(err, ca.ErrCNMismatch),
		errors.Is(err, ca.ErrKeyType), errors.Is(err, ca.ErrBadSerial):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}
