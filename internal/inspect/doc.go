// Package inspect turns encoded CHAT payloads into readable trees with
// byte offsets: any BER/DER input as a tag tree in the manner of
// `openssl asn1parse`, optionally labelled with the field names of an
// ASN.1 type, and any Erlang External Term Format input as a term tree.
// It backs `chatcodec dump`.
package inspect
