package mqttstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/storage"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/mochi-mqtt/server/v2/system"

	"github.com/chatim/chat/server/store"
)

// ErrStopped is returned (and logged) for writes attempted after the hook
// was stopped.
var ErrStopped = errors.New("mqttstore: hook stopped")

// Options configures the Hook; pass a *Options to mqtt.Server.AddHook.
type Options struct {
	// DB is the shared Pebble database (store.Store.DB()). Required. The
	// hook never closes it.
	DB *pebble.DB

	// Server is the broker the hook is added to. When set, publishes that
	// were acknowledged but not yet fanned out at a crash are redelivered to
	// their subscribers when the server starts. Nil disables redelivery.
	Server *mqtt.Server

	// Unsubscribable reports topics that no client can ever subscribe to
	// (chatd's events/<client> requests, consumed by a hook in OnPublish):
	// a publish to one has no subscriber copy to protect, so it gets no
	// pending record and costs no sync here. Nil means every topic may
	// have subscribers.
	Unsubscribable func(topic string) bool
}

// Hook persists MQTT session state: clients, subscriptions, inflight
// messages, retained messages and $SYS counters. Add it after every hook
// that may reject or rewrite publishes.
type Hook struct {
	mqtt.HookBase

	db             *pebble.DB
	server         *mqtt.Server
	unsubscribable func(topic string) bool

	mu      sync.RWMutex // read-held by writes, write-held by Stop
	stopped bool

	pendSeq atomic.Uint64 // last number used in a pending key
	pending sync.Map      // pendRef -> uint64 pending key number
}

// pendRef names an inbound publish between OnPublish and OnPublished.
type pendRef struct {
	cl *mqtt.Client
	id uint16
}

// ID returns the id of the hook.
func (h *Hook) ID() string { return "chat-mqttstore" }

// Provides indicates which hook methods this hook provides.
func (h *Hook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnStarted,
		mqtt.OnSessionEstablish,
		mqtt.OnDisconnect,
		mqtt.OnSubscribed,
		mqtt.OnUnsubscribed,
		mqtt.OnPublish,
		mqtt.OnPublished,
		mqtt.OnRetainMessage,
		mqtt.OnWillSent,
		mqtt.OnQosPublish,
		mqtt.OnQosComplete,
		mqtt.OnQosDropped,
		mqtt.OnSysInfoTick,
		mqtt.OnClientExpired,
		mqtt.OnRetainedExpired,
		mqtt.StoredClients,
		mqtt.StoredInflightMessages,
		mqtt.StoredRetainedMessages,
		mqtt.StoredSubscriptions,
		mqtt.StoredSysInfo,
	}, []byte{b})
}

// Init takes a *Options with a non-nil DB.
func (h *Hook) Init(config any) error {
	opts, ok := config.(*Options)
	if !ok || opts == nil {
		return mqtt.ErrInvalidConfigType
	}
	if opts.DB == nil {
		return errors.New("mqttstore: Options.DB is nil")
	}
	h.db, h.server, h.unsubscribable = opts.DB, opts.Server, opts.Unsubscribable
	// Continue numbering above any pending record left by a crash.
	var last uint64
	err := h.scan(pendingPrefix, func(k, _ []byte) error {
		last = binary.BigEndian.Uint64(k[len(pendingPrefix):])
		return nil
	})
	if err != nil {
		return err
	}
	h.pendSeq.Store(last)
	return nil
}

// Stop ends all writes. The database stays open: it belongs to the store.
func (h *Hook) Stop() error {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
	return nil
}

// write commits b; sync is false only for data that may be lost (it can
// be rebuilt, or losing it causes at most a duplicate delivery).
func (h *Hook) write(b *pebble.Batch, sync bool) error {
	defer b.Close()
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.stopped {
		return ErrStopped
	}
	opt := pebble.Sync
	if !sync {
		opt = pebble.NoSync
	}
	if err := b.Commit(opt); err != nil {
		return fmt.Errorf("mqttstore: commit: %w", err)
	}
	return nil
}

