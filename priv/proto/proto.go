// Package proto embeds the CHAT ASN.1 module, the wire contract every tool
// is generated from, so that binaries can show field names without the
// source tree at hand.
package proto

import _ "embed"

// CHAT is the text of CHAT.asn1.
//
//go:embed CHAT.asn1
var CHAT []byte

// CHATFile is the name CHAT is parsed under, for error positions.
const CHATFile = "priv/proto/CHAT.asn1"
