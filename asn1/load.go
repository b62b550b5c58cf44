package asn1

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ParseFile parses, resolves and checks the single module in the file at
// path. A file that imports from other modules must be loaded together
// with them through Load or LoadDir.
func ParseFile(path string) (*Module, error) {
	mods, err := Load(path)
	if err != nil {
		return nil, err
	}
	if len(mods) != 1 {
		return nil, fmt.Errorf("asn1: %s holds %d modules, use Load", path, len(mods))
	}
	return mods[0], nil
}

// Load parses the files at paths, resolves references (IMPORTS included)
// across all their modules, and checks them. On failure the error is an
// ErrorList holding every problem found, sorted by position, or an I/O
// error.
func Load(paths ...string) ([]*Module, error) {
	files := make([]File, 0, len(paths))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("asn1: %w", err)
		}
		files = append(files, File{Name: p, Src: src})
	}
	return Parse(files...)
}

// LoadDir loads every *.asn1 and *.asn file in dir, in name order.
func LoadDir(dir string) ([]*Module, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("asn1: %w", err)
	}
	var paths []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".asn1") || strings.HasSuffix(n, ".asn")) {
			paths = append(paths, filepath.Join(dir, n))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("asn1: no .asn1 or .asn files in %s", dir)
	}
	sort.Strings(paths)
	return Load(paths...)
}

// File is one source text given to Parse.
type File struct {
	Name string // used in positions
	Src  []byte
}

// Parse is Load for sources held in memory.
func Parse(files ...File) ([]*Module, error) {
	srcs := sources{}
	var mods []*Module
	var errs ErrorList
	for _, f := range files {
		srcs[f.Name] = f.Src
		ms, err := parseModules(f.Name, f.Src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		mods = append(mods, ms...)
	}
	if len(errs) == 0 {
		errs = resolve(mods)
	}
	if len(errs) > 0 {
		errs.Sort()
		srcs.fill(errs)
		return nil, errs
	}
	return mods, nil
}
