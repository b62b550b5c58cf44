// Package admin is chatd's operator interface: an HTTP server, bound to
// loopback by default (127.0.0.1:9090), with
//
//	GET  /healthz               200 "ok" while the broker and the store are up, 503 otherwise
//	GET  /metrics               Prometheus metrics (see Metrics)
//	POST /ca/issue              body: a PEM CERTIFICATE REQUEST; answer: the issued certificate, PEM
//	                            (query: validity=<Go duration>, not_before=<RFC 3339>, cn=<expected CN>)
//	POST /ca/revoke?serial=HEX  revoke the certificate with that serial
//	GET  /ca/list               every issued certificate, JSON (see CertInfo)
//
// The /ca/ endpoints answer only requests from a loopback address that
// carry no Origin header (no web page can drive them), whatever address
// the server is bound to. Client talks to them; chatd's "ca" subcommands
// use it.
package admin
