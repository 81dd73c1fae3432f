package graph

import (
	"context"
	"fmt"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// maxListInput caps every list given as an argument or inside an input
// object (ids, codes, kinds, ...): the parser's token limit does not see
// variables, and a list of 80,000 ids would make every filter slow.
const maxListInput = model.MaxPageSize

// limitInputLists refuses, before a field resolves, any argument holding a
// list longer than maxListInput.
func limitInputLists(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	for name, v := range fc.Args {
		if err := checkLists(fc.Field.Name+"("+name, reflect.ValueOf(v), 0); err != nil {
			return nil, err
		}
	}
	return next(ctx)
}

// checkLists walks a decoded argument: slices, pointers and input structs.
func checkLists(path string, v reflect.Value, depth int) error {
	if depth > 8 || !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkLists(path, v.Elem(), depth+1)
		}
	case reflect.Slice:
		if v.Len() > maxListInput {
			return domain.Errorf(domain.EBADINPUT, "%s) has %d items; at most %d", path, v.Len(), maxListInput)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := checkLists(fmt.Sprintf("%s.%s", path, v.Type().Field(i).Name), v.Field(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
