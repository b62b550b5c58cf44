// Command chatgen generates Go types and DER, ETF and JSON codecs from
// ASN.1 modules.
//
//	go run ./tools/chatgen -spec priv/proto -out generated
//
// writes one package per module to <out>/<module in lowercase>/, with a
// random-value package beside it. Paths in headers are relative to the
// module root (the directory holding go.mod).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chatim/chat/asn1"
	"github.com/chatim/chat/gen"
)

func main() {
	spec := flag.String("spec", "priv/proto/CHAT.asn1", "ASN.1 file, or directory of .asn1 files")
	out := flag.String("out", "generated", "output directory")
	flag.Parse()
	if err := run(*spec, *out); err != nil {
		fmt.Fprintln(os.Stderr, "chatgen:", err)
		os.Exit(1)
	}
}

func run(spec, out string) error {
	var mods []*asn1.Module
	var err error
	if st, serr := os.Stat(spec); serr == nil && st.IsDir() {
		mods, err = asn1.LoadDir(spec)
	} else {
		mods, err = asn1.Load(spec)
	}
	if err != nil {
		return err
	}
	root, modPath, err := moduleRoot()
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, absOut)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("output %s is outside the module at %s", out, root)
	}
	files, err := gen.Generate(mods, gen.Options{ImportPath: path.Join(modPath, filepath.ToSlash(rel)), Root: root})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moduleRoot finds the enclosing go.mod and returns its directory and module path.
func moduleRoot() (dir, module string, err error) {
	dir, err = os.Getwd()
	if err != nil {
		return "", "", err
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			s := bufio.NewScanner(f)
			for s.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`), nil
				}
			}
			return "", "", fmt.Errorf("%s/go.mod has no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
