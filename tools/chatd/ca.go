package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chatim/chat/server"
	"github.com/chatim/chat/server/admin"
	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/store"
)

const caUsage = `Usage:
  chatd ca issue  --data DIR --csr FILE --out FILE [--validity DURATION] [--not-before RFC3339] [--cn NICKNAME]
  chatd ca revoke --data DIR --serial HEX
  chatd ca list   --data DIR

The commands talk to the running chatd through DIR/admin.addr; when no
daemon answers they open DIR directly. A revocation takes effect for new
connections at once and is persisted.
`

// caMain runs "chatd ca ..." and returns the exit status.
func caMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, caUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("chatd ca "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, caUsage) }
	defData := server.DefaultDataDir
	if v, ok := os.LookupEnv("CHATD_DATA"); ok {
		defData = v
	}
	data := fs.String("data", defData, "data directory")
	var csr, out, serial, validity, notBefore, cn *string
	switch cmd {
	case "issue":
		csr = fs.String("csr", "", "PEM certificate request file")
		out = fs.String("out", "", "output file for the PEM certificate (- for stdout)")
		validity = fs.String("validity", "", "certificate lifetime, a Go duration (default 1 year)")
		notBefore = fs.String("not-before", "", "start of validity, RFC 3339 (default one hour ago)")
		cn = fs.String("cn", "", "the subject CN the request must carry")
	case "revoke":
		serial = fs.String("serial", "", "serial number in hexadecimal, as openssl x509 -serial prints it")
	case "list":
	default:
		fmt.Fprintf(stderr, "chatd ca: unknown command %q\n", cmd)
		fmt.Fprint(stderr, caUsage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	op := &caOp{dir: *data, stdout: stdout}
	var err error
	switch cmd {
	case "issue":
		if *csr == "" || *out == "" {
			fmt.Fprint(stderr, "chatd ca issue: --csr and --out are required\n")
			return 2
		}
		err = op.issue(*csr, *out, *validity, *notBefore, *cn)
	case "revoke":
		if *serial == "" {
			fmt.Fprint(stderr, "chatd ca revoke: --serial is required\n")
			return 2
		}
		err = op.revoke(*serial)
	case "list":
		err = op.list()
	}
	if err != nil {
		fmt.Fprintf(stderr, "chatd ca %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// caOp performs one CA operation through the daemon or the data directory.
type caOp struct {
	dir    string
	stdout io.Writer
}

// daemon returns a client of the running chatd, or nil when none answers.
func (o *caOp) daemon(ctx context.Context) *admin.Client {
	b, err := os.ReadFile(filepath.Join(o.dir, server.AdminAddrFile))
	if err != nil {
		return nil
	}
	c := &admin.Client{Addr: strings.TrimSpace(string(b))}
	if c.Healthy(ctx) != nil {
		return nil
	}
	return c
}

// direct opens the store and the CA of the data directory.
func (o *caOp) direct() (*ca.CA, func(), error) {
	st, err := store.Open(filepath.Join(o.dir, "db"), nil)
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, nil, fmt.Errorf("%w; a chatd holds it but its admin address does not answer", err)
		}
		return nil, nil, err
	}
	authority, err := ca.LoadOrCreate(o.dir, ca.Options{Records: st})
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return authority, func() { _ = st.Close() }, nil
}

func (o *caOp) issue(csrFile, outFile, validity, notBefore, cn string) error {
	csrPEM, err := os.ReadFile(csrFile)
	if err != nil {
		return err
	}
	q := url.Values{}
	var opts ca.IssueOptions
	if validity != "" {
		d, err := time.ParseDuration(validity)
		if err != nil || d <= 0 {
			return fmt.Errorf("--validity: want a positive Go duration such as 8760h")
		}
		q.Set("validity", validity)
		opts.Validity = d
	}
	if notBefore != "" {
		t, err := time.Parse(time.RFC3339, notBefore)
		if err != nil {
			return fmt.Errorf("--not-before: want an RFC 3339 time: %w", err)
		}
		q.Set("not_before", notBefore)
		opts.NotBefore = t
	}
	if cn != "" {
		q.Set("cn", cn)
		opts.ExpectCN = cn
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var certPEM []byte
	if c := o.daemon(ctx); c != nil {
		certPEM, err = c.Issue(ctx, csrPEM, q)
	} else {
		certPEM, err = o.issueDirect(csrPEM, opts)
	}
	if err != nil {
		return err
	}
	if outFile == "-" {
		_, err = o.stdout.Write(certPEM)
		return err
	}
	return os.WriteFile(outFile, certPEM, 0o644)
}

func (o *caOp) issueDirect(csrPEM []byte, opts ca.IssueOptions) ([]byte, error) {
	der, err := admin.ParseCSRPEM(csrPEM)
	if err != nil {
		return nil, err
	}
	authority, closeStore, err := o.direct()
	if err != nil {
		return nil, err
	}
	defer closeStore()
	cert, err := authority.Issue(der, opts)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), nil
}

func (o *caOp) revoke(serialText string) error {
	serial, err := ca.ParseSerial(serialText)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c := o.daemon(ctx); c != nil {
		err = c.Revoke(ctx, ca.FormatSerial(serial))
	} else {
		var authority *ca.CA
		var closeStore func()
		authority, closeStore, err = o.direct()
		if err != nil {
			return err
		}
		defer closeStore()
		err = authority.Revoke(serial)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "revoked %s\n", ca.FormatSerial(serial))
	return nil
}

func (o *caOp) list() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var infos []admin.CertInfo
	if c := o.daemon(ctx); c != nil {
		var err error
		if infos, err = c.List(ctx); err != nil {
			return err
		}
	} else {
		authority, closeStore, err := o.direct()
		if err != nil {
			return err
		}
		defer closeStore()
		recs, err := authority.List()
		if err != nil {
			return err
		}
		infos = admin.CertInfos(recs)
	}
	tw := tabwriter.NewWriter(o.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIAL\tCN\tNOT AFTER\tSTATUS")
	for _, ci := range infos {
		status := "valid"
		switch {
		case ci.Revoked:
			status = "revoked " + ci.RevokedAt.Format(time.RFC3339)
		case time.Now().After(ci.NotAfter):
			status = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ci.Serial, ci.CN, ci.NotAfter.Format(time.RFC3339), status)
	}
	return tw.Flush()
}
