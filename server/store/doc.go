// Package store is the one Pebble key/value store of the chat server.
//
// A data directory holds a single store (DIR/db). Every write that is
// acknowledged to anybody is committed with [pebble.Sync]: when Set, Delete,
// Batch.Commit or NextSeq return nil, the data survives a crash of the
// process or of the machine. Syncs of the write-ahead log are at least
// [Options.SyncInterval] apart (1 ms by default): a synced commit that comes
// sooner waits and shares the next sync with the commits around it, which
// costs it at most that interval and saves an fsync per concurrent writer.
// Level 0 is compacted into the base level after eight flushes, not
// Pebble's two: new messages land all over the key space, so each such
// compaction rewrites the whole base level, and fewer of them keep those
// bursts from setting the latency of the messages sent meanwhile. New
// table files are written at no more than [Options.TableWriteRate] (16
// MiB/s by default), so that a compaction takes part of a core for longer
// rather than a whole core at once. With a debug-level [Options.Logger]
// the store logs every flush and compaction.
// The store is opened with an explicit Pebble
// format major version ([FormatMajorVersion]) and holds the directory lock for
// as long as it is open: a second Open of the same directory, from this or
// another process, fails at once with an error wrapping [ErrLocked].
//
// # Key schema
//
// Keys are byte strings ordered bytewise. The first path element names the
// owner of a key range; no two owners share a prefix:
//
//	ca/cert/<serial hex lower>        an issued certificate record (server/ca)
//	ca/revoked/<serial hex lower>     a revocation record (server/ca)
//	mqtt/...                          MQTT broker session state (server/mqttstore;
//	                                  its own schema is documented there)
//	user/...                          user accounts (protocol)
//	dev/...                           devices of users (protocol)
//	feed/...                          feed entries (protocol; for example
//	                                  feed/<feed>/<seq: 8 bytes BE> in sequence order)
//	inbox/...                         per-user inboxes (protocol)
//	room/...                          rooms and their members (protocol)
//	idx/...                           secondary indexes (protocol)
//	seq/<feed>                        the high-water mark of the feed sequence
//	                                  (8 bytes big-endian), see NextSeq
//
// Components that are free-form byte strings and are followed by another
// component must not contain the separator, or must be length-prefixed or
// fixed-width, so that a prefix scan of one owner never matches another.
// Numbers inside keys are fixed-width big-endian so that byte order is
// numeric order.
//
// # Sequences
//
// NextSeq hands out per-feed sequence numbers 1, 2, 3, ... The "seq/<feed>"
// key is written with a Pebble merge operator whose result is the maximum of
// all operands, so the persisted value is the largest number ever committed
// whatever order concurrent batches commit in. A number is in use only once
// the batch carrying it has committed; after a crash the counter resumes
// above every committed number. A number drawn by a batch that is never
// committed is skipped, never handed out again: sequences are strictly
// increasing and never reused, but may have gaps.
//
// Use [Batch.NextSeq] to draw a number and write the record that uses it in
// one atomic, synced commit; [Store.NextSeq] draws and commits a number on
// its own.
package store
