// Package plangen is a gqlgen plugin that writes the field table of the
// planned execution path (graph/planner.go): for each object type, one
// sequential function that resolves the selected fields of an object with
// the very resolver and model methods gqlgen's executor calls, and writes
// them into the answer: scalars and enums with the planner's writers of the
// bytes gqlgen's marshalers write (directWriters), the others with gqlgen's
// marshalers; for each
// interface and union, the switch over its implementors. Fields it cannot
// write (maps, streams, batch resolvers, introspection) are left out of the
// table, and an operation that selects one is answered by gqlgen.
package plangen

import (
	"fmt"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/vektah/gqlparser/v2/ast"
)

// Plugin renders the planner's field table into Filename, in the package of
// gqlgen's executor.
type Plugin struct{ Filename string }

// New returns the plugin writing filename (relative to gqlgen.yml).
func New(filename string) *Plugin { return &Plugin{Filename: filename} }

// Name implements plugin.Plugin.
func (p *Plugin) Name() string { return "plangen" }

// GenerateCode implements plugin.CodeGenerator.
func (p *Plugin) GenerateCode(data *codegen.Data) error {
	return templates.Render(templates.Options{
		PackageName:     data.Config.Exec.Package,
		Filename:        p.Filename,
		GeneratedHeader: true,
		Template:        "{{ planned . }}",
		Funcs:           map[string]any{"planned": render},
		Data:            data,
		Packages:        data.Config.Packages,
	})
}

// render writes the code; it runs inside templates.Render, where the
// imports the type names need are collected.
func render(data *codegen.Data) (string, error) {
	for _, pkg := range []string{"context", "github.com/99designs/gqlgen/graphql"} {
		if _, err := templates.CurrentImports.Reserve(pkg); err != nil {
			return "", err
		}
	}
	g := &gen{data: data, objects: map[string]*codegen.Object{}}
	for _, o := range data.Objects {
		if writable(o) && o != data.MutationRoot && o != data.SubscriptionRoot { // the planner runs queries
			g.objects[o.Name] = o
		}
	}
	names := make([]string, 0, len(g.objects))
	for name := range g.objects {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g.object(g.objects[name])
		g.gatherObject(g.objects[name])
	}
	ifaces := make([]string, 0, len(data.Interfaces))
	for name := range data.Interfaces {
		ifaces = append(ifaces, name)
	}
	sort.Strings(ifaces)
	for _, name := range ifaces {
		g.abstract(data.Interfaces[name])
		g.gatherAbstract(data.Interfaces[name])
	}
	g.table()
	return g.b.String(), g.err
}

type gen struct {
	data    *codegen.Data
	objects map[string]*codegen.Object // the object types written
	b       strings.Builder
	fields  []string // "Type.field" rows of the table
	args    map[string]string
	err     error
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.b, format+"\n", args...) }

// writable reports whether the planner writes objects of o: the output
// objects of the schema, not the introspection ones, not maps, not
// subscriptions.
func writable(o *codegen.Object) bool {
	return o.Kind == ast.Object && !o.IsReserved() && !o.IsMap() && !o.Stream && o != nil
}

// planned reports whether the planner resolves f: a method, a struct field
// or a resolver, whose type it can write.
func (g *gen) planned(f *codegen.Field) bool {
	if f.IsReserved() || f.IsMap() || f.IsBatch() || f.Stream || f.HasHaser || f.VOkFunc ||
		f.GoReceiverName != "obj" || f.TypeReference == nil {
		return false
	}
	for _, d := range f.ImplDirectives() {
		if len(d.Args) > 0 { // the planner calls field directives that take no arguments
			return false
		}
	}
	if !f.IsResolver && !f.IsMethod() && !f.IsVariable() {
		return false
	}
	return g.writableType(f.TypeReference)
}

func (g *gen) writableType(ref *config.TypeReference) bool {
	for ref.IsSlice() {
		if ref.IsPtrToSlice() {
			return false
		}
		ref = ref.Elem()
	}
	switch ref.Definition.Kind {
	case ast.Scalar, ast.Enum:
		return true
	case ast.Object:
		return g.objects[ref.Definition.Name] != nil
	case ast.Interface, ast.Union:
		return g.data.Interfaces[ref.Definition.Name] != nil
	}
	return false
}

