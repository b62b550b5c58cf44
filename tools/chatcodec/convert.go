package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/chatim/chat/generated/chat"
)

// maxInput bounds what chatcodec reads from stdin.
const maxInput = 64 << 20

func types(out io.Writer) error {
	for _, name := range chat.Types {
		if _, err := fmt.Fprintln(out, name); err != nil {
			return err
		}
	}
	return nil
}

func readInput(in io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(in, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading stdin: %w", err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("input larger than %d bytes", maxInput)
	}
	return data, nil
}

func convert(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	typ := fs.String("type", "", "ASN.1 type name, e.g. CHATMessage")
	from := fs.String("from", "", "input format: der, etf or json")
	to := fs.String("to", "", "output format: der, etf or json")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *typ == "" || *from == "" || *to == "" {
		return fmt.Errorf("%w: convert needs --type, --from and --to", errUsage)
	}
	v, ok := chat.New(*typ)
	if !ok {
		return fmt.Errorf("%w: unknown type %q (see chatcodec types)", errUsage, *typ)
	}
	if !validFormat(*from) || !validFormat(*to) {
		return fmt.Errorf("%w: formats are der, etf and json", errUsage)
	}
	data, err := readInput(in)
	if err != nil {
		return err
	}
	switch *from {
	case "der":
		err = v.UnmarshalDER(data)
	case "etf":
		err = v.UnmarshalETF(data)
	case "json":
		err = v.UnmarshalJSON(bytes.TrimSpace(data))
	}
	if err != nil {
		return err
	}
	var enc []byte
	switch *to {
	case "der":
		enc = v.AppendDER(nil)
	case "etf":
		enc = v.AppendETF(nil)
	case "json":
		raw, err := v.MarshalJSON()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return fmt.Errorf("json: %w", err)
		}
		enc = append(buf.Bytes(), '\n')
	}
	_, err = out.Write(enc)
	return err
}

func validFormat(f string) bool { return f == "der" || f == "etf" || f == "json" }
