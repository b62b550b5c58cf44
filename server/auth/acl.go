package auth

import "strings"

// Topic prefixes of the protocol's topic table.
const (
	EventsPrefix   = "events/"   // EventsPrefix + client id: requests, published by that client.
	ActionsPrefix  = "actions/"  // ActionsPrefix + client id: replies, read by that client.
	DevicesPrefix  = "devices/"  // DevicesPrefix + nickname: read by every device of the user.
	ContactsPrefix = "contacts/" // ContactsPrefix + nickname: read by the user and their friends.
	PrivatePrefix  = "private/"  // PrivatePrefix + a/b with a ≤ b: read by a and b.
	RoomPrefix     = "room/"     // RoomPrefix + room id: read by the room's members.
)

// CanPublish reports whether the client may publish to topic: only to
// events/<its own client id>. Everything else is published by the server.
func CanPublish(clientID, topic string) bool {
	return suffixIs(topic, EventsPrefix, clientID)
}

// CanSubscribe reports whether the client clientID of user nickname may
// subscribe to filter, or receive a message published on the topic filter.
// anonymous clients may read only actions/<client id>. Filters holding a
// wildcard are refused outright: every readable topic is named literally.
func CanSubscribe(f Facts, clientID, nickname string, anonymous bool, filter string) bool {
	if strings.ContainsAny(filter, "+#") {
		return false
	}
	if suffixIs(filter, ActionsPrefix, clientID) {
		return true
	}
	if anonymous {
		return false
	}
	switch {
	case strings.HasPrefix(filter, DevicesPrefix):
		return filter[len(DevicesPrefix):] == nickname
	case strings.HasPrefix(filter, ContactsPrefix):
		who := filter[len(ContactsPrefix):]
		return who == nickname || ValidNickname(who) && f.IsFriend(nickname, who)
	case strings.HasPrefix(filter, PrivatePrefix):
		rest := filter[len(PrivatePrefix):]
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return false
		}
		a, b := rest[:i], rest[i+1:]
		return (a == nickname || b == nickname) && a <= b && ValidNickname(a) && ValidNickname(b)
	case strings.HasPrefix(filter, RoomPrefix):
		room := filter[len(RoomPrefix):]
		return room != "" && strings.IndexByte(room, '/') < 0 && f.IsMember(room, nickname)
	}
	return false
}

// suffixIs reports whether s is prefix followed by exactly want.
func suffixIs(s, prefix, want string) bool {
	return len(s) == len(prefix)+len(want) && strings.HasPrefix(s, prefix) && s[len(prefix):] == want
}