// object writes the function that writes the selected fields of one object.
func (g *gen) object(o *codegen.Object) {
	recv := ""
	if !o.Root {
		recv = ", obj " + templates.CurrentImports.LookupType(o.Reference())
	}
	g.p("// write%s writes the selected fields of %s %s.", o.Name, article(o.Name), o.Name)
	g.p("func (r *plannedRun) write%s(fields []*planField%s) error {", o.Name, recv)
	g.p("ctx := r.ctx\n_ = ctx")
	g.p("r.buf.WriteByte('{')")
	g.p("for i, f := range fields {")
	g.p("if i > 0 { r.buf.WriteByte(',') }")
	g.p("r.buf.Write(f.key)")
	g.p("r.fields++")
	g.p("switch f.Name {")
	g.p("case \"__typename\":\nr.buf.WriteString(%q)", `"`+o.Name+`"`)
	for _, f := range o.Fields {
		if !g.planned(f) {
			continue
		}
		g.fields = append(g.fields, o.Name+"."+f.Name)
		if fn := f.ArgsFunc(); fn != "" {
			if g.args == nil {
				g.args = map[string]string{}
			}
			g.args[o.Name+"."+f.Name] = fn
		}
		g.p("case %q:", f.Name)
		g.field(f)
	}
	g.p("default:\nreturn errNotPlanned")
	g.p("}\n}")
	g.p("r.buf.WriteByte('}')")
	g.p("return nil\n}\n")
}

// field resolves one field into v, the way gqlgen's executor calls it
// (through the field's directives, last outermost), then writes v. A field
// that reads gets a field context, as under gqlgen: its arguments (which
// the knownAt hook reads) and its selection (which resolvers ask about).
func (g *gen) field(f *codegen.Field) {
	if len(f.Args) > 0 || reads(f) {
		g.p("fc, ferr := r.fieldArgs(f)\nif ferr != nil { return ferr }")
	}
	if reads(f) {
		g.p("ctx := fc.ctx")
	}
	typ := templates.CurrentImports.LookupType(f.TypeReference.GO)
	var call string // the resolution, as "v, err :=" takes it
	noErr := false
	switch {
	case f.IsResolver:
		call = "r.ec.Resolvers." + f.ShortInvocation()
	case f.IsMethod() && f.NoErr:
		call, noErr = fmt.Sprintf("obj.%s(%s)", f.GoFieldName, f.CallArgs()), true
	case f.IsMethod():
		call = fmt.Sprintf("obj.%s(%s)", f.GoFieldName, f.CallArgs())
	default:
		call, noErr = "obj."+f.GoFieldName, true
	}
	dirs := f.ImplDirectives()
	switch {
	case len(dirs) == 0 && noErr:
		g.p("var v %s = %s", typ, call)
	case len(dirs) == 0:
		g.p("v, err := %s", call)
		g.p("if err != nil { return err }")
	default:
		if noErr {
			call += ", nil"
		}
		for _, d := range dirs {
			name := templates.UcFirst(d.Name)
			g.p("if r.ec.Directives.%s == nil { return errNotPlanned }", name)
			call = fmt.Sprintf("r.ec.Directives.%s(ctx, %s, func(ctx context.Context) (any, error) { return %s })", name, f.DirectiveObjName(), call)
		}
		g.p("res, err := %s", call)
		g.p("if err != nil { return err }")
		if f.TypeReference.GQL.NonNull {
			g.p("if res == nil { return errNull }")
		}
		g.p("v, _ := res.(%s)", typ)
	}
	if reads(f) && !leaf(f.TypeReference) {
		g.p("r.prefetch(func(gs *gathered) {")
		g.gatherValue(f.TypeReference, "v", "f.child", 0)
		g.p("})")
	}
	g.value(f.TypeReference, "v", "f.child", "", 0)
}

// reads reports whether resolving f may read the store: a resolver, or a
// method that takes a context.
func reads(f *codegen.Field) bool { return f.IsResolver || f.MethodHasContext }

