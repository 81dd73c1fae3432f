package graph

import (
	"context"
	"sync"
)

// RequestInfo carries what the GraphQL layer learns about a request back to
// the HTTP layer's log line and metrics.
type RequestInfo struct {
	mu        sync.Mutex
	operation string
}

// Operation is the operation name, "" when the request gave none.
func (ri *RequestInfo) Operation() string {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.operation
}

type requestInfoKey struct{}

// WithRequestInfo returns a context that collects request information.
func WithRequestInfo(ctx context.Context) (context.Context, *RequestInfo) {
	ri := &RequestInfo{}
	return context.WithValue(ctx, requestInfoKey{}, ri), ri
}

// operationName is the operation name recorded in ctx, "" when none.
func operationName(ctx context.Context) string {
	if ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		return ri.Operation()
	}
	return ""
}

func setOperationName(ctx context.Context, name string) {
	if ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		ri.mu.Lock()
		ri.operation = name
		ri.mu.Unlock()
	}
}
