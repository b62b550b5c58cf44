package auth

// Facts answers the relationship questions the topic table depends on. The
// hook calls it on every subscribe and on every delivery to contacts/ and
// room/ topics, so implementations must be fast, in-memory and safe for
// concurrent use.
type Facts interface {
	// IsFriend reports whether user a may read contacts/<b>, that is
	// whether a is a friend of b.
	IsFriend(a, b string) bool
	// IsMember reports whether nick is a member of the room.
	IsMember(room, nick string) bool
}

// NoFacts is the Facts of a server that knows no friendships and no rooms:
// it says no to everything.
type NoFacts struct{}

// IsFriend returns false.
func (NoFacts) IsFriend(a, b string) bool { return false }

// IsMember returns false.
func (NoFacts) IsMember(room, nick string) bool { return false }