// gatherObject writes the function that gathers, before a read's result is
// written, what the selected fields of an object will read: it follows the
// fields that do not read (methods without a context, struct fields) and
// notes the objects whose fields do (prefetch.go reads them in batches).
func (g *gen) gatherObject(o *codegen.Object) {
	if o.Root {
		return
	}
	g.p("func (r *plannedRun) gather%s(fields []*planField, obj %s, gs *gathered) {", o.Name, templates.CurrentImports.LookupType(o.Reference()))
	g.p("for _, f := range fields {")
	g.p("switch f.Name {")
	var reading []string
	for _, f := range o.Fields {
		if !g.planned(f) {
			continue
		}
		if reads(f) {
			reading = append(reading, fmt.Sprintf("%q", f.Name))
			continue
		}
		if leaf(f.TypeReference) || len(f.Args) > 0 {
			continue
		}
		g.p("case %q:", f.Name)
		switch {
		case f.IsMethod() && f.NoErr:
			g.p("v := obj.%s()", f.GoFieldName)
		case f.IsMethod():
			g.p("v, err := obj.%s()\nif err != nil { continue }", f.GoFieldName)
		default:
			g.p("v := obj.%s", f.GoFieldName)
		}
		g.gatherValue(f.TypeReference, "v", "f.child", 0)
	}
	if len(reading) > 0 {
		g.p("case %s:", strings.Join(reading, ", "))
		g.p("gs.add(%q, f, obj)", o.Name)
	}
	g.p("}\n}\n}\n")
}

// gatherValue gathers what the selection of expr will read.
func (g *gen) gatherValue(ref *config.TypeReference, expr, child string, depth int) {
	if ref.IsNilable() && !ref.IsSlice() {
		g.p("if %s != nil {", expr)
		defer g.p("}")
	}
	name := ref.Definition.Name
	if ref.IsSlice() {
		e := fmt.Sprintf("e%d", depth)
		fields := ""
		if ref.Definition.Kind == ast.Object {
			fields = fmt.Sprintf("fields%d", depth)
			g.p("if %s, err := r.fieldsOf(%s, %q); err == nil {", fields, child, name)
			defer g.p("}")
		}
		g.p("for _, %s := range %s {", e, expr)
		g.gatherElem(ref.Elem(), e, child, fields, depth+1)
		g.p("}")
		return
	}
	g.gatherElem(ref, expr, child, "", depth)
}

func (g *gen) gatherElem(ref *config.TypeReference, expr, child, fields string, depth int) {
	if ref.IsSlice() {
		g.gatherValue(ref, expr, child, depth)
		return
	}
	if ref.IsNilable() && fields != "" {
		g.p("if %s == nil { continue }", expr)
	}
	name := ref.Definition.Name
	switch ref.Definition.Kind {
	case ast.Object:
		target := expr
		if !ref.IsPtr() {
			g.p("%sp := %s", expr, expr)
			target = "&" + expr + "p"
		}
		if fields == "" {
			g.p("if fields, err := r.fieldsOf(%s, %q); err == nil { r.gather%s(fields, %s, gs) }", child, name, name, target)
		} else {
			g.p("r.gather%s(%s, %s, gs)", name, fields, target)
		}
	default:
		g.p("r.gather%s(%s, %s, gs)", name, child, expr)
	}
}

// gatherAbstract gathers for the object type an interface value holds.
func (g *gen) gatherAbstract(i *codegen.Interface) {
	g.p("func (r *plannedRun) gather%s(sel *planSel, obj %s, gs *gathered) {", i.Name, templates.CurrentImports.LookupType(i.Type))
	g.p("switch obj := (obj).(type) {")
	for _, impl := range i.Implementors {
		o := g.objects[impl.Name]
		if o == nil {
			continue
		}
		g.p("case %s:", templates.CurrentImports.LookupType(impl.Type))
		if impl.CanBeNil() {
			g.p("if obj == nil { return }")
		}
		ref := ""
		if impl.TakeRef {
			ref = "&"
		}
		g.p("if fields, err := r.fieldsOf(sel, %q); err == nil { r.gather%s(fields, %sobj, gs) }", o.Name, o.Name, ref)
	}
	g.p("}\n}\n")
}

