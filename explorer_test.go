package main

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// waitText waits until the text of the first element matching the CSS
// selector contains want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(document.querySelector(%q)?.innerText ?? "").includes(%q)`, sel, want)
	return chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))
}

// textOf is the text of the first element matching the CSS selector, for
// failure messages.
func textOf(ctx context.Context, sel string) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? "(none)"`, sel)))
	return s
}

// TestExplorerInABrowser uses the explorer as a front-end developer does:
// its default query answers all it says; the query of a link runs and shows its answer; the docs reach a field's
// arguments and their input type; search finds a field; the history lists
// what ran; typing completes from the schema; variables are sent; and the
// page asks nothing of any host but the server.
func TestExplorerInABrowser(t *testing.T) {
	s := startServer(t, t.TempDir())
	b := newBrowser(t, chromiumPath(t), s.url) // viewer_test.go: no host but the server resolves
	ctx := b.ctx
	var mu sync.Mutex
	headerSent := false
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.Headers["X-Explorer-Test"] == "sent" {
			mu.Lock()
			headerSent = true
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	q := `{ node(id: "avenant-1") { ... on Amendment { signedAt place } } }`
	steps := []struct {
		what string
		do   []chromedp.Action[chromedp.Void]
	}{
		{"the default query answers all 23 signatories of 2019", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(s.url + "/"),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			waitText(".result-window", `"totalCount": 23`),
			// The result editor draws only the lines in view: read its whole text.
			chromedp.Poll[chromedp.Void](`JSON.parse(document.querySelector(".result-window .CodeMirror").CodeMirror.getValue()).data.signatories.nodes.length === 23`,
				chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)),
		}},
		{"run the query of a link", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(s.url + "/?query=" + url.QueryEscape(q)),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			waitText(".result-window", `"signedAt": "2019-06-27"`),
		}},
		{"docs: a field's arguments and their input type", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)),
			chromedp.Click(`//a[contains(@class,"graphiql-doc-explorer-type-name") and text()="Query"]`),
			chromedp.Click(`//a[contains(@class,"graphiql-doc-explorer-field-name") and text()="organizations"]`),
			waitText(".graphiql-doc-explorer", "How many items to take from the start"),
			chromedp.Click(`//a[contains(@class,"graphiql-doc-explorer-type-name") and text()="OrganizationFilter"]`),
			waitText(".graphiql-doc-explorer", "signatoryAsOf"),
		}},
		{"docs: search", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(".graphiql-doc-explorer-back")),
			chromedp.Click(chromedp.CSS(".graphiql-doc-explorer-back")),
			chromedp.SendKeys(chromedp.CSS(".graphiql-doc-explorer-search input"), "shortestPa"),
			waitText(".graphiql-doc-explorer-search", "shortestPath"),
		}},
		{"history", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`button[aria-label="Show History"]`)),
			waitText(".graphiql-history", "avenant-1"),
		}},
		{"completion while typing", []chromedp.Action[chromedp.Void]{
			chromedp.Evaluate[chromedp.Void](`document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("")`),
			chromedp.Click(chromedp.CSS(".graphiql-query-editor .CodeMirror-lines")),
			chromedp.SendKeys(chromedp.CSS(".graphiql-query-editor textarea"), "{ signa"),
			waitText(".CodeMirror-hints", "signatories"),
		}},
		{"variables of a link, headers editor", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(s.url + "/?query=" + url.QueryEscape(`query Signatories($d: Date) { signatories(asOf: $d) { totalCount } }`) +
				"&variables=" + url.QueryEscape(`{"d": "2015"}`)),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			waitText(".result-window", `"totalCount": 18`),
			chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)),
			chromedp.WaitVisible(chromedp.CSS(`section.graphiql-editor-tool[aria-label="Headers"]`)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").CodeMirror.setValue('{"X-Explorer-Test": "sent"}')`),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					mu.Lock()
					sent := headerSent
					mu.Unlock()
					if sent {
						return nil
					}
				}
				return fmt.Errorf("the header of the headers editor was not sent")
			}),
		}},
	}
	for _, step := range steps {
		stepCtx, cancel := context.WithTimeout(ctx, time.Minute) // a missing element fails, not hangs
		err := chromedp.Do(stepCtx, step.do...)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v\nresult: %s\ndocs: %.600s", step.what, err, textOf(ctx, ".result-window"), textOf(ctx, ".graphiql-doc-explorer"))
		}
	}
	b.checkNoForeignRequests(t)
}
