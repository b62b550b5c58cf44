package gen

import "github.com/dave/jennifer/jen"

// Decoders write into the value they are given and reuse the storage it
// already holds, as encoding/json does: a slice with enough capacity is
// resliced, a non-nil pointer is decoded into, and a CHOICE that already
// holds the alternative on the wire keeps its wrapper. Decoding into a
// fresh value therefore allocates exactly what the old code did, and
// decoding a stream of messages into one value allocates only the copy of
// each input.

// reuseAlt emits `x := (*v).(*Wrapper); if x == nil { x = new(Wrapper) }`.
func reuseAlt(x, wrapper string) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id(x), jen.Id("_")).Op(":=").Parens(jen.Op("*").Id("v")).Assert(jen.Op("*").Id(wrapper)),
		jen.If(jen.Id(x).Op("==").Nil()).Block(jen.Id(x).Op("=").New(jen.Id(wrapper))),
	}
}

// reusePtr emits `if target == nil { target = new(T) }`.
func reusePtr(target, typ jen.Code) jen.Code {
	return jen.If(jen.Add(target).Op("==").Nil()).Block(jen.Add(target).Op("=").New(typ))
}

// reuseSlice emits `s := target; if cap(s) >= n { s = s[:n] } else { s =
// make(typ, n) }`, typ being the type of target.
func reuseSlice(s, n string, target, typ jen.Code) []jen.Code {
	return []jen.Code{
		jen.Id(s).Op(":=").Add(target),
		jen.If(jen.Cap(jen.Id(s)).Op(">=").Id(n)).Block(
			jen.Id(s).Op("=").Id(s).Index(jen.Empty(), jen.Id(n)),
		).Else().Block(
			jen.Id(s).Op("=").Make(typ, jen.Id(n)),
		),
	}
}
