// Package baseline holds the reference points the generated codecs are
// measured against in BENCHMARKS.md: a hand-written append-style DER encoder
// and cursor decoder for one shape of CHATMessage (a text Message on a p2p
// feed, the floor a generator should approach), and the same value expressed
// for Go's reflection-based encoding/asn1.
//
// Nothing here is used by the product; it exists so that the benchmarks
// compare against baselines measured in the same run.
package baseline
