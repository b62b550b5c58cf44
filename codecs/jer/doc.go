// Package jer is the runtime of the generated JSON codecs: a JSON form of
// ASN.1 values in the style of the JSON Encoding Rules (X.697).
//
// SEQUENCE and SET are objects keyed by the ASN.1 component names (absent
// OPTIONAL components omitted), CHOICE is {"alternative": value},
// ENUMERATED is the identifier as a string, INTEGER a number, BOOLEAN a
// boolean, NULL null, OCTET STRING and ANY a hex string, character strings
// strings, BIT STRING {"value": hex, "length": bits}, OBJECT IDENTIFIER
// the dotted string, SEQUENCE OF and SET OF arrays.
//
// Encoding is append-style. Decoding reads tokens with encoding/json; it is
// strict (unknown and duplicate members, missing required members and
// values of the wrong JSON type are errors) and reports the path of the
// offending value, like the der and etf decoders.
package jer