// set writes one value, synced.
func (h *Hook) set(key []byte, v storage.Serializable, sync bool) error {
	data, err := v.MarshalBinary()
	if err != nil {
		return fmt.Errorf("mqttstore: encode %q: %w", key, err)
	}
	b := h.db.NewBatch()
	_ = b.Set(key, data, nil)
	return h.write(b, sync)
}

// deleteKeys deletes the keys that exist, with one synced commit, and
// skips the commit (and its sync) when none does.
func (h *Hook) deleteKeys(keys ...[]byte) error {
	h.mu.RLock()
	stopped := h.stopped
	h.mu.RUnlock()
	if stopped {
		return ErrStopped
	}
	b := h.db.NewBatch()
	for _, k := range keys {
		_, closer, err := h.db.Get(k)
		if errors.Is(err, pebble.ErrNotFound) {
			continue
		}
		if err != nil {
			b.Close()
			return fmt.Errorf("mqttstore: get %q: %w", k, err)
		}
		closer.Close()
		_ = b.Delete(k, nil)
	}
	if b.Empty() {
		b.Close()
		return nil
	}
	return h.write(b, true)
}

// scan calls fn for every key under prefix.
func (h *Hook) scan(prefix string, fn func(k, v []byte) error) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.stopped {
		return ErrStopped
	}
	it, err := h.db.NewIter(store.PrefixBounds([]byte(prefix)))
	if err != nil {
		return fmt.Errorf("mqttstore: scan %s: %w", prefix, err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("mqttstore: scan %s: %w", prefix, err)
	}
	return nil
}

func (h *Hook) logErr(msg string, err error, cl *mqtt.Client) {
	if err == nil {
		return
	}
	if cl != nil {
		h.Log.Error(msg, "error", err, "client", cl.ID)
		return
	}
	h.Log.Error(msg, "error", err)
}

// clientRecord converts a client to its stored form. The session expiry is
// clamped as SendConnack will clamp it, since OnSessionEstablish runs before.
func (h *Hook) clientRecord(cl *mqtt.Client) *storage.Client {
	props := cl.Properties.Props.Copy(false)
	if h.Opts != nil && h.Opts.Capabilities != nil && props.SessionExpiryInterval > h.Opts.Capabilities.MaximumSessionExpiryInterval {
		props.SessionExpiryInterval = h.Opts.Capabilities.MaximumSessionExpiryInterval
		props.SessionExpiryIntervalFlag = true
	}
	return &storage.Client{
		ID:              cl.ID,
		T:               storage.ClientKey,
		Remote:          cl.Net.Remote,
		Listener:        cl.Net.Listener,
		Username:        cl.Properties.Username,
		Clean:           cl.Properties.Clean,
		ProtocolVersion: cl.Properties.ProtocolVersion,
		Properties: storage.ClientProperties{
			SessionExpiryInterval:     props.SessionExpiryInterval,
			SessionExpiryIntervalFlag: props.SessionExpiryIntervalFlag,
			AuthenticationMethod:      props.AuthenticationMethod,
			AuthenticationData:        props.AuthenticationData,
			RequestProblemInfo:        props.RequestProblemInfo,
			RequestProblemInfoFlag:    props.RequestProblemInfoFlag,
			RequestResponseInfo:       props.RequestResponseInfo,
			ReceiveMaximum:            props.ReceiveMaximum,
			TopicAliasMaximum:         props.TopicAliasMaximum,
			User:                      props.User,
			MaximumPacketSize:         props.MaximumPacketSize,
		},
		Will: storage.ClientWill(cl.Properties.Will),
	}
}

