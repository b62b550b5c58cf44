// Package client is the CHAT client library: it registers a user with a
// chat server, connects as that user over any transport the server offers
// (tls://, quic://, ws://, tcp://), sends requests and matches their
// replies by the request number, keeps the subscriptions a user needs
// (replies, devices, private feeds of friends, rooms) and turns everything
// the server pushes into a stream of Events.
//
// A Conn is one MQTT connection: Dial, then Request (or the typed methods
// Send, History, Friend, RoomRequest, ...), Events, Close. A refusal is an
// *Error carrying the ERROR reply's code; errors.Is matches the sentinels
// ErrNotAuthorized, ErrNotFound, ErrConflict, ... Failures to connect match
// ErrUnreachable, ErrUnknownServer (certificate not trusted) or
// ErrRejected (credentials refused).
//
// A Session keeps a Conn alive across network failures, reconnecting with
// backoff, following new friends and rooms, and reporting its state.
//
// Messages carry text as a FileDesc of mime text/plain with a DER
// UTF8String payload (TextFile, Text); files travel in parts (FilePart).
// A recipient acknowledges each message it receives with Ack, which
// removes it from its inbox on the server; Delivered additionally tells
// the author, as a Typing notice whose one comment is "delivered:<id>"
// (forwarded, never stored).
package client
