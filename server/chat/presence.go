package chat

import (
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
)

// online tracks the connected devices of every user and the format each
// client last used.
type online struct {
	mu      sync.Mutex
	devices map[string]map[string]*mqtt.Client // nick → client id → connection
	formats map[string]Format                  // client id → format of its last request
}

func newOnline() *online {
	return &online{devices: map[string]map[string]*mqtt.Client{}, formats: map[string]Format{}}
}

// add records a connection; it reports whether it is the user's first.
func (o *online) add(nick string, cl *mqtt.Client) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.devices[nick]
	if m == nil {
		m = map[string]*mqtt.Client{}
		o.devices[nick] = m
	}
	m[cl.ID] = cl
	return len(m) == 1
}

// remove forgets a connection unless a newer one took its client id over;
// it reports whether the user has no connection left.
func (o *online) remove(nick string, cl *mqtt.Client) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.devices[nick]
	if m[cl.ID] != cl {
		return false
	}
	delete(m, cl.ID)
	if len(m) == 0 {
		delete(o.devices, nick)
		return true
	}
	return false
}

// clients returns the connected client ids of nick.
func (o *online) clients(nick string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.devices[nick]))
	for id := range o.devices[nick] {
		out = append(out, id)
	}
	return out
}

// isOnline reports whether nick has a connected device.
func (o *online) isOnline(nick string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.devices[nick]) > 0
}

// users returns the users with a connected device.
func (o *online) users() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.devices))
	for n := range o.devices {
		out = append(out, n)
	}
	return out
}

// setFormat records the format of client's last request; it reports
// whether that changes what was known.
func (o *online) setFormat(client string, f Format) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	old, known := o.formats[client]
	o.formats[client] = f
	return !known || old != f
}

// knownFormat returns the format client last used, if known.
func (o *online) knownFormat(client string) (Format, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, ok := o.formats[client]
	return f, ok
}

// presence returns nick's presence.
func (h *Hook) presence(nick string) wire.PresenceType {
	if h.online.isOnline(nick) {
		return wire.PresenceTypeOnline
	}
	return wire.PresenceTypeOffline
}

// OnSessionEstablished marks the user online (publishing Presence online
// on contacts/<nickname> for the first device) and, when the session
// already holds its actions/ subscription, delivers the user's inbox.
func (h *Hook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	nick, _, ok := auth.SplitClientID(cl.ID)
	if !ok || nick == auth.AnonymousNickname || cl.Net.Inline {
		return
	}
	if h.online.add(nick, cl) {
		h.publishPresence(nick, wire.PresenceTypeOnline, h.formatOf(cl.ID))
	}
	if _, ok := cl.State.Subscriptions.Get(auth.ActionsPrefix + cl.ID); ok {
		h.dlv.connected(nick)
	}
}

// OnSubscribed delivers the user's inbox when a device subscribes to its
// actions/ topic: that is where undelivered messages are sent again.
func (h *Hook) OnSubscribed(cl *mqtt.Client, pk packets.Packet, reasonCodes []byte) {
	nick, _, ok := auth.SplitClientID(cl.ID)
	if !ok || nick == auth.AnonymousNickname || cl.Net.Inline {
		return
	}
	for i, f := range pk.Filters {
		if f.Filter == auth.ActionsPrefix+cl.ID && i < len(reasonCodes) && reasonCodes[i] < 0x80 {
			h.dlv.connected(nick)
		}
	}
}

// OnDisconnect publishes Presence offline when the user's last device
// leaves, and drops the user's delivery state.
func (h *Hook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	nick, _, ok := auth.SplitClientID(cl.ID)
	if !ok || nick == auth.AnonymousNickname || cl.Net.Inline {
		return
	}
	if h.online.remove(nick, cl) {
		h.dlv.disconnected(nick)
		h.publishPresence(nick, wire.PresenceTypeOffline, h.formatOf(cl.ID))
	}
}

// publishPresence publishes nick's presence on contacts/<nick> in the
// format of the device whose connection changed it.
func (h *Hook) publishPresence(nick string, p wire.PresenceType, f Format) {
	h.send(auth.ContactsPrefix+nick, f, 0,
		&wire.CHATProtocol_Presence{Value: wire.Presence{Nickname: []byte(nick), Status: p}})
}
