// Package chat is the CHAT protocol: a mochi hook that serves the requests
// clients publish on events/<client id> against the store, and the
// in-memory authorisation facts the ACL hook consults.
//
// # Dispatch
//
// Every payload on events/<client> is one CHATMessage{no, headers, body};
// its first byte names the format (0x30 DER, 0x83 ETF). It is decoded once,
// in the client's reading goroutine before the broker acknowledges the
// PUBLISH, so a client's requests are served one at a time and in order and
// a client flooding garbage delays only itself. The reply goes to
// actions/<client> in the request's format with the request's no; an
// undecodable payload gets ERROR invalid_data with no 0 (DER unless it
// starts with 0x83) and changes nothing. Refusals are ERROR{code} with the
// codes of priv/proto/README.md: invalid_data, not_implemented,
// not_authorized, not_found, conflict, too_large, and internal for a failure
// of the store (nothing was changed; the request may be retried).
// Anonymous clients (anon.<device>) may only send Register. A request
// with no 0 (NoReply) is served without any reply, success or refusal:
// clients send their inbox Acks so.
//
// Replies are published with QoS 1 (a client subscribed to its actions/
// topic with QoS 1 and a persistent session gets a missed reply on
// reconnect); everything else with QoS 0: delivery guarantees come from the
// protocol (inbox and Ack below), not from MQTT, which spares a persisted
// inflight record per delivery. Server-initiated messages have no 0. Broadcasts on shared
// topics (private/, room/, contacts/, devices/) use the format of the
// request that caused them; redeliveries and presence use the format the
// receiving device last used (kept in its device record, DER by default).
//
// # Sub-protocols
//
// One file per sub-protocol: register.go and auth.go (AUTH), profile.go,
// roster.go, friend.go, message.go and file.go (MESSAGE, FILE),
// delivery.go (DELIVERY and the Ack of recipients), history.go, room.go and
// member.go (ROOM, MEMBER), presence.go, typing.go, search.go. Each
// documents its requests. Feeds are named by their table: "p2p/<a>/<b>"
// with a < b for the private feed of two users (topic private/<a>/<b>) and
// "muc/<room>" for a room (topic room/<room>). Message ids are the decimal
// rendering of the feed's sequence number (1, 2, ...), strictly increasing
// per feed; created is the server's time in Unix milliseconds. Message text
// travels as a FileDesc with a text/... mime type whose payload is a DER
// OCTET STRING or UTF8String.
//
// # Delivery
//
// A new message is written to its feed and to the inbox of every
// recipient (every party or member but the sender) in one synced batch,
// then published on the feed topic, then acknowledged to the sender with
// Ack{table, id}. An inbox entry stays until its user sends Ack{table, id}
// (from any device). An Ack with no 0 gets no reply and its delete is not
// synced: a crash may undo it, and the entry is then delivered once more
// (recipients know it by its id). An Ack that asks for a reply is synced
// before the OK. Entries are sent again, in inbox order, on
// actions/<client> of every connected device of the user, as
// CHATMessage{no 0, message}: when a device subscribes to its actions/
// topic (every reconnect), and when a connected user has not acknowledged
// a delivered entry within Options.AckTimeout. At most Options.MaxUnacked
// entries per user are outstanding; the rest follow as Acks arrive. An edit
// or deletion of a message already acknowledged puts it into the inbox
// again (the entry always delivers the current version).
//
// # Storage schema
//
// Records are the DER encodings of the generated types; keys are built in
// keys.go. Nicknames, device names and room ids never contain '/';
// numbers are 8-byte big-endian.
//
//	user/<nick>/password             Argon2id hash (server/auth)
//	user/<nick>/profile              Profile (phone, keys, settings, servers)
//	user/<nick>/contact/<other>      Contact: nick's view of other (status
//	                                 request, authorization, friend, ignore, ban)
//	user/<nick>/room/<room>          empty: nick is a member of room
//	dev/<nick>/<device>              Auth: the session <nick>.<device>
//	                                 (certificate, SHA-256 of the token, push,
//	                                 os, settings incl. the device's format)
//	ca/cert/<serial>                 issued certificates (server/ca)
//	feed/p2p/<a>/<b>/<id>            Message of a private feed
//	feed/muc/<room>/<id>             Message of a room (system messages too)
//	seq/p2p/<a>/<b>, seq/muc/<room>  the feeds' sequences (server/store NextSeq)
//	inbox/<nick>/q/<n>               Ack{table, id}: an undelivered message,
//	                                 in arrival order (n from seq/inbox/<nick>)
//	inbox/<nick>/r/<table>/<id>      n: finds the entry an Ack deletes
//	room/<room>/info                 Room (name, description, settings, ...)
//	room/<room>/member/<nick>        Member (alias = nickname, status = role,
//	                                 id = join time, settings: mute)
//	idx/user/<nick>                  empty: the users, for search by nickname
//	idx/phone/<phone>/<nick>         empty: search by phone
//	idx/room/<room>                  the room's name, for search by name
//
// Every request commits at most one batch after all its checks, so a
// refused or failed request leaves nothing behind. Registration is the
// exception the CA imposes: the certificate record is written by the CA
// before the batch, and revoked if the batch fails.
//
// # Facts
//
// Facts holds friendships (both views friend), bans and room memberships
// with roles in memory. New loads it from the store; handlers update it
// after each committed change, under the same lock as the change. It
// implements auth.Facts for the ACL hook: contacts/<b> is readable by b's
// friends, room/<id> by the room's members.
package chat
