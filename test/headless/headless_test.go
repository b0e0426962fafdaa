package headless

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"syscall"
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

// TestCloseEndsTheHelpers: when the browser process dies (crashed, or
// killed after Close's grace), its helpers live on and write into the
// profile; Close ends every process of its group before it removes the
// profile, and the removal succeeds.
func TestCloseEndsTheHelpers(t *testing.T) {
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
	if _, err := b.NewPage(ctx, 400, 300); err != nil { // a renderer, at least
		b.Close()
		t.Fatal(err)
	}
	group := -b.cmd.Process.Pid
	if err := b.cmd.Process.Kill(); err != nil { // the browser alone
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := syscall.Kill(group, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("after Close, the browser's process group still has processes (kill 0: %v)", err)
	}
	if _, err := os.Stat(b.dir); !os.IsNotExist(err) {
		t.Errorf("profile %s not removed: %v", b.dir, err)
	}
}
