package baseline

// TextMessage is one CHATMessage whose body is a Message on a p2p feed with
// an empty link: the shape of an ordinary text message.
type TextMessage struct {
	No        int64
	Headers   [][]byte
	ID        []byte
	FeedFrom  []byte
	FeedTo    []byte
	Signature []byte
	From      []byte
	To        []byte
	Created   int64
	Files     []File
	Type      int64
	Seenby    []byte
	Repliedby []byte
	Mentioned [][]byte
	Status    int64 // 3 (clear) is the DEFAULT and is omitted on the wire
}

// File is a FileDesc without features.
type File struct {
	ID       []byte
	Mime     []byte
	Payload  []byte // one complete DER TLV
	ParentID []byte
}

// statusClear is MessageStatus clear, the DEFAULT of Message.status.
const statusClear = 3
