package chat

import (
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
)

// formatKey is the Feature.key of a device record's setting holding the
// format ("der" or "etf") the device last used. Messages sent to the
// device on its own initiative (redeliveries, presence) use it, across
// restarts of the server.
const formatKey = "format"

// formatOf returns the format client last used: from memory, else from
// its device record, else DER.
func (h *Hook) formatOf(client string) Format {
	if f, ok := h.online.knownFormat(client); ok {
		return f
	}
	nick, device, ok := auth.SplitClientID(client)
	if !ok {
		return DER
	}
	var s wire.Auth
	if found, err := h.load(devKey(nick, device), &s); err != nil || !found {
		return DER
	}
	for _, ft := range s.Settings {
		if eq(ft.Key, formatKey) && eq(ft.Value, ETF.String()) {
			return ETF
		}
	}
	return DER
}

// saveFormat records in the device record (creating it for a device that
// logged in with a password) the format the device now uses. It runs only
// when the format changes; a failure is logged, as the format is a hint.
func (h *Hook) saveFormat(nick, device string, f Format) {
	var s wire.Auth
	found, err := h.load(devKey(nick, device), &s)
	if err != nil {
		h.log.Warn("device record unreadable", "user", nick, "device", device, "error", err)
		return
	}
	if !found {
		s = wire.Auth{Session: []byte(nick + "." + device), Type: wire.AuthTypeAuth, Nickname: []byte(nick)}
	}
	for _, ft := range s.Settings {
		if eq(ft.Key, formatKey) && eq(ft.Value, f.String()) {
			return // already recorded
		}
	}
	var settings []wire.Feature
	for _, ft := range s.Settings {
		if !eq(ft.Key, formatKey) {
			settings = append(settings, ft)
		}
	}
	s.Settings = append(settings, wire.Feature{Key: []byte(formatKey), Value: []byte(f.String())})
	fill.Auth(&s)
	if err := h.st.Set(devKey(nick, device), s.AppendDER(nil)); err != nil {
		h.log.Warn("device record not written", "user", nick, "device", device, "error", err)
	}
}
