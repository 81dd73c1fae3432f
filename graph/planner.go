package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// The planned execution path answers queries without gqlgen's executor:
// no field context, no middleware closure, no goroutine per field or list
// element. For each (document, operation) a plan is made once and kept: per
// selection set and object type, the fields gqlgen's CollectFields selects
// (fragments, aliases, @include and @skip applied), with their JSON keys
// written out. Running a plan walks the answer depth first, calling the
// resolver and model methods gqlgen calls (planned_generated.go, generated
// by internal/generate/plangen) and writing the JSON answer straight into a buffer:
// scalars with writers of gqlgen's marshalers' bytes (planner_scalars.go), so
// the bytes are gqlgen's.
//
// gqlgen stays the reference and answers everything else: mutations,
// introspection, @defer and @stream, knownAt (a field middleware), fields the
// generator leaves out. It also answers any query whose planned run meets an
// error, a panic, a null in a non-null field or the end of its context:
// queries have no side effects, so running the operation again through
// gqlgen gives its answer, errors and partial data included, byte for byte.

// PlannerMode says how queries are executed.
type PlannerMode int

const (
	// PlannerDefault is PlannerOn, and PlannerShadow in this package's tests.
	PlannerDefault PlannerMode = iota
	// PlannerOn answers the queries the planner covers with the planner.
	PlannerOn
	// PlannerOff answers every operation with gqlgen's executor.
	PlannerOff
	// PlannerShadow runs covered queries through both and compares: a
	// difference is logged with the document and both answers, and answered
	// INTERNAL. The tests run in this mode.
	PlannerShadow
)

// PlannerTotals count, for the whole process, the queries the planner
// answered, those gqlgen answered instead (Uncovered of them because they
// select what the planner does not write), and the shadow comparisons that
// differed (tests report them).
var PlannerTotals struct{ Planned, Fallbacks, Uncovered, Mismatches atomic.Int64 }

var (
	errNull       = errors.New("planner: null in a non-null field")
	errNotPlanned = errors.New("planner: a field or type the planner does not write")
)

// plannedSchema is gqlgen's executable schema with the planned path in
// front of its Exec. Being the schema (not an operation interceptor), it
// runs where gqlgen's executor would: after parsing, validation, the cost
// check, variable coercion and every operation middleware, and before the
// response middlewares (the answer's bounds), which see its answers too.
type plannedSchema struct {
	graphql.ExecutableSchema // gqlgen's: schema, complexity, the reference execution
	es                       *executableSchema
	plans                    *planCache
	mode                     PlannerMode
	log                      *slog.Logger
	mismatch                 func(document string, planned, reference []byte)
	store                    Reader
	at                       func(version uint64) Reader
}

func newPlannedSchema(es *executableSchema, s Reader, opts Options, log *slog.Logger) graphql.ExecutableSchema {
	if opts.Planner == PlannerOff {
		return es
	}
	p := &plannedSchema{ExecutableSchema: es, es: es, plans: newPlanCache(planCacheBytes),
		mode: opts.Planner, log: log, mismatch: opts.PlannerMismatch, store: s, at: opts.At}
	if p.mode == PlannerDefault {
		p.mode = PlannerOn
	}
	if opts.Planner == PlannerDefault && shadowMismatch != nil && p.mismatch == nil {
		p.mode, p.mismatch = PlannerShadow, shadowMismatch // every handler the tests build
	}
	p.plans.satisfies = implementorsOf(es.Schema())
	return p
}

// shadowMismatch, set by the package's tests (nil outside them), puts every
// handler in shadow mode and fails the test run on a difference.
var shadowMismatch func(document string, planned, reference []byte)

// implementorsOf gives each object type the names gqlgen's CollectFields
// matches fragments against: the type, its interfaces, its unions.
func implementorsOf(s *ast.Schema) map[string][]string {
	out := map[string][]string{}
	for name, def := range s.Types {
		if def.Kind == ast.Object {
			out[name] = append([]string{name}, def.Interfaces...)
		}
	}
	for name, def := range s.Types {
		if def.Kind == ast.Union {
			for _, member := range def.Types {
				out[member] = append(out[member], name)
			}
		}
	}
	return out
}