// messageRecord converts a publish packet to its stored form.
func messageRecord(t, clientID string, pk packets.Packet, sent int64) *storage.Message {
	props := pk.Properties.Copy(false)
	return &storage.Message{
		T:           t,
		Client:      clientID,
		Origin:      pk.Origin,
		PacketID:    pk.PacketID,
		FixedHeader: pk.FixedHeader,
		TopicName:   pk.TopicName,
		Payload:     pk.Payload,
		Created:     pk.Created,
		Sent:        sent,
		Properties: storage.MessageProperties{
			PayloadFormat:          props.PayloadFormat,
			PayloadFormatFlag:      props.PayloadFormatFlag,
			MessageExpiryInterval:  props.MessageExpiryInterval,
			ContentType:            props.ContentType,
			ResponseTopic:          props.ResponseTopic,
			CorrelationData:        props.CorrelationData,
			SubscriptionIdentifier: props.SubscriptionIdentifier,
			TopicAlias:             props.TopicAlias,
			User:                   props.User,
		},
	}
}

// deleteSession adds the deletion of a client's record, subscriptions and
// inflight messages to b.
func deleteSession(b *pebble.Batch, id string) {
	_ = b.Delete(clientKey(id), nil)
	for _, p := range [][]byte{clientSubPrefix(id), clientInflightPrefix(id)} {
		_ = b.DeleteRange(p, store.PrefixEnd(p), nil)
	}
}

// OnSessionEstablish stores the client before CONNACK is sent; with Clean
// Start the stored subscriptions and inflight messages of an earlier session
// go in the same commit [MQTT-3.1.2-4].
func (h *Hook) OnSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	data, err := h.clientRecord(cl).MarshalBinary()
	if err != nil {
		h.logErr("encode client", err, cl)
		return
	}
	b := h.db.NewBatch()
	if pk.Connect.Clean {
		deleteSession(b, cl.ID)
	}
	_ = b.Set(clientKey(cl.ID), data, nil)
	h.logErr("store client", h.write(b, true), cl)
}

// OnWillSent stores the client without its will message.
func (h *Hook) OnWillSent(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || cl.IsTakenOver() {
		return
	}
	h.logErr("store client", h.set(clientKey(cl.ID), h.clientRecord(cl), true), cl)
}

// OnDisconnect stores the client's final properties (DISCONNECT may change
// the session expiry), or deletes its whole session if it expires now. A
// connection taken over by a new one leaves the record to the new one.
func (h *Hook) OnDisconnect(cl *mqtt.Client, _ error, expire bool) {
	h.pending.Range(func(k, _ any) bool {
		if ref := k.(pendRef); ref.cl == cl {
			// mochi never fanned this publish out (writing its
			// acknowledgement failed): the client did not get the ack and
			// will publish it again.
			if n, ok := h.pending.LoadAndDelete(ref); ok {
				h.logErr("delete pending publish", h.deleteKeys(pendingKey(n.(uint64))), cl)
			}
		}
		return true
	})
	if cl.IsTakenOver() || errors.Is(cl.StopCause(), packets.ErrSessionTakenOver) {
		return
	}
	if expire {
		b := h.db.NewBatch()
		deleteSession(b, cl.ID)
		h.logErr("delete session", h.write(b, true), cl)
		return
	}
	if cl.Net.Conn == nil {
		return // an offline client just restored from the store: nothing changed
	}
	h.logErr("store client", h.set(clientKey(cl.ID), h.clientRecord(cl), true), cl)
}

// OnClientExpired deletes the session of an expired client.
func (h *Hook) OnClientExpired(cl *mqtt.Client) {
	b := h.db.NewBatch()
	deleteSession(b, cl.ID)
	h.logErr("delete expired session", h.write(b, true), cl)
}

// OnSubscribed stores the granted subscriptions before SUBACK is sent.
func (h *Hook) OnSubscribed(cl *mqtt.Client, pk packets.Packet, reasonCodes []byte) {
	b := h.db.NewBatch()
	for i, f := range pk.Filters {
		if i >= len(reasonCodes) || reasonCodes[i] >= packets.ErrUnspecifiedError.Code {
			continue // refused: nothing to restore
		}
		data, err := storage.Subscription{
			ID:                string(subKey(cl.ID, f.Filter)),
			T:                 storage.SubscriptionKey,
			Client:            cl.ID,
			Qos:               reasonCodes[i],
			Filter:            f.Filter,
			Identifier:        f.Identifier,
			NoLocal:           f.NoLocal,
			RetainHandling:    f.RetainHandling,
			RetainAsPublished: f.RetainAsPublished,
		}.MarshalBinary()
		if err != nil {
			h.logErr("encode subscription", err, cl)
			continue
		}
		_ = b.Set(subKey(cl.ID, f.Filter), data, nil)
	}
	if b.Empty() {
		b.Close()
		return
	}
	h.logErr("store subscriptions", h.write(b, true), cl)
}

