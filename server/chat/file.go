package chat

import wire "github.com/chatim/chat/generated/chat"

// MaxFiles bounds the files of one message.
const MaxFiles = 64

// checkFiles applies the FILE rules to the files of a message: at most
// MaxFiles, each inline payload (one DER TLV, checked by the decoder) at
// most MaxInline bytes. Larger content travels by reference: a FileDesc
// whose payload is small (a URL, a hash) and whose data describe it.
func (h *Hook) checkFiles(files []wire.FileDesc) error {
	if len(files) > MaxFiles {
		return refuse(CodeTooLarge, "%d files, more than %d", len(files), MaxFiles)
	}
	for i := range files {
		if n := len(files[i].Payload); n > h.opts.MaxInline {
			return refuse(CodeTooLarge, "file %d: inline payload of %d bytes, more than %d", i, n, h.opts.MaxInline)
		}
	}
	return nil
}
