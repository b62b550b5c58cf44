// Package mqttstore is the mochi-mqtt storage hook of the chat server: it
// keeps MQTT session state in the shared Pebble database of server/store,
// under the key prefix "mqtt/", and gives it back to mochi at start
// (the Stored* methods). It follows mochi's hooks/storage/pebble and its
// record types (hooks/storage), with these differences: every write that
// precedes an acknowledgement is synced, the database is shared (Stop does
// not close it), iterators are closed, refused subscriptions are not stored,
// a session's subscriptions and inflight messages are deleted with it, a
// connection that was taken over never overwrites or deletes the state of
// the connection that took it over, and nothing in flight is stored for a
// session that ends with its connection (MQTT 5 session expiry 0, MQTT 3
// clean session), since no restart could deliver it to that session.
//
// # Key schema
//
//	mqtt/cl/<client id>                        storage.Client (JSON)
//	mqtt/sub/<client id*><filter>              storage.Subscription (JSON)
//	mqtt/infl/<client id*><packet id: 2 B BE>  storage.Message (JSON), inflight QoS 1/2
//	mqtt/ret/<topic>                           storage.Message (JSON), retained message
//	mqtt/pend/<number: 8 B BE>                 storage.Message (JSON), publish acknowledged
//	                                           but not yet fanned out (see below)
//	mqtt/sys                                   storage.SystemInfo (JSON), $SYS counters
//
// <client id*> is the client identifier with every 0x00 byte followed by
// 0xff, terminated by 0x00 0x01, so that the keys of one client form a
// range that no other client's keys fall into.
//
// # Durability against mochi's acknowledgements
//
// What mochi (v2.7.9, server.go) acknowledges, and which hook runs first:
//
//   - CONNACK: OnSessionEstablish runs before it, OnSessionEstablished after.
//     The client record (with the session expiry clamped as SendConnack
//     clamps it) is synced in OnSessionEstablish, together with the removal
//     of an earlier session on Clean Start.
//   - SUBACK / UNSUBACK: OnSubscribed / OnUnsubscribed run before them and
//     sync.
//   - PUBACK (QoS 1) / PUBREC (QoS 2) to a publisher: processPublish runs
//     OnPublish, then OnRetainMessage (retained messages are synced here),
//     then OnQosPublish for the publisher's own PUBREC state, then
//     writes the acknowledgement, and only then fans the message out to the
//     subscribers (publishToSubscribers, whose OnQosPublish calls store each
//     subscriber's inflight copy) and calls OnPublished. No hook sees the
//     subscribers' copies before the acknowledgement. To close that gap
//     OnPublish syncs the message as a pending record before the
//     acknowledgement, and OnPublished removes it once every subscriber's
//     copy is written. The copies and the removal are not synced: Pebble's
//     write-ahead log keeps commit order and a crash loses only a suffix
//     of it, so if the removal survives, every copy written before it
//     survives too, and otherwise the pending record is published again.
//     A fan-out to N subscribers costs the one sync of the pending record
//     instead of N sequential syncs. Messages the server publishes itself
//     (mochi's inline client) have no pending record, so their copies are
//     synced one by one; the chat protocol publishes its fan-out at QoS 0
//     and guarantees delivery through its own inbox instead. A publish
//     whose topic has no subscriber that could receive it after a restart
//     (a session that outlives its connection and a QoS 1 or 2
//     subscription, connected or not) gets no pending record and costs no
//     sync: the other subscribers' sessions end with the process anyway.
//     When the server starts, OnStarted (if Options.Server is set)
//     publishes every pending record again, as from its original client,
//     and removes it. A publish the broker cannot make durable is
//     refused: MQTT 5 gets PUBACK with reason 0x80, MQTT 3 no PUBACK.
//   - PUBCOMP to a QoS 2 publisher: written before OnQosComplete; a crash in
//     between leaves the PUBREC state, which mochi sends again when the
//     client reconnects and keeps until the client answers it with PUBREL;
//     meanwhile a new QoS 2 publish reusing that packet identifier is
//     answered with reason 0x91 (packet identifier in use).
//
// Remaining gaps, all of them at-least-once rather than loss:
//
//   - A subscriber whose copy survived a crash between PUBACK and
//     OnPublished receives the redelivered message a second time, under a
//     new packet identifier.
//   - A crash that loses the pending record's removal, or the removal of a
//     completed inflight copy, redelivers the message.
//   - After PUBREC from a subscriber, mochi moves the outbound QoS 2 flow to
//     PUBREL without calling any hook, so the stored copy stays a PUBLISH
//     and after a crash mochi resends it with DUP set instead of PUBREL;
//     the subscriber, which still holds the packet identifier, answers
//     PUBREC again without delivering twice [MQTT-4.3.3-10].
//   - Without Options.Server, pending records are kept but not redelivered.
//   - QoS 0 messages, $SYS counters (written unsynced) and messages mochi
//     drops by its own limits (MaximumInflight, exhausted packet identifiers)
//     are not covered.
//
// Add the hook after any hook that may reject or rewrite publishes in
// OnPublish (mochi stops the OnPublish chain at the first error), and close
// the store only after mqtt.Server.Close has returned.
package mqttstore
