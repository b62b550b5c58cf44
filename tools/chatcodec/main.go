// Command chatcodec inspects and converts CHAT payloads.
//
//	chatcodec types
//	chatcodec convert --type T --from der|etf|json --to der|etf|json  < in > out
//	chatcodec dump [--from der|etf] [--type T]                       < in
//
// T is an ASN.1 type name exactly as written in priv/proto/CHAT.asn1. On
// invalid input chatcodec prints one line naming the type path, the byte
// offset and the reason, and exits with status 1; a usage error exits 2.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "chatcodec:", err)
	if errors.Is(err, errUsage) {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	os.Exit(1)
}

const usage = `usage:
  chatcodec types
  chatcodec convert --type T --from der|etf|json --to der|etf|json   (stdin -> stdout)
  chatcodec dump [--from der|etf] [--type T]                         (stdin -> tree)
`

func run(args []string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	switch args[0] {
	case "types":
		return types(out)
	case "convert":
		return convert(args[1:], in, out)
	case "dump":
		return dump(args[1:], in, out)
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}
