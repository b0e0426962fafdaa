package headless

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestPage drives a real Chromium (skipped without one) over a page with
// one deliberate console error and one exception.
func TestPage(t *testing.T) {
	bin := Find()
	if bin == "" {
		t.Skip(ErrNoChromium)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Launch(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.NewPage(ctx, 400, 300)
	if err != nil {
		t.Fatal(err)
	}
	html := `<!DOCTYPE html><p>one</p><p>two</p><script>console.error("boom"); null.x;</script>`
	if err := p.Navigate(ctx, "data:text/html,"+url.PathEscape(html)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := p.Eval(ctx, `document.querySelectorAll("p").length`, &n); err != nil || n != 2 {
		t.Errorf("paragraphs = %d, %v; want 2", n, err)
	}
	errs := strings.Join(p.Errors(), "\n")
	if !strings.Contains(errs, "console.error: boom") || !strings.Contains(errs, "TypeError") {
		t.Errorf("errors seen:\n%s\nwant the console error and the TypeError", errs)
	}
	png, err := p.Screenshot(ctx, true)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("screenshot: %d bytes, %v", len(png), err)
	}
}