// value writes expr, of type ref: scalars and enums (and lists of them)
// with the planner's writer of the type (direct) or else gqlgen's marshaler
// of the type, objects through their writer,
// lists element by element. A null where the schema says non-null stops the
// planned answer (errNull): gqlgen answers then, with its error. fields
// names the variable holding the object fields, planned once before a list.
func (g *gen) value(ref *config.TypeReference, expr, child, fields string, depth int) {
	nonNull := ref.GQL.NonNull
	// gqlgen writes a nil slice of a non-null list as [] (the resolver's
	// result is not a nil interface), a nil pointer as an error.
	nilIsNull := ref.IsNilable() && !(nonNull && ref.IsSlice())
	if leaf(ref) && !(ref.IsSlice() && g.direct(elemOf(ref)) != "") { // lists of direct scalars are written as lists, below
		if nilIsNull && nonNull {
			g.p("if %s == nil { return errNull }", expr)
		}
		if w := g.direct(ref); w != "" {
			if ref.IsPtr() {
				if !nonNull {
					g.p("if %s == nil { r.buf.WriteString(\"null\") } else {", expr)
					defer g.p("}")
				}
				expr = "*" + expr
			}
			g.p(w, expr)
			return
		}
		if nonNull {
			g.p("if m := r.ec.%s(ctx, nil, %s); m == graphql.Null { return errNull } else { m.MarshalGQL(&r.buf) }", ref.MarshalFunc(), expr)
		} else {
			g.p("r.ec.%s(ctx, nil, %s).MarshalGQL(&r.buf)", ref.MarshalFunc(), expr)
		}
		return
	}
	if nilIsNull {
		if nonNull {
			g.p("if %s == nil { return errNull }", expr)
		} else {
			g.p("if %s == nil { r.buf.WriteString(\"null\") } else {", expr)
			defer g.p("}")
		}
	}
	name := ref.Definition.Name
	if ref.IsSlice() {
		if fields == "" && ref.Definition.Kind == ast.Object {
			fields = fmt.Sprintf("fields%d", depth)
			g.p("%s, err := r.fieldsOf(%s, %q)\nif err != nil { return err }", fields, child, name)
		}
		e := fmt.Sprintf("e%d", depth)
		g.p("r.buf.WriteByte('[')")
		g.p("for i, %s := range %s {", e, expr)
		g.p("if i > 0 { r.buf.WriteByte(',') }")
		g.value(ref.Elem(), e, child, fields, depth+1)
		g.p("}")
		g.p("r.buf.WriteByte(']')")
		return
	}
	switch ref.Definition.Kind {
	case ast.Object:
		target := expr
		if !ref.IsPtr() {
			g.p("%s := %s", expr+"p", expr)
			target = "&" + expr + "p"
		}
		if fields == "" {
			fields = "fields"
			g.p("fields, err := r.fieldsOf(%s, %q)\nif err != nil { return err }", child, name)
		}
		g.p("if err := r.write%s(%s, %s); err != nil { return err }", name, fields, target)
	default: // interface, union
		g.p("if err := r.write%s(%s, %s, %t); err != nil { return err }", name, child, expr, nonNull)
	}
}

// directWriters are the planner's writers of scalars (planner_scalars.go),
// by gqlgen's marshaler they stand for: they write the same bytes into the
// buffer without the marshaler's closure. Their format strings take the
// value, of the marshaler's parameter type.
var directWriters = map[string]string{
	"github.com/99designs/gqlgen/graphql.MarshalString":    "r.writeString(%s)",
	"github.com/99designs/gqlgen/graphql.MarshalID":        "r.writeString(%s)",
	"github.com/99designs/gqlgen/graphql.MarshalInt":       "r.writeInt(%s)",
	"github.com/99designs/gqlgen/graphql.MarshalBoolean":   "r.writeBool(%s)",
	"github.com/cccs13/cccs-graph/graph/model.MarshalDate": "r.writeDate(%s)",
	// gqlgen's refuses infinities and NaN with an error: the planner
	// returns it, and gqlgen answers.
	"github.com/99designs/gqlgen/graphql.MarshalFloatContext": "if err := r.writeFloat(%s); err != nil { return err }",
}

