package client

import (
	"context"
	"errors"

	"github.com/chatim/chat/generated/chat"
)

// FollowFriend subscribes to the private feed with a friend and to the
// friend's presence.
func (c *Conn) FollowFriend(ctx context.Context, nick string) error {
	return c.Subscribe(ctx, Private(c.cfg.Nick, nick).Topic(), ContactsPrefix+nick)
}

// FollowRoom subscribes to a room's feed.
func (c *Conn) FollowRoom(ctx context.Context, id string) error {
	return c.Subscribe(ctx, RoomFeed(id).Topic())
}

// Follow reads the roster and subscribes to the private feed and the
// presence of every friend and to the feed of every room. It returns the
// roster; refused subscriptions are joined into the error.
func (c *Conn) Follow(ctx context.Context) (chat.Roster, error) {
	r, err := c.Roster(ctx)
	if err != nil {
		return r, err
	}
	var errs []error
	for _, ct := range r.Contacts {
		if ct.Status == chat.ContactStatusFriend {
			errs = append(errs, c.FollowFriend(ctx, string(ct.Nickname)))
		}
	}
	for _, room := range r.Topics {
		errs = append(errs, c.FollowRoom(ctx, string(room.Id)))
	}
	return r, errors.Join(errs...)
}
