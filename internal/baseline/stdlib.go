package baseline

import "encoding/asn1"

// StdCHATMessage is TextMessage expressed for encoding/asn1, the
// reflection-based baseline. CHOICE alternatives become implicit tags on the
// chosen alternative, the empty link a RawValue.
type StdCHATMessage struct {
	No      int64
	Headers [][]byte
	Body    StdMessage `asn1:"tag:4"`
}

// StdMessage is Message with a p2p feed.
type StdMessage struct {
	ID        []byte
	Feed      StdP2P `asn1:"tag:0"`
	Signature []byte
	From      []byte
	To        []byte
	Created   int64
	Files     []StdFileDesc
	Type      asn1.Enumerated
	Link      asn1.RawValue
	Seenby    []byte
	Repliedby []byte
	Mentioned [][]byte
	Status    asn1.Enumerated `asn1:"optional,default:3"`
}

// StdP2P is P2P.
type StdP2P struct {
	From []byte
	To   []byte
}

// StdFileDesc is FileDesc.
type StdFileDesc struct {
	ID       []byte
	Mime     []byte
	Payload  asn1.RawValue
	ParentID []byte
	Data     []StdFeature
}

// StdFeature is Feature.
type StdFeature struct {
	ID    []byte
	Key   []byte
	Value []byte
	Group []byte
}

// Std converts m to its encoding/asn1 form.
func (m *TextMessage) Std() StdCHATMessage {
	s := StdCHATMessage{No: m.No, Headers: m.Headers, Body: StdMessage{
		ID: m.ID, Feed: StdP2P{m.FeedFrom, m.FeedTo}, Signature: m.Signature,
		From: m.From, To: m.To, Created: m.Created, Type: asn1.Enumerated(m.Type),
		Link:   asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: []byte{}},
		Seenby: m.Seenby, Repliedby: m.Repliedby, Mentioned: m.Mentioned,
		Status: asn1.Enumerated(m.Status),
	}}
	for _, f := range m.Files {
		s.Body.Files = append(s.Body.Files, StdFileDesc{ID: f.ID, Mime: f.Mime,
			Payload: asn1.RawValue{FullBytes: f.Payload}, ParentID: f.ParentID, Data: []StdFeature{}})
	}
	return s
}

// Sample is the text message the benchmarks encode: a p2p message from
// alice to bob with one inline text/plain file, about 260 bytes of DER.
func Sample() TextMessage {
	text := []byte("Hello Bob! Are we still on for the design review at three? I will bring the ASN.1 notes and the DER test vectors from the Erlang side.")
	payload := appendBytes(nil, 0x0c, text) // UTF8String TLV
	return TextMessage{
		No:        42,
		Headers:   [][]byte{[]byte("v1")},
		ID:        []byte("00000000000000001024"),
		FeedFrom:  []byte("alice"),
		FeedTo:    []byte("bob"),
		Signature: []byte{},
		From:      []byte("alice"),
		To:        []byte("bob"),
		Created:   1790000000123,
		Files: []File{{
			ID: []byte("f1"), Mime: []byte("text/plain"), Payload: payload, ParentID: []byte{},
		}},
		Type:      1,
		Seenby:    []byte{},
		Repliedby: []byte{},
		Mentioned: [][]byte{[]byte("bob")},
		Status:    statusClear,
	}
}