// direct returns the format of the planner's own writer of a scalar or enum
// value (not a list), "" when it has none and gqlgen's marshaler writes it:
// scalars whose marshaler is in directWriters, and the enums gqlgen's
// modelgen wrote, whose MarshalGQL is strconv.Quote of the value.
func (g *gen) direct(ref *config.TypeReference) string {
	if ref.IsSlice() || ref.CastType != nil {
		return ""
	}
	typ := ref.GO
	if p, ok := typ.(*types.Pointer); ok {
		typ = p.Elem()
	}
	if m := ref.Marshaler; m != nil {
		w, ok := directWriters[m.FullName()]
		sig, _ := m.Type().(*types.Signature)
		if !ok || sig == nil || sig.Params().Len() != 1 || !types.Identical(sig.Params().At(0).Type(), typ) {
			return ""
		}
		return w
	}
	if ref.Definition.Kind == ast.Enum && ref.IsMarshaler && g.generatedEnum(typ) {
		return "r.writeEnum(string(%s))"
	}
	return ""
}

// generatedEnum reports whether typ is an enum type of gqlgen's models file,
// a string type whose MarshalGQL writes strconv.Quote(string(e)).
func (g *gen) generatedEnum(typ types.Type) bool {
	named, ok := typ.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	if b, ok := named.Underlying().(*types.Basic); !ok || b.Kind() != types.String {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(named, false, named.Obj().Pkg(), "MarshalGQL")
	pkg := g.data.Config.Packages.Load(named.Obj().Pkg().Path())
	if obj == nil || pkg == nil || pkg.Fset == nil {
		return false
	}
	file := pkg.Fset.Position(obj.Pos()).Filename
	return file != "" && filepath.Base(file) == filepath.Base(g.data.Config.Model.Filename)
}

// elemOf is the type of the elements of a list, of lists.
func elemOf(ref *config.TypeReference) *config.TypeReference {
	for ref.IsSlice() {
		ref = ref.Elem()
	}
	return ref
}

// leaf reports whether ref is a scalar or an enum, or a list of them.
func leaf(ref *config.TypeReference) bool {
	k := ref.Definition.Kind
	return k == ast.Scalar || k == ast.Enum
}

// abstract writes the switch over the implementors of an interface or union,
// the cases gqlgen's executor has, in its order.
func (g *gen) abstract(i *codegen.Interface) {
	g.p("// write%s writes a %s as the object type it holds.", i.Name, i.Name)
	g.p("func (r *plannedRun) write%s(sel *planSel, obj %s, nonNull bool) error {", i.Name, templates.CurrentImports.LookupType(i.Type))
	g.p("switch obj := (obj).(type) {")
	g.p("case nil:\nif nonNull { return errNull }\nr.buf.WriteString(\"null\")\nreturn nil")
	for _, impl := range i.Implementors {
		o := g.objects[impl.Name]
		if o == nil {
			continue
		}
		g.p("case %s:", templates.CurrentImports.LookupType(impl.Type))
		if impl.CanBeNil() {
			g.p("if obj == nil {\nif nonNull { return errNull }\nr.buf.WriteString(\"null\")\nreturn nil\n}")
		}
		ref := ""
		if impl.TakeRef {
			ref = "&"
		}
		g.p("if fields, err := r.fieldsOf(sel, %q); err != nil { return err } else { return r.write%s(fields, %sobj) }", o.Name, o.Name, ref)
	}
	g.p("}")
	g.p("return errNotPlanned\n}\n")
}

// table writes the fields the planner resolves, with their argument parsers
// (gqlgen's own), and the root writer.
func (g *gen) table() {
	g.p("// plannedFields are the fields the planner resolves (\"Type.field\"),")
	g.p("// with gqlgen's parser of their arguments (nil when they take none).")
	g.p("var plannedFields = map[string]func(*executionContext, context.Context, map[string]any) (map[string]any, error){")
	for _, f := range g.fields {
		if fn := g.args[f]; fn != "" {
			g.p("%q: (*executionContext).%s,", f, fn)
		} else {
			g.p("%q: nil,", f)
		}
	}
	g.p("}\n")
	if q := g.data.QueryRoot; q != nil && g.objects[q.Name] != nil {
		g.p("// writeRoot writes the selected fields of the query root.")
		g.p("func (r *plannedRun) writeRoot(fields []*planField) error { return r.write%s(fields) }", q.Name)
	}
}

func article(name string) string {
	if strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an"
	}
	return "a"
}
