package main

import (
	"fmt"
	"strings"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

var cmdRooms = &command{usage: "rooms   list the rooms you belong to", run: runRooms}

func runRooms(e *env, _ *flagSet, args []string) error {
	if len(args) != 0 {
		return usageFor("rooms")
	}
	_, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	r, err := c.Roster(ctx)
	if err != nil {
		return err
	}
	out := make([]roomOut, 0, len(r.Topics))
	for i := range r.Topics {
		out = append(out, toRoomOut(&r.Topics[i]))
	}
	if e.json {
		return printJSON(e.stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no rooms yet: chat room create NAME [NICK...]")
	}
	for _, o := range out {
		fmt.Fprintf(e.stdout, "#%-20s %s\n", o.ID, o.Name)
	}
	return nil
}

var cmdRoom = &command{
	usage: "room create NAME [NICK...] [--id ID] | room add|remove #ROOM NICK... | room leave #ROOM | room info #ROOM",
	flags: func(fs *flagSet) { fs.str("id", "") },
	run:   runRoom,
}

// roomID accepts "#id" or "id".
func roomID(s string) string { return strings.TrimPrefix(s, "#") }

// slug makes a room id from a name: lower-case letters, digits, '-' and
// '_', at most 64 bytes.
func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteByte('-')
		}
		if b.Len() >= 64 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func members(nicks []string) []chat.Member {
	out := make([]chat.Member, 0, len(nicks))
	for _, n := range nicks {
		out = append(out, chat.Member{Alias: []byte(n), Status: chat.MemberStatusMember})
	}
	return out
}

func runRoom(e *env, fs *flagSet, args []string) error {
	if len(args) < 2 {
		return usageFor("room")
	}
	var req chat.Room
	switch args[0] {
	case "create":
		id := *fs.strs["id"]
		if id == "" {
			id = slug(args[1])
		}
		if id == "" {
			return usagef("room create: the name %q makes no room id: give --id ID", args[1])
		}
		req = chat.Room{Id: []byte(id), Name: []byte(args[1]), Members: members(args[2:]), Status: chat.RoomStatusCreate}
	case "add", "remove":
		if len(args) < 3 {
			return usagef("usage: chat room %s #ROOM NICK...", args[0])
		}
		st := chat.RoomStatusAdd
		if args[0] == "remove" {
			st = chat.RoomStatusRemove
		}
		req = chat.Room{Id: []byte(roomID(args[1])), Members: members(args[2:]), Status: st}
	case "leave", "info":
		if len(args) != 2 {
			return usagef("usage: chat room %s #ROOM", args[0])
		}
		st := chat.RoomStatusLeave
		if args[0] == "info" {
			st = chat.RoomStatusGet
		}
		req = chat.Room{Id: []byte(roomID(args[1])), Status: st}
	default:
		return usagef("room: unknown action %q (create, add, remove, leave, info)", args[0])
	}
	_, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	r, err := c.RoomRequest(ctx, req)
	if err != nil {
		return err
	}
	o := toRoomOut(&r)
	if e.json {
		return printJSON(e.stdout, o)
	}
	switch args[0] {
	case "create":
		fmt.Fprintf(e.stdout, "created #%s %q\n", o.ID, o.Name)
	case "add":
		fmt.Fprintf(e.stdout, "added %s to #%s\n", strings.Join(args[2:], ", "), o.ID)
	case "remove":
		fmt.Fprintf(e.stdout, "removed %s from #%s\n", strings.Join(args[2:], ", "), o.ID)
	case "leave":
		fmt.Fprintf(e.stdout, "left #%s\n", roomID(args[1]))
		return nil
	}
	if len(o.Members) > 0 || args[0] == "info" {
		fmt.Fprintf(e.stdout, "#%s %q\nmembers: %s\n", o.ID, o.Name, strings.Join(o.Members, ", "))
		if len(o.Admins) > 0 {
			fmt.Fprintf(e.stdout, "admins:  %s\n", strings.Join(o.Admins, ", "))
		}
	}
	return nil
}

var cmdSearch = &command{
	usage: "search TEXT [--in contacts|rooms|messages]   (all three by default)",
	flags: func(fs *flagSet) { fs.str("in", "") },
	run:   runSearch,
}

func runSearch(e *env, fs *flagSet, args []string) error {
	if len(args) < 1 {
		return usageFor("search")
	}
	text := strings.Join(args, " ")
	scopes := map[string]chat.Scope{"contacts": chat.ScopeContact, "rooms": chat.ScopeRoom, "messages": chat.ScopeMessage}
	order := []string{"contacts", "rooms", "messages"}
	if in := *fs.strs["in"]; in != "" {
		if _, ok := scopes[in]; !ok {
			return usagef("--in: want contacts, rooms or messages, not %q", in)
		}
		order = []string{in}
	}
	_, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	result := map[string]any{}
	for _, name := range order {
		field := "nickname"
		switch name {
		case "rooms":
			field = "name"
		case "messages":
			field = "text"
		}
		r, err := c.Search(ctx, chat.Search{
			Field: []byte(field), Value: []byte(text), Criteria: chat.CriteriaLike, Type: scopes[name],
		})
		if err != nil {
			return err
		}
		switch x := r.(type) {
		case *chat.CHATProtocol_Roster:
			if name == "rooms" {
				rooms := []roomOut{}
				for i := range x.Value.Topics {
					rooms = append(rooms, toRoomOut(&x.Value.Topics[i]))
				}
				result[name] = rooms
			} else {
				cs := []contactOut{}
				for i := range x.Value.Contacts {
					cs = append(cs, toContactOut(&x.Value.Contacts[i]))
				}
				result[name] = cs
			}
		case *chat.CHATProtocol_History:
			ms := []messageOut{}
			for i := range x.Value.Data {
				ms = append(ms, toMessageOut(&x.Value.Data[i]))
			}
			result[name] = ms
		default:
			return &client.UnexpectedReplyError{Op: "search", Body: client.BodyName(r)}
		}
	}
	if e.json {
		return printJSON(e.stdout, result)
	}
	for _, name := range order {
		switch v := result[name].(type) {
		case []contactOut:
			fmt.Fprintf(e.stdout, "contacts (%d)\n", len(v))
			for _, o := range v {
				fmt.Fprintf(e.stdout, "  %s\n", o.Nick)
			}
		case []roomOut:
			fmt.Fprintf(e.stdout, "rooms (%d)\n", len(v))
			for _, o := range v {
				fmt.Fprintf(e.stdout, "  #%s %s\n", o.ID, o.Name)
			}
		case []messageOut:
			fmt.Fprintf(e.stdout, "messages (%d)\n", len(v))
			for _, o := range v {
				fmt.Fprintf(e.stdout, "  %s #%s %s: %s\n", o.Feed, o.ID, o.From, o.Text)
			}
		}
	}
	return nil
}
