package conformance_test

import (
	"testing"

	"github.com/chatim/chat/conformance"
	"github.com/chatim/chat/generated/chat"
)

// benchSamples are the values every codec benchmark of the project uses.
var benchSamples = []struct {
	name string
	v    chat.Value
}{
	{"SmallMessage", conformance.SmallMessage()},
	{"Roster50", conformance.Roster50()},
	{"History100", conformance.History100()},
}

// benchErlang times op on every sample inside the Erlang VM and reports
// Erlang's own time as erl-ns/op. input picks the sample's DER or ETF.
func benchErlang(b *testing.B, op string, useDER bool) {
	for _, s := range benchSamples {
		b.Run(s.name, func(b *testing.B) {
			p := erlangPeer(b)
			input := s.v.AppendETF(nil)
			if useDER {
				input = s.v.AppendDER(nil)
			}
			b.SetBytes(int64(len(input)))
			b.ResetTimer()
			ns, err := p.Bench(op, s.v.ASN1Type(), input, b.N)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(ns, "erl-ns/op")
		})
	}
}

// BenchmarkErlangEncodeDER measures 'CHAT':encode/2 (asn1, DER).
func BenchmarkErlangEncodeDER(b *testing.B) { benchErlang(b, "encode", false) }

// BenchmarkErlangDecodeDER measures 'CHAT':decode/2 (asn1, DER).
func BenchmarkErlangDecodeDER(b *testing.B) { benchErlang(b, "decode", true) }

// BenchmarkErlangTermToBinary measures term_to_binary/2 with
// minor_version 2.
func BenchmarkErlangTermToBinary(b *testing.B) { benchErlang(b, "term_to_binary", false) }

// BenchmarkErlangBinaryToTerm measures binary_to_term/1.
func BenchmarkErlangBinaryToTerm(b *testing.B) { benchErlang(b, "binary_to_term", false) }
