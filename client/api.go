package client

import (
	"context"

	"github.com/chatim/chat/generated/chat"
)

// The requests of the protocol, one method each. Every method returns an
// *Error when the server refuses.

// Post sends a message with files to a feed and returns the id the server
// assigned. A message of a user is of type reply (type sys is the
// server's), status async, and links to nothing.
func (c *Conn) Post(ctx context.Context, f Feed, files []chat.FileDesc) (string, error) {
	m := chat.Message{
		Feed:  messageFeed(c.cfg.Nick, f),
		From:  chat.CHATString(c.cfg.Nick),
		Files: files,
		Type:  chat.MessageTypeReply,
		Link:  &chat.MessageLink_Empty{},
	}
	if f.IsRoom() {
		m.To = chat.CHATString(f.Room)
	} else {
		m.To = chat.CHATString(f.Other(c.cfg.Nick))
	}
	m.Status = chat.MessageStatusAsync
	r, err := c.Request(ctx, &chat.CHATProtocol_Message{Value: m})
	if err != nil {
		return "", err
	}
	a, ok := r.(*chat.CHATProtocol_Ack)
	if !ok {
		return "", &UnexpectedReplyError{Op: "message", Body: BodyName(r)}
	}
	return string(a.Value.Id), nil
}

// Send sends a text message to a feed and returns its id.
func (c *Conn) Send(ctx context.Context, f Feed, text string) (string, error) {
	return c.Post(ctx, f, []chat.FileDesc{TextFile(text)})
}

// Ack acknowledges the delivery of message id of a feed, deleting it from
// the user's inbox. It is a notification (see Notify): the server does not
// answer it and does not sync the delete, so after a crash of the server
// the message may arrive once more, with the same id. AckConfirmed waits
// for the server's synced answer instead.
func (c *Conn) Ack(ctx context.Context, f Feed, id string) error {
	return c.Notify(ctx, ackBody(f, id))
}

// AckConfirmed acknowledges like Ack and returns once the server has
// synced the delete; ErrNotFound means the entry was not in the inbox.
func (c *Conn) AckConfirmed(ctx context.Context, f Feed, id string) error {
	_, err := c.Request(ctx, ackBody(f, id))
	return err
}

func ackBody(f Feed, id string) *chat.CHATProtocol_Ack {
	return &chat.CHATProtocol_Ack{Value: chat.Ack{Table: []byte(f.Table()), Id: []byte(id)}}
}

// Typing tells the other parties of a feed that the user is typing.
func (c *Conn) Typing(ctx context.Context, f Feed) error {
	_, err := c.Request(ctx, &chat.CHATProtocol_Typing{Value: chat.Typing{
		Session: []byte(f.Table()), Nickname: []byte(c.cfg.Nick),
	}})
	return err
}

// deliveredPrefix starts the one comment of a Typing notice that is a
// delivery receipt: "delivered:<message id>".
const deliveredPrefix = "delivered:"

// Delivered tells the other parties of a feed that message id reached
// this device (after Ack). It travels as a Typing notice whose one comment
// is "delivered:<id>": forwarded to the feed topic and never stored, so
// a receipt is lost when the author is offline. Readers see it as a
// ReceiptEvent.
func (c *Conn) Delivered(ctx context.Context, f Feed, id string) error {
	_, err := c.Request(ctx, &chat.CHATProtocol_Typing{Value: chat.Typing{
		Session: []byte(f.Table()), Nickname: []byte(c.cfg.Nick), Comments: [][]byte{[]byte(deliveredPrefix + id)},
	}})
	return err
}

// History returns at most size messages of a feed older than message
// before (0: the newest), newest first, and whether they reach the
// feed's beginning.
func (c *Conn) History(ctx context.Context, f Feed, size int, before int64) ([]chat.Message, bool, error) {
	r, err := c.Request(ctx, &chat.CHATProtocol_History{Value: chat.History{
		Nickname: []byte(c.cfg.Nick), Feed: historyFeed(c.cfg.Nick, f), Size: int64(size), Entity: before,
		Status: chat.HistoryStatusGet,
	}})
	if err != nil {
		return nil, false, err
	}
	h, ok := r.(*chat.CHATProtocol_History)
	if !ok {
		return nil, false, &UnexpectedReplyError{Op: "history", Body: BodyName(r)}
	}
	return h.Value.Data, h.Value.Status == chat.HistoryStatusLastloaded, nil
}

