package mqttstore

import (
	"errors"

	"github.com/cockroachdb/pebble"
	"github.com/mochi-mqtt/server/v2/hooks/storage"
	"github.com/mochi-mqtt/server/v2/packets"
)

// loadAll decodes every record under prefix with decode; a record that does
// not decode is logged and skipped so that one bad record cannot keep the
// broker from starting.
func loadAll[T any, P interface {
	*T
	storage.Serializable
}](h *Hook, prefix string) ([]T, error) {
	var out []T
	err := h.scan(prefix, func(k, v []byte) error {
		var item T
		if err := P(&item).UnmarshalBinary(v); err != nil {
			h.Log.Error("mqttstore: skipping undecodable record", "key", string(k), "error", err)
			return nil
		}
		out = append(out, item)
		return nil
	})
	return out, err
}

// StoredClients returns the stored clients.
func (h *Hook) StoredClients() ([]storage.Client, error) {
	return loadAll[storage.Client](h, clientPrefix)
}

// StoredSubscriptions returns the stored subscriptions.
func (h *Hook) StoredSubscriptions() ([]storage.Subscription, error) {
	return loadAll[storage.Subscription](h, subPrefix)
}

// StoredInflightMessages returns the stored inflight messages.
func (h *Hook) StoredInflightMessages() ([]storage.Message, error) {
	return loadAll[storage.Message](h, inflightPrefix)
}

// StoredRetainedMessages returns the stored retained messages.
func (h *Hook) StoredRetainedMessages() ([]storage.Message, error) {
	return loadAll[storage.Message](h, retainedPrefix)
}

// StoredSysInfo returns the stored $SYS counters (zero if none).
func (h *Hook) StoredSysInfo() (storage.SystemInfo, error) {
	var v storage.SystemInfo
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.stopped {
		return v, ErrStopped
	}
	data, closer, err := h.db.Get([]byte(sysInfoKey))
	if errors.Is(err, pebble.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	defer closer.Close()
	if err := v.UnmarshalBinary(data); err != nil {
		h.Log.Error("mqttstore: skipping undecodable sys info", "error", err)
		return storage.SystemInfo{}, nil
	}
	return v, nil
}

// OnStarted redelivers the publishes that were acknowledged but not yet
// fanned out when the previous process stopped (see OnPublish). They go
// through the broker again as if from their original client, so retained
// state is untouched and NoLocal still applies; subscribers whose copy was
// stored before the crash receive the message twice (QoS 1 and 2 flows to
// them are at least once across a crash).
func (h *Hook) OnStarted() {
	if h.server == nil {
		return
	}
	type pendingPublish struct {
		key []byte
		msg storage.Message
	}
	var pend []pendingPublish
	err := h.scan(pendingPrefix, func(k, v []byte) error {
		p := pendingPublish{key: append([]byte(nil), k...)}
		if err := p.msg.UnmarshalBinary(v); err != nil {
			h.Log.Error("mqttstore: dropping undecodable pending publish", "key", string(k), "error", err)
		}
		pend = append(pend, p)
		return nil
	})
	if err != nil {
		h.logErr("load pending publishes", err, nil)
		return
	}
	for _, p := range pend {
		m := p.msg
		if m.TopicName == "" {
			h.logErr("delete pending publish", h.deleteKeys(p.key), nil)
			continue
		}
		pk := m.ToPacket()
		pk.FixedHeader.Type = packets.Publish
		pk.FixedHeader.Dup = false
		cl := h.server.NewClient(nil, "local", m.Origin, true)
		if err := h.server.InjectPacket(cl, pk); err != nil {
			h.Log.Error("mqttstore: redeliver pending publish", "error", err, "origin", m.Origin, "topic", m.TopicName)
			continue
		}
		h.logErr("delete pending publish", h.deleteKeys(p.key), nil)
	}
	if len(pend) > 0 {
		h.Log.Info("mqttstore: redelivered pending publishes", "count", len(pend))
	}
}
