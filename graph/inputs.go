package graph

import (
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// maxListInput caps every list given as an argument, a variable or inside an
// input object (ids, codes, kinds, ...): the parser's token limit does not
// see variables, and a list of 80,000 ids would make every filter slow.
const maxListInput = model.MaxPageSize

// maxInputDepth bounds the nesting of input values (lists in objects in
// lists ...); the schema's inputs nest three levels at most.
const maxInputDepth = 16

// checkInputs refuses an operation whose inputs (variables and literal
// arguments) hold a string longer than maxBytes, a list longer than
// maxListInput or values nested deeper than maxInputDepth. A 200 KB cursor
// used by 400 aliases is one refusal, not 400 errors quoting it.
func checkInputs(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, maxBytes int) *gqlerror.Error {
	if err := checkVariables(vars, maxBytes); err != nil {
		return err
	}
	return checkLiterals(doc, op, maxBytes)
}

// checkVariables is the part of checkInputs that looks at the variables.
func checkVariables(vars map[string]any, maxBytes int) *gqlerror.Error {
	l := inputLimit{maxBytes: maxBytes}
	for name, v := range vars {
		if msg := l.check(v, 0); msg != "" {
			return inputError("variable $%s %s", domain.Prefix(name), msg)
		}
	}
	return nil
}

// checkLiterals is the part of checkInputs that looks at the document: the
// arguments written in op and in the fragments it spreads.
func checkLiterals(doc *ast.QueryDocument, op *ast.OperationDefinition, maxBytes int) *gqlerror.Error {
	l := inputLimit{maxBytes: maxBytes}
	var err *gqlerror.Error
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			if err != nil {
				return
			}
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					if msg := l.checkLiteral(a.Value, 0); msg != "" {
						err = inputError("argument %s of %s %s", a.Name, s.Name, msg)
						return
					}
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if !seen[s.Name] {
					seen[s.Name] = true
					if f := doc.Fragments.ForName(s.Name); f != nil {
						walk(f.SelectionSet)
					}
				}
			}
		}
	}
	walk(op.SelectionSet)
	return err
}

// inputLimit checks input values against a string length.
type inputLimit struct{ maxBytes int }

func inputError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": domain.EBADINPUT}
	return err
}

// check returns what is too large in a decoded variable, "" when nothing.
func (l inputLimit) check(v any, depth int) string {
	if depth > maxInputDepth {
		return "nests deeper than the schema's inputs"
	}
	switch x := v.(type) {
	case string:
		if len(x) > l.maxBytes {
			return l.tooLong(len(x))
		}
	case []any:
		if len(x) > maxListInput {
			return tooMany(len(x))
		}
		for _, e := range x {
			if msg := l.check(e, depth+1); msg != "" {
				return msg
			}
		}
	case map[string]any:
		for _, e := range x {
			if msg := l.check(e, depth+1); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// checkLiteral is check for a value written in the document.
func (l inputLimit) checkLiteral(v *ast.Value, depth int) string {
	if v == nil {
		return ""
	}
	if depth > maxInputDepth {
		return "nests deeper than the schema's inputs"
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		if len(v.Raw) > l.maxBytes {
			return l.tooLong(len(v.Raw))
		}
	case ast.ListValue:
		if len(v.Children) > maxListInput {
			return tooMany(len(v.Children))
		}
	}
	for _, c := range v.Children {
		if msg := l.checkLiteral(c.Value, depth+1); msg != "" {
			return msg
		}
	}
	return ""
}

func (l inputLimit) tooLong(n int) string {
	return "holds a string of " + strconv.Itoa(n) + " bytes; at most " + strconv.Itoa(l.maxBytes)
}

func tooMany(n int) string {
	return "has " + strconv.Itoa(n) + " items; at most " + strconv.Itoa(maxListInput)
}