// Exec answers a covered query with the planner, anything else with gqlgen.
func (p *plannedSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx.Operation == nil || opCtx.Operation.Operation != ast.Query {
		return p.ExecutableSchema.Exec(ctx)
	}
	pl := p.plans.plan(opCtx)
	if pl.uncovered.Load() {
		PlannerTotals.Fallbacks.Add(1)
		PlannerTotals.Uncovered.Add(1)
		return p.ExecutableSchema.Exec(ctx)
	}
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil // a query has one answer
		}
		done = true
		ctx, version := p.snapshot(ctx)
		data, err := p.run(ctx, opCtx, pl)
		if err != nil {
			if errors.Is(err, errNotPlanned) {
				pl.uncovered.Store(true)
				PlannerTotals.Uncovered.Add(1)
			}
			PlannerTotals.Fallbacks.Add(1)
			return p.ExecutableSchema.Exec(ctx)(ctx)
		}
		PlannerTotals.Planned.Add(1)
		if p.mode == PlannerShadow {
			if resp := p.compare(ctx, opCtx, data, version); resp != nil {
				return resp
			}
		}
		return &graphql.Response{Data: data}
	}
}

// snapshot gives a query one version of the data to read, when the store
// can be read at a version (Options.At): its reads, and gqlgen's if it
// answers instead, see one consistent graph. It returns the version read.
func (p *plannedSchema) snapshot(ctx context.Context) (context.Context, uint64) {
	v, err := p.store.DataVersion(ctx)
	if err != nil || p.at == nil {
		return ctx, v
	}
	return withReader(ctx, p.at(v)), v
}

// run writes the answer of a plan; any error, null in a non-null field,
// panic or error added to the response context abandons it.
func (p *plannedSchema) run(ctx context.Context, opCtx *graphql.OperationContext, pl *plan) (data []byte, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("planner: panic: %v", rec)
		}
	}()
	// A response context of its own: what the marshalers and resolvers add
	// to it is looked at here, never mixed into gqlgen's answer.
	rctx := graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, nil)
	r := &plannedRun{ec: newExecutionContext(opCtx, p.es, nil), ctx: rctx, plan: pl}
	fields, err := r.fieldsOf(pl.root, p.es.Schema().Query.Name)
	if err != nil {
		return nil, err
	}
	r.buf.Grow(int(pl.answerBytes.Load()) + 512) // the buffer in one allocation, not a dozen
	if err := r.writeRoot(fields); err != nil {
		return nil, err
	}
	pl.answerBytes.Store(int64(r.buf.Len()))
	if errs := graphql.GetErrors(rctx); len(errs) > 0 {
		return nil, errs
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.buf.Bytes(), nil
}

// compare runs gqlgen on the same operation and answers INTERNAL when its
// answer differs from the planner's (shadow mode).
// Without a snapshot (no Options.At), a write between the two runs may
// change the answer: the comparison is then skipped.
func (p *plannedSchema) compare(ctx context.Context, opCtx *graphql.OperationContext, data []byte, version uint64) *graphql.Response {
	sctx := graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, func(ctx context.Context, v any) error {
		return fmt.Errorf("panic: %v", v)
	})
	ref := p.ExecutableSchema.Exec(sctx)(sctx)
	var refData []byte
	if ref != nil {
		refData = ref.Data
	}
	errs := graphql.GetErrors(sctx)
	if ref != nil {
		errs = append(errs, ref.Errors...)
	}
	if len(errs) == 0 && bytes.Equal(data, refData) {
		return nil
	}
	if v, err := p.store.DataVersion(ctx); p.at == nil && (err != nil || v != version) {
		return nil // the data changed under the runs
	}
	PlannerTotals.Mismatches.Add(1)
	reference := refData
	if len(errs) > 0 {
		reference = fmt.Appendf(append([]byte(nil), refData...), " errors: %v", errs)
	}
	p.log.ErrorContext(ctx, "planner: answer differs from gqlgen's", "document", opCtx.RawQuery,
		"planned", string(data), "reference", string(reference))
	if p.mismatch != nil {
		p.mismatch(opCtx.RawQuery, data, reference)
	}
	return &graphql.Response{Errors: gqlerror.List{codedError(domain.Errorf(domain.EINTERNAL, "internal error"))}}
}

// A plan is the execution plan of one operation of one document. Its
// selection sets are planned per object type on first use, and kept.
type plan struct {
	root      *planSel
	nextID    atomic.Int32 // planField ids, for the arguments parsed per run
	uncovered atomic.Bool  // a run met a field the planner does not write: gqlgen answers
	// answerBytes is the size of the last answer, that of the next one
	// (bounded by the answer's limits, limits.go).
	answerBytes atomic.Int64
	satisfies   map[string][]string
}

// planSel is one selection set, with its fields per object type.
type planSel struct {
	set    ast.SelectionSet
	byType sync.Map // object type name -> []*planField
}