// OnUnsubscribed deletes subscriptions before UNSUBACK is sent.
func (h *Hook) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	keys := make([][]byte, len(pk.Filters))
	for i, f := range pk.Filters {
		keys[i] = subKey(cl.ID, f.Filter)
	}
	h.logErr("delete subscriptions", h.deleteKeys(keys...), cl)
}

// OnPublish records a QoS 1 or 2 publish as pending before mochi
// acknowledges it: mochi sends PUBACK/PUBREC before it fans the message out
// to subscribers, so until OnPublished the pending record is the only
// durable copy. If it cannot be written the publish is refused (MQTT 5:
// PUBACK with reason 0x80; MQTT 3: no acknowledgement). A publish that no
// subscriber could receive after a restart (see durableSubscriber) needs
// no durable copy and gets none.
func (h *Hook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline || pk.FixedHeader.Qos == 0 || h.unsubscribable != nil && h.unsubscribable(pk.TopicName) {
		return pk, nil
	}
	if !h.durableSubscriber(pk.TopicName) {
		return pk, nil
	}
	rec := messageRecord(storage.InflightKey, cl.ID, pk, 0)
	rec.Origin = cl.ID
	rec.FixedHeader.Retain = false // stored separately by OnRetainMessage
	rec.Properties.TopicAlias = 0  // the topic name is already resolved
	n := h.pendSeq.Add(1)
	if err := h.set(pendingKey(n), rec, true); err != nil {
		h.logErr("store pending publish", err, cl)
		if cl.Properties.ProtocolVersion == 5 {
			return pk, packets.ErrUnspecifiedError
		}
		return pk, packets.ErrRejectPacket
	}
	h.pending.Store(pendRef{cl, pk.PacketID}, n)
	return pk, nil
}

// durableSubscriber reports whether a subscriber of topic could receive a
// QoS 1 or 2 message after a restart of the server: one whose session
// outlives its connection (MQTT 5 session expiry above 0, MQTT 3 without
// clean session), connected or not, subscribed with QoS 1 or 2. The
// sessions of all others end with the process, and a QoS 0 delivery is
// never redelivered. A subscriber that arrives after the check did not
// subscribe before the publish was accepted and is owed nothing. Without
// a Server every topic counts as having one.
func (h *Hook) durableSubscriber(topic string) bool {
	if h.server == nil {
		return true
	}
	subs := h.server.Topics.Subscribers(topic)
	durable := func(id string, sub packets.Subscription) bool {
		if sub.Qos == 0 {
			return false
		}
		cl, ok := h.server.Clients.Get(id)
		return !ok || sessionOutlivesConnection(cl)
	}
	for id, sub := range subs.Subscriptions {
		if durable(id, sub) {
			return true
		}
	}
	for _, group := range subs.Shared {
		for id, sub := range group {
			if durable(id, sub) {
				return true
			}
		}
	}
	return false
}

// sessionOutlivesConnection reports whether cl's session is kept after its
// connection ends, as mochi decides it on disconnect.
func sessionOutlivesConnection(cl *mqtt.Client) bool {
	if cl.Properties.ProtocolVersion == 5 {
		return cl.Properties.Props.SessionExpiryInterval > 0
	}
	return !cl.Properties.Clean
}