// Friend changes the user's friendship with other (request, confirm,
// ignore, ban, unban) and returns the user's new view of other.
func (c *Conn) Friend(ctx context.Context, other string, t chat.Friendship) (chat.Contact, error) {
	r, err := c.Request(ctx, &chat.CHATProtocol_Friend{Value: chat.Friend{
		Nickname: []byte(c.cfg.Nick), Friend: []byte(other), Type: t,
	}})
	if err != nil {
		return chat.Contact{}, err
	}
	ro, ok := r.(*chat.CHATProtocol_Roster)
	if !ok || len(ro.Value.Contacts) == 0 {
		return chat.Contact{}, &UnexpectedReplyError{Op: "friend", Body: BodyName(r)}
	}
	return ro.Value.Contacts[0], nil
}

// Roster returns the user's contacts and rooms.
func (c *Conn) Roster(ctx context.Context) (chat.Roster, error) {
	r, err := c.Request(ctx, &chat.CHATProtocol_Roster{Value: chat.Roster{
		Nickname: []byte(c.cfg.Nick), Status: chat.RosterStatusList,
	}})
	if err != nil {
		return chat.Roster{}, err
	}
	ro, ok := r.(*chat.CHATProtocol_Roster)
	if !ok {
		return chat.Roster{}, &UnexpectedReplyError{Op: "roster", Body: BodyName(r)}
	}
	return ro.Value, nil
}

// profileGet is the Profile.status of a read.
const profileGet = 1

// Profile returns the user's profile.
func (c *Conn) Profile(ctx context.Context) (chat.Profile, error) {
	r, err := c.Request(ctx, &chat.CHATProtocol_Profile{Value: chat.Profile{
		Nickname: []byte(c.cfg.Nick), Roster: chat.Roster{Status: chat.RosterStatusGet}, Status: profileGet,
	}})
	if err != nil {
		return chat.Profile{}, err
	}
	p, ok := r.(*chat.CHATProtocol_Profile)
	if !ok {
		return chat.Profile{}, &UnexpectedReplyError{Op: "profile", Body: BodyName(r)}
	}
	return p.Value, nil
}

// RoomRequest sends a Room request (create, get, patch, add, remove,
// join, leave, mute, unmute, delete) and returns the room in the reply.
func (c *Conn) RoomRequest(ctx context.Context, r chat.Room) (chat.Room, error) {
	reply, err := c.Request(ctx, &chat.CHATProtocol_Room{Value: r})
	if err != nil {
		return chat.Room{}, err
	}
	switch x := reply.(type) {
	case *chat.CHATProtocol_Room:
		return x.Value, nil
	case *chat.CHATProtocol_Ok:
		return r, nil
	}
	return chat.Room{}, &UnexpectedReplyError{Op: "room", Body: BodyName(reply)}
}

// Search sends a Search and returns the reply: a Roster (contacts, rooms)
// or a History (messages).
func (c *Conn) Search(ctx context.Context, s chat.Search) (chat.CHATProtocol, error) {
	return c.Request(ctx, &chat.CHATProtocol_Search{Value: s})
}

// Sessions lists the user's device sessions.
func (c *Conn) Sessions(ctx context.Context) ([]chat.Auth, error) {
	replies, err := c.RequestAll(ctx, &chat.CHATProtocol_Auth{Value: chat.Auth{
		Type: chat.AuthTypeAuth, Nickname: []byte(c.cfg.Nick), Os: chat.OSEricsson,
	}}, func(b chat.CHATProtocol) bool {
		_, auth := b.(*chat.CHATProtocol_Auth)
		return !auth
	})
	if err != nil {
		return nil, err
	}
	var out []chat.Auth
	for _, r := range replies {
		if a, ok := r.(*chat.CHATProtocol_Auth); ok {
			out = append(out, a.Value)
		}
	}
	return out, nil
}

// Forget ends a device session (a client id of the user; "" is this
// one): the server revokes its certificate and closes its connection.
func (c *Conn) Forget(ctx context.Context, session string) error {
	_, err := c.Request(ctx, &chat.CHATProtocol_Auth{Value: chat.Auth{
		Type: chat.AuthTypeForget, Session: []byte(session), Nickname: []byte(c.cfg.Nick), Os: chat.OSEricsson,
	}})
	return err
}