// planField is a field as gqlgen's CollectFields gives it, with its JSON
// key, its argument parser and its selection set.
type planField struct {
	graphql.CollectedField
	key    []byte // "alias":
	id     int32
	object string // the object type it is a field of
	parse  func(*executionContext, context.Context, map[string]any) (map[string]any, error)
	child  *planSel
	// selects names the fields child selects, with no type (what
	// model.Selected asks of its field context).
	selects []string
}

// plannedRun is one execution of a plan.
type plannedRun struct {
	ec     *executionContext
	ctx    context.Context
	plan   *plan
	buf    bytes.Buffer
	args   []*fieldArgs // per planField id: parsed once per run
	fields int
}

// fieldArgs holds a field's arguments as gqlgen's parser returns them (the
// generated calls read fc.Args, as gqlgen's own code does), and the context
// its resolver runs in: the run's, with the field's FieldContext.
type fieldArgs struct {
	Args map[string]any
	ctx  context.Context
}

// fieldArgs parses f's arguments once per run, with gqlgen's parser, and
// makes its context: one per plan field and run, shared by every element.
func (r *plannedRun) fieldArgs(f *planField) (*fieldArgs, error) {
	if int(f.id) < len(r.args) && r.args[f.id] != nil {
		return r.args[f.id], nil
	}
	var args map[string]any
	if f.parse != nil {
		var err error
		if args, err = f.parse(r.ec, r.ctx, f.ArgumentMap(r.ec.Variables)); err != nil {
			return nil, err
		}
	}
	fc := &graphql.FieldContext{Object: f.object, Field: f.CollectedField, Args: args, IsMethod: true}
	for int(f.id) >= len(r.args) {
		r.args = append(r.args, nil)
	}
	ctx := graphql.WithFieldContext(r.ctx, fc)
	if f.child != nil {
		ctx = model.WithSelected(ctx, fc, f.selects)
	}
	r.args[f.id] = &fieldArgs{Args: args, ctx: ctx}
	return r.args[f.id], nil
}

// fieldsOf returns the fields sel selects on objects of type typeName,
// planning them on first use. The plan is shared by concurrent runs: the
// first to plan a (selection set, type) stores it, the others use that.
func (r *plannedRun) fieldsOf(sel *planSel, typeName string) ([]*planField, error) {
	if v, ok := sel.byType.Load(typeName); ok {
		return v.([]*planField), nil
	}
	fields, err := r.planFields(sel.set, typeName)
	if err != nil {
		return nil, err
	}
	v, _ := sel.byType.LoadOrStore(typeName, fields)
	return v.([]*planField), nil
}

// planFields plans the fields of set on an object type: errNotPlanned for a
// field the generated table does not hold, a deferred fragment or a field
// whose knownAt argument needs gqlgen's field middleware.
func (r *plannedRun) planFields(set ast.SelectionSet, typeName string) ([]*planField, error) {
	schema := r.ec.Schema()
	obj := schema.Types[typeName]
	satisfies, ok := r.plan.satisfies[typeName]
	if obj == nil || !ok {
		return nil, errNotPlanned
	}
	collected := graphql.CollectFields(r.ec.OperationContext, set, satisfies)
	fields := make([]*planField, 0, len(collected))
	for _, cf := range collected {
		if len(cf.Deferrables) > 0 || cf.Directives.ForName("stream") != nil {
			return nil, errNotPlanned
		}
		f := &planField{CollectedField: cf, id: r.plan.nextID.Add(1) - 1, object: typeName}
		var key bytes.Buffer
		graphql.MarshalString(cf.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		f.key = key.Bytes()
		if cf.Name == "__typename" {
			fields = append(fields, f)
			continue
		}
		def := obj.Fields.ForName(cf.Name)
		parse, ok := plannedFields[typeName+"."+cf.Name]
		if def == nil || !ok || hasKnownAt(cf.Field) {
			return nil, errNotPlanned
		}
		f.parse = parse
		if t := schema.Types[def.Type.Name()]; t != nil && t.Kind != ast.Scalar && t.Kind != ast.Enum {
			f.child = &planSel{set: cf.Selections}
			for _, sub := range graphql.CollectFields(r.ec.OperationContext, cf.Selections, nil) {
				f.selects = append(f.selects, sub.Name)
			}
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// hasKnownAt reports whether a field is given a knownAt argument: the
// knownAt field middleware reads it, so gqlgen answers.
func hasKnownAt(f *ast.Field) bool {
	return f.Arguments.ForName("knownAt") != nil
}

// planCacheBytes bounds the plans kept, weighed like parsed documents.
const planCacheBytes = 16 << 20
