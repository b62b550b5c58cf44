package chat

import (
	"bytes"
	"strings"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/store"
)

// MaxSearchResults bounds the results of one search.
const MaxSearchResults = 50

// search serves SEARCH, by Search.type:
//
//	contact  field "nickname" or "phone"; the result is a Roster of
//	         contacts (nickname; phone only when matched by phone; presence
//	         of friends only; status is the searcher's view, nonexised for
//	         strangers)
//	room     rooms by name; a Roster whose topics hold id and name
//	message  messages of the searcher's feeds (private feeds with each
//	         contact, rooms they are a member of) whose text/... files
//	         contain value; a History, newest first per feed
//
// Criteria equal compares exactly (names of rooms and texts ignore case),
// like matches a pattern where % stands for any run of characters (a
// value without % matches as a substring), notequal is equal negated.
func (h *Hook) search(rq *request, s *wire.Search) (wire.CHATProtocol, error) {
	value := string(s.Value)
	match, err := matcher(s.Criteria, value)
	if err != nil {
		return nil, err
	}
	switch s.Type {
	case wire.ScopeContact:
		return h.searchContacts(rq, string(s.Field), value, s.Criteria, match)
	case wire.ScopeRoom:
		return h.searchRooms(match)
	case wire.ScopeMessage:
		if value == "" {
			return nil, refuse(CodeInvalidData, "empty text")
		}
		return h.searchMessages(rq, match)
	}
	return nil, refuse(CodeNotImplemented, "search scope %v", s.Type)
}

// matcher returns the predicate of a criterion (case-insensitive).
func matcher(c wire.Criteria, value string) (func(string) bool, error) {
	v := strings.ToLower(value)
	switch c {
	case wire.CriteriaEqual:
		return func(s string) bool { return strings.ToLower(s) == v }, nil
	case wire.CriteriaNotequal:
		return func(s string) bool { return strings.ToLower(s) != v }, nil
	case wire.CriteriaLike:
		if !strings.Contains(v, "%") {
			return func(s string) bool { return strings.Contains(strings.ToLower(s), v) }, nil
		}
		parts := strings.Split(v, "%")
		return func(s string) bool { return likeMatch(strings.ToLower(s), parts) }, nil
	}
	return nil, refuse(CodeInvalidData, "criteria %v", c)
}

// likeMatch matches s against a pattern split at its % signs.
func likeMatch(s string, parts []string) bool {
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := len(parts) - 1
	for _, p := range parts[1:last] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[last])
}

func (h *Hook) searchContacts(rq *request, field, value string, c wire.Criteria, match func(string) bool) (wire.CHATProtocol, error) {
	var nicks []string
	var byPhone bool
	switch field {
	case "nickname", "":
		if c == wire.CriteriaEqual {
			if ok, err := h.userExists(value); err != nil {
				return nil, err
			} else if ok {
				nicks = append(nicks, value)
			}
			break
		}
		err := h.st.Scan([]byte("idx/user/"), func(k, _ []byte) error {
			if n := lastSegment(k); match(n) {
				nicks = append(nicks, n)
			}
			if len(nicks) == MaxSearchResults {
				return store.ErrStop
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	case "phone":
		byPhone = true
		prefix := []byte("idx/phone/")
		if c == wire.CriteriaEqual {
			if !validPhone(value) || value == "" {
				return nil, refuse(CodeInvalidData, "phone %q", value)
			}
			prefix = append(prefix, value+"/"...)
		}
		err := h.st.Scan(prefix, func(k, _ []byte) error {
			rest := k[len("idx/phone/"):]
			i := bytes.LastIndexByte(rest, '/')
			if match(string(rest[:i])) {
				nicks = append(nicks, string(rest[i+1:]))
			}
			if len(nicks) == MaxSearchResults {
				return store.ErrStop
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, refuse(CodeInvalidData, "contact field %q", field)
	}
	r := wire.Roster{Nickname: []byte(rq.nick), Status: wire.RosterStatusSearch}
	for _, n := range nicks {
		ct := wire.Contact{Nickname: []byte(n), Status: h.facts.Contact(rq.nick, n), Presence: wire.PresenceTypeOffline}
		if ct.Status == 0 {
			ct.Status = wire.ContactStatusNonexised
		}
		if h.facts.IsFriend(rq.nick, n) {
			ct.Presence = h.presence(n)
		}
		if byPhone {
			var p wire.Profile
			if _, err := h.load(profileKey(n), &p); err != nil {
				return nil, err
			}
			ct.Phone = p.Phone
		}
		r.Contacts = append(r.Contacts, ct)
	}
	return &wire.CHATProtocol_Roster{Value: r}, nil
}

func (h *Hook) searchRooms(match func(string) bool) (wire.CHATProtocol, error) {
	r := wire.Roster{Status: wire.RosterStatusSearch}
	err := h.st.Scan([]byte("idx/room/"), func(k, v []byte) error {
		if match(string(v)) {
			r.Topics = append(r.Topics, wire.Room{Id: []byte(lastSegment(k)), Name: append([]byte(nil), v...), Status: wire.RoomStatusInfo})
		}
		if len(r.Topics) == MaxSearchResults {
			return store.ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &wire.CHATProtocol_Roster{Value: r}, nil
}

// MaxSearchScan bounds the messages one message search reads per feed.
const MaxSearchScan = 10000

func (h *Hook) searchMessages(rq *request, match func(string) bool) (wire.CHATProtocol, error) {
	var feeds []feed
	for _, c := range h.facts.Contacts(rq.nick) {
		feeds = append(feeds, p2pFeed(rq.nick, c))
	}
	for _, r := range h.facts.Rooms(rq.nick) {
		feeds = append(feeds, mucFeed(r))
	}
	out := wire.History{Nickname: []byte(rq.nick), Status: wire.HistoryStatusText}
	for _, f := range feeds {
		n := 0
		err := h.st.ScanReverse(feedPrefix(f.table), func(_, v []byte) error {
			n++
			var m wire.Message
			if err := m.UnmarshalDER(v); err != nil {
				return err
			}
			for _, t := range texts(m) {
				if match(t) {
					out.Data = append(out.Data, m)
					break
				}
			}
			if len(out.Data) == MaxSearchResults || n == MaxSearchScan {
				return store.ErrStop
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out.Data) == MaxSearchResults {
			break
		}
	}
	return &wire.CHATProtocol_History{Value: out}, nil
}

// texts returns the texts of a message: the contents of its files whose
// mime type is text/..., with a payload that is a DER OCTET STRING or
// UTF8String.
func texts(m wire.Message) []string {
	var out []string
	for _, f := range m.Files {
		if !bytes.HasPrefix(f.Mime, []byte("text/")) {
			continue
		}
		if s, ok := tlvContent(f.Payload); ok {
			out = append(out, s)
		}
	}
	return out
}

// tlvContent returns the content of a primitive OCTET STRING (0x04) or
// UTF8String (0x0c) TLV with a definite length.
func tlvContent(p []byte) (string, bool) {
	if len(p) < 2 || p[0] != 0x04 && p[0] != 0x0c {
		return "", false
	}
	n, hdr := int(p[1]), 2
	if p[1] >= 0x80 {
		k := int(p[1] & 0x7f)
		if k == 0 || k > 3 || len(p) < 2+k {
			return "", false
		}
		n = 0
		for _, b := range p[2 : 2+k] {
			n = n<<8 | int(b)
		}
		hdr = 2 + k
	}
	if len(p) != hdr+n {
		return "", false
	}
	return string(p[hdr:]), true
}
