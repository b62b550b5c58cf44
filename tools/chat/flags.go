package main

import (
	"fmt"
	"strconv"
	"strings"
)

// flagSet parses "--name value", "--name=value" and boolean "--name"
// anywhere among positional arguments; "--" ends the flags.
type flagSet struct {
	strs  map[string]*string
	bools map[string]*bool
	args  []string
}

func newFlags() *flagSet {
	return &flagSet{strs: map[string]*string{}, bools: map[string]*bool{}}
}

func (fs *flagSet) str(name, def string) *string {
	v := def
	fs.strs[name] = &v
	return &v
}

func (fs *flagSet) boolean(name string) *bool {
	v := false
	fs.bools[name] = &v
	return &v
}

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func (fs *flagSet) parse(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			fs.args = append(fs.args, args[i+1:]...)
			return nil
		}
		if len(a) < 2 || a[0] != '-' || a == "-" {
			fs.args = append(fs.args, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = k, v, true
		}
		if b, ok := fs.bools[name]; ok {
			if hasVal {
				x, err := strconv.ParseBool(val)
				if err != nil {
					return usagef("--%s: not a boolean: %q", name, val)
				}
				*b = x
			} else {
				*b = true
			}
			continue
		}
		s, ok := fs.strs[name]
		if !ok {
			return usagef("unknown flag %s", a)
		}
		if !hasVal {
			if i+1 >= len(args) {
				return usagef("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		}
		*s = val
	}
	return nil
}
