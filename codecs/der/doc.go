// Package der reads and writes the Distinguished Encoding Rules of
// ITU-T X.690 §10 for the primitives that generated code needs.
//
// Encoders are append-style: they never fail and never allocate when the
// destination has enough capacity. Constructed values are written with
// Begin and End, which back-patch the length.
//
// Decoding is strict. A Decoder is a cursor over one input whose methods
// advance only on success. It rejects indefinite lengths (§10.1),
// non-minimal lengths (§10.1), non-minimal INTEGERs (§8.3.2), BOOLEANs other
// than 00 and FF (§11.1), constructed strings (§10.2), non-minimal
// high-tag-number forms (§8.1.2.4), SET OF elements out of order (§11.6,
// through SkipOrdered) and trailing data. Every length is
// checked against the bytes remaining before anything is sliced, so a
// declared length never causes an allocation, and nesting is bounded by
// Limits.MaxDepth.
//
// A constructed element is read in place: Descend narrows the Decoder to
// its contents and Ascend widens it back, so generated code uses one
// Decoder per input (Enter, which returns a second Decoder, remains for
// other callers). The Try methods (TryOctetString, TryInteger, TryNull,
// TryDescend) are fast paths small enough to be inlined into generated
// code, which knows each component's identifier octet: they read the
// common short forms or decline without advancing, and the full methods
// handle everything else, including every error.
//
// Errors are *DecodeError values carrying the byte offset and the path of
// fields being decoded; they unwrap to one of the package's sentinel errors.
package der