// OnPublished drops the pending record once the publish has been fanned
// out: every subscriber's inflight copy was synced by OnQosPublish. The
// deletion is not synced itself; if a crash loses it the message is
// delivered again (at least once).
func (h *Hook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || pk.FixedHeader.Qos == 0 {
		return
	}
	n, ok := h.pending.LoadAndDelete(pendRef{cl, pk.PacketID})
	if !ok {
		return
	}
	b := h.db.NewBatch()
	_ = b.Delete(pendingKey(n.(uint64)), nil)
	h.logErr("delete pending publish", h.write(b, false), cl)
}

// OnRetainMessage stores (or, for r == -1, deletes) a retained message;
// mochi calls it before acknowledging the publish.
func (h *Hook) OnRetainMessage(cl *mqtt.Client, pk packets.Packet, r int64) {
	if r == -1 {
		h.logErr("delete retained", h.deleteKeys(retainedKey(pk.TopicName)), cl)
		return
	}
	rec := messageRecord(storage.RetainedKey, cl.ID, pk, 0)
	rec.ID = string(retainedKey(pk.TopicName))
	h.logErr("store retained", h.set(retainedKey(pk.TopicName), rec, true), cl)
}

// OnRetainedExpired deletes an expired retained message.
func (h *Hook) OnRetainedExpired(topic string) {
	h.logErr("delete retained", h.deleteKeys(retainedKey(topic)), nil)
}

// OnQosPublish stores an inflight message before mochi writes it, without
// a sync of its own. It needs none: the publish it copies was synced as a
// pending record before it was acknowledged, and Pebble's log keeps commit
// order, so a crash loses only a suffix of the writes that follow. Either
// the pending record's deletion (OnPublished) survived, and then so did
// every copy written before it, or the pending record survived and is
// published again at start (at least once). One fan-out to N subscribers
// thus costs one fsync, not N sequential ones; a message the server
// publishes itself is synced per copy. PUBACK and PUBCOMP entries
// are not stored: mochi removes them right after sending them. Nor is
// anything stored for a client whose session ends with its connection
// (sessionOutlivesConnection): no restart could deliver it to that session.
func (h *Hook) OnQosPublish(cl *mqtt.Client, pk packets.Packet, sent int64, _ int) {
	if cl.Net.Inline || pk.FixedHeader.Type == packets.Puback || pk.FixedHeader.Type == packets.Pubcomp || !sessionOutlivesConnection(cl) {
		return
	}
	rec := messageRecord(storage.InflightKey, cl.ID, pk, sent)
	rec.ID = string(inflightKey(cl.ID, pk.PacketID))
	// A message the server itself publishes (the inline client: replies
	// and notices) has no pending record to ride on: its copy is synced.
	sync := pk.Origin == mqtt.InlineClientId
	h.logErr("store inflight", h.set(inflightKey(cl.ID, pk.PacketID), rec, sync), cl)
}

// OnQosComplete deletes a completed inflight message, unsynced and without
// reading it first: a deletion lost in a crash redelivers the message (at
// least once), and deleting a missing key is harmless.
func (h *Hook) OnQosComplete(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || !sessionOutlivesConnection(cl) {
		return
	}
	b := h.db.NewBatch()
	_ = b.Delete(inflightKey(cl.ID, pk.PacketID), nil)
	h.logErr("delete inflight", h.write(b, false), cl)
}

// OnQosDropped deletes a dropped inflight message, except for a session
// being taken over: mochi clears the old connection's inflight messages
// after handing them to the new one, which still needs the stored copies.
func (h *Hook) OnQosDropped(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || cl.IsTakenOver() || !sessionOutlivesConnection(cl) {
		return
	}
	h.logErr("delete inflight", h.deleteKeys(inflightKey(cl.ID, pk.PacketID)), cl)
}

// OnSysInfoTick stores the $SYS counters, unsynced: they are statistics.
func (h *Hook) OnSysInfoTick(sys *system.Info) {
	rec := &storage.SystemInfo{ID: sysInfoKey, T: storage.SysInfoKey, Info: *sys.Clone()}
	h.logErr("store sys info", h.set([]byte(sysInfoKey), rec, false), nil)
}
