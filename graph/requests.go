package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
)

// Mistakes front-end code makes when it sends a request, answered with
// BAD_USER_INPUT and a message that says what to do instead of the terse
// (or, for enums, internal) errors gqlgen and gqlparser give.

// maxVariableDepth bounds the walk of a variable's value: input types nest
// (filters hold filters), the JSON they come in is bounded by the body size.
const maxVariableDepth = 32

// enumVariables checks, after gqlparser's own validation, that every enum
// value given in variables is written exactly as the schema spells it.
// gqlparser accepts "signatory" for SIGNATORY there, then gqlgen cannot
// decode it and the request would end as an internal error; the exports
// write kinds in lower case, so feeding them back is an easy mistake.
type enumVariables struct{ schema *ast.Schema }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = enumVariables{}

func (enumVariables) ExtensionName() string                          { return "EnumVariables" }
func (enumVariables) Validate(schema graphql.ExecutableSchema) error { return nil }

func (e enumVariables) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	for _, def := range rc.Operation.VariableDefinitions {
		if v, ok := rc.Variables[def.Variable]; ok {
			if err := e.check(def.Type, v, "$"+def.Variable, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// check walks one value of type t; path names it in the message.
func (e enumVariables) check(t *ast.Type, v any, path string, depth int) *gqlerror.Error {
	if v == nil || depth > maxVariableDepth {
		return nil
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok { // a single value stands for a list of one
			return e.check(t.Elem, v, path, depth+1)
		}
		for i, item := range items {
			if err := e.check(t.Elem, item, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	def := e.schema.Types[t.NamedType]
	switch {
	case def == nil:
	case def.Kind == ast.Enum:
		s, _ := v.(string)
		if def.EnumValues.ForName(s) == nil {
			return &gqlerror.Error{Message: enumMistake(path, s, def), Extensions: map[string]any{"code": domain.EBADINPUT}}
		}
	case def.Kind == ast.InputObject:
		fields, _ := v.(map[string]any)
		for name, fv := range fields {
			if f := def.Fields.ForName(name); f != nil {
				if err := e.check(f.Type, fv, path+"."+name, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// enumHint suggests the value meant, or lists a few.
func enumHint(def *ast.Definition, s string) string {
	for _, v := range def.EnumValues {
		if strings.EqualFold(v.Name, strings.ReplaceAll(s, "-", "_")) {
			return "did you mean " + v.Name + "?"
		}
	}
	var names []string
	for i, v := range def.EnumValues {
		if i == 6 {
			names = append(names, "...")
			break
		}
		names = append(names, v.Name)
	}
	return "one of " + strings.Join(names, ", ")
}

// enumMistake says that a variable's value is none of an enum's.
func enumMistake(path, value string, def *ast.Definition) string {
	return fmt.Sprintf("variable %s: %s is not a %s value; enum values are written as the schema spells them (%s)",
		path, quotePrefix(value), def.Name, enumHint(def, value))
}

// quotePrefix quotes at most a short prefix of what a client sent.
func quotePrefix(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q...", strings.ToValidUTF8(s[:max], ""))
	}
	return fmt.Sprintf("%q", s)
}

// explainRequestError rewrites the terse messages of request errors raised
// before execution (operation selection, variable coercion) into ones that
// say what to send.
func explainRequestError(ctx context.Context, schema *ast.Schema, e *gqlerror.Error) {
	var rc *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		rc = graphql.GetOperationContext(ctx)
	}
	switch {
	case strings.HasPrefix(e.Message, "operation ") && strings.HasSuffix(e.Message, " not found") && rc != nil && rc.Doc != nil:
		e.Message = operationNotFound(rc.OperationName, rc.Doc.Operations)
	case len(e.Path) >= 2 && e.Path[0] == ast.PathName("variable") && (e.Message == "must be defined" || e.Message == "cannot be null"):
		e.Message = variableMissing(rc, e.Path, e.Message == "cannot be null")
		e.Path = nil
	case len(e.Path) >= 2 && e.Path[0] == ast.PathName("variable") && strings.Contains(e.Message, " is not a valid "):
		// gqlparser's own enum check: it quotes the whole value.
		i := strings.LastIndex(e.Message, " is not a valid ")
		value, typ := e.Message[:i], e.Message[i+len(" is not a valid "):]
		if def := schema.Types[typ]; def != nil && def.Kind == ast.Enum {
			e.Message = enumMistake("$"+strings.TrimPrefix(e.Path[1:].String(), "."), value, def)
			e.Path = nil
		}
	}
}

// operationNotFound says which operations a document holds.
func operationNotFound(name string, ops ast.OperationList) string {
	var names []string
	for _, op := range ops {
		if op.Name == "" {
			names = append(names, "an anonymous one")
		} else {
			names = append(names, op.Name)
		}
	}
	if name == "" {
		return fmt.Sprintf("the document holds %d operations (%s): say which to run with operationName", len(ops), strings.Join(names, ", "))
	}
	return fmt.Sprintf("operationName %s names no operation of the document, which holds %s", quotePrefix(name), strings.Join(names, ", "))
}

// variableMissing says which variable (or input field in it) was required.
func variableMissing(rc *graphql.OperationContext, path ast.Path, null bool) string {
	name, _ := path[1].(ast.PathName)
	typ := ""
	if rc != nil && rc.Operation != nil {
		if def := rc.Operation.VariableDefinitions.ForName(string(name)); def != nil {
			typ = " (" + def.Type.String() + ")"
		}
	}
	what := "was not given in variables"
	if null {
		what = "is null"
	}
	if len(path) == 2 {
		return fmt.Sprintf("variable $%s%s is required and %s", name, typ, what)
	}
	field := strings.TrimPrefix(path[2:].String(), ".")
	return fmt.Sprintf("variable $%s%s: its field %s is required and %s", name, typ, field, what)
}
