package client

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chatim/chat/codecs/der"
	"github.com/chatim/chat/generated/chat"
)

// MIME types of message content.
const (
	MimeText = "text/plain"
	MimeFile = "application/octet-stream"
)

// Keys of the features describing one part of a file.
const (
	FeatureName   = "name"   // the file's name
	FeatureSize   = "size"   // the whole file's size in bytes
	FeatureOffset = "offset" // where this part starts in the file
	FeatureGroup  = "file"   // the group of the features above
)

// TextFile returns the FileDesc carrying text: mime text/plain, the text
// as a DER UTF8String payload.
func TextFile(text string) chat.FileDesc {
	return chat.FileDesc{
		Id:      []byte("text"),
		Mime:    []byte(MimeText),
		Payload: der.AppendString(nil, der.TagUTF8String, text),
	}
}

// FilePart returns the FileDesc of one part of a file: mime
// application/octet-stream, the bytes as a DER OCTET STRING payload, and
// features naming the file, its size and the part's offset. id ties the
// parts of one file together.
func FilePart(id, name string, size, offset int64, part []byte) chat.FileDesc {
	feat := func(k, v string) chat.Feature {
		return chat.Feature{Id: []byte(id), Key: []byte(k), Value: []byte(v), Group: []byte(FeatureGroup)}
	}
	return chat.FileDesc{
		Id:       []byte(id),
		Mime:     []byte(MimeFile),
		Payload:  der.AppendOctetString(nil, der.TagOctetString, part),
		Parentid: []byte(id),
		Data: []chat.Feature{
			feat(FeatureName, name),
			feat(FeatureSize, strconv.FormatInt(size, 10)),
			feat(FeatureOffset, strconv.FormatInt(offset, 10)),
		},
	}
}

// PayloadBytes returns the contents of a FileDesc payload: the value of
// its OCTET STRING or UTF8String TLV.
func PayloadBytes(f *chat.FileDesc) ([]byte, error) {
	if len(f.Payload) == 0 {
		return nil, nil
	}
	d := der.NewDecoder(f.Payload, der.Limits{})
	tag, v, err := d.Raw()
	if err != nil {
		return nil, fmt.Errorf("client: file payload: %w", err)
	}
	if tag != der.TagOctetString && tag != der.TagUTF8String {
		return nil, fmt.Errorf("client: file payload: tag %v is not an OCTET STRING", tag)
	}
	return v, nil
}

// Feature returns the value of the feature with key k of a FileDesc.
func Feature(f *chat.FileDesc, k string) string {
	for _, x := range f.Data {
		if string(x.Key) == k {
			return string(x.Value)
		}
	}
	return ""
}

// MimeEvent is the mime type of the FileDesc of a system message: its
// feature "event" names what happened (create, add, remove, join, leave,
// role) and the message's mentioned field whom it concerns.
const MimeEvent = "application/x-chat-event"

// Text returns the text of a message for people: its text/plain files
// joined; for each file, one line "[file NAME: bytes A-B of SIZE]" over
// its parts in the message; for a system message, what happened.
func Text(m *chat.Message) string {
	var parts []string
	type span struct {
		name     string
		from, to int64
		size     string
	}
	var files []*span
	byID := map[string]*span{}
	for i := range m.Files {
		f := &m.Files[i]
		switch string(f.Mime) {
		case MimeText:
			b, err := PayloadBytes(f)
			if err != nil {
				parts = append(parts, "[unreadable text]")
				continue
			}
			parts = append(parts, string(b))
		case MimeEvent:
			who := make([]string, 0, len(m.Mentioned))
			for _, n := range m.Mentioned {
				who = append(who, string(n))
			}
			parts = append(parts, strings.TrimSpace(fmt.Sprintf("%s: %s %s", m.From, Feature(f, "event"), strings.Join(who, ", "))))
		default:
			name := Feature(f, FeatureName)
			if name == "" {
				name = string(f.Id)
			}
			b, _ := PayloadBytes(f)
			off, _ := strconv.ParseInt(Feature(f, FeatureOffset), 10, 64)
			key := string(f.Id) + "\x00" + name
			sp := byID[key]
			if sp == nil || sp.to != off {
				sp = &span{name: name, from: off, to: off, size: Feature(f, FeatureSize)}
				byID[key] = sp
				files = append(files, sp)
			}
			sp.to = off + int64(len(b))
		}
	}
	for _, sp := range files {
		parts = append(parts, fmt.Sprintf("[file %s: bytes %d-%d of %s]", sp.name, sp.from, sp.to, sp.size))
	}
	return strings.Join(parts, "\n")
}
