// Package etf reads and writes the Erlang External Term Format for the
// terms that generated code needs, byte for byte as Erlang/OTP's
// term_to_binary(Term, [{minor_version, 2}]) writes them.
//
// Encoders are append-style and never fail. The Decoder accepts every
// encoding Erlang emits for these terms (latin-1 and UTF-8 atoms, small and
// large integers and bignums, strings and lists, compressed terms) and is
// strict about everything else: improper lists, out-of-range integers and
// trailing data are errors, every count is checked against the bytes
// remaining before anything is allocated, nesting is bounded by
// Limits.MaxDepth and a compressed term may not inflate beyond
// Limits.MaxSize.
package etf
