package chat

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// Key construction; the schema is documented in doc.go. Nicknames, device
// names and room ids never contain '/', so "<prefix>/<name>/" prefixes of
// different names never overlap.

func be8(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}

func userPrefix(nick string) []byte         { return []byte("user/" + nick + "/") }
func profileKey(nick string) []byte         { return []byte("user/" + nick + "/profile") }
func contactPrefix(owner string) []byte     { return []byte("user/" + owner + "/contact/") }
func contactKey(owner, other string) []byte { return []byte("user/" + owner + "/contact/" + other) }
func userRoomPrefix(nick string) []byte     { return []byte("user/" + nick + "/room/") }
func userRoomKey(nick, room string) []byte  { return []byte("user/" + nick + "/room/" + room) }

func devPrefix(nick string) []byte            { return []byte("dev/" + nick + "/") }
func devKey(nick, device string) []byte       { return []byte("dev/" + nick + "/" + device) }
func userIndexKey(nick string) []byte         { return []byte("idx/user/" + nick) }
func phoneIndexKey(phone, nick string) []byte { return []byte("idx/phone/" + phone + "/" + nick) }
func roomIndexKey(room string) []byte         { return []byte("idx/room/" + room) }

func feedPrefix(table string) []byte { return []byte("feed/" + table + "/") }
func feedKey(table string, id uint64) []byte {
	return []byte("feed/" + table + "/" + be8(id))
}

// seqName is the name of the sequence of a feed (store key seq/<table>).
func seqName(table string) []byte { return []byte(table) }

// inboxSeqName is the name of the sequence of a user's inbox (store key
// seq/inbox/<nick>).
func inboxSeqName(nick string) []byte { return []byte("inbox/" + nick) }

func inboxQueuePrefix(nick string) []byte { return []byte("inbox/" + nick + "/q/") }
func inboxQueueKey(nick string, n uint64) []byte {
	return []byte("inbox/" + nick + "/q/" + be8(n))
}
func inboxRefKey(nick, table string, id uint64) []byte {
	return []byte("inbox/" + nick + "/r/" + table + "/" + be8(id))
}

func roomPrefix(room string) []byte      { return []byte("room/" + room + "/") }
func roomInfoKey(room string) []byte     { return []byte("room/" + room + "/info") }
func memberPrefix(room string) []byte    { return []byte("room/" + room + "/member/") }
func memberKey(room, nick string) []byte { return []byte("room/" + room + "/member/" + nick) }

// formatID renders a message id as it travels in Message.id and Ack.id.
func formatID(id uint64) []byte { return strconv.AppendUint(nil, id, 10) }

// parseID parses a message id: decimal, 1 or more.
func parseID(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 || b[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	return n, err == nil
}

// lastSegment returns the part of key after its last '/'.
func lastSegment(key []byte) string {
	s := string(key)
	return s[strings.LastIndexByte(s, '/')+1:]
}
