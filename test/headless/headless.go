// Package headless drives Debian's Chromium headless through the Chrome
// DevTools protocol, for tests that look at a page as a person would: load
// it, wait for it, count elements with a script, collect console errors and
// take a screenshot. It speaks the protocol over one websocket
// (golang.org/x/net/websocket, already in the module graph) with flattened
// sessions, and knows only the few commands those tests need.
package headless

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/websocket"
)

// Flags are the Chromium flags that work on a closed network as root: no
// sandbox (root), no GPU, and none of the background connections that this
// machine refuses.
var Flags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--hide-scrollbars", "--mute-audio", "--remote-allow-origins=*",
}

// Find returns the path of a Chromium binary: $CHROMIUM, else chromium or
// chromium-browser on PATH; "" when there is none.
func Find() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is a running headless Chromium and its DevTools connection.
type Browser struct {
	cmd    *exec.Cmd
	dir    string
	ws     *websocket.Conn
	stderr *tail

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan reply
	pages   map[string]*Page // by session id
	done    chan struct{}
	readErr error
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	reply
}

// Launch starts Chromium from bin with a fresh profile and connects to it.
func Launch(ctx context.Context, bin string) (*Browser, error) {
	dir, err := os.MkdirTemp("", "mlexp-chromium-")
	if err != nil {
		return nil, err
	}
	args := append(append([]string{}, Flags...), "--user-data-dir="+dir, "--remote-debugging-port=0", "about:blank")
	cmd := exec.Command(bin, args...)
	// A process group of its own, so that Close can end Chromium's helpers
	// (zygotes, renderers, GPU and network processes) with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	b := &Browser{cmd: cmd, dir: dir, stderr: &tail{}, pending: map[int64]chan reply{}, pages: map[string]*Page{}, done: make(chan struct{})}
	url, err := b.devtoolsURL(ctx, errPipe)
	if err != nil {
		b.kill()
		return nil, err
	}
	if b.ws, err = websocket.Dial(url, "", "http://127.0.0.1/"); err != nil {
		b.kill()
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	b.ws.MaxPayloadBytes = 64 << 20
	go b.read()
	return b, nil
}

// devtoolsURL reads Chromium's stderr until it names its DevTools
// websocket, then keeps the rest of stderr for error messages.
func (b *Browser) devtoolsURL(ctx context.Context, r io.Reader) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			b.stderr.add(line)
			if i := strings.Index(line, "DevTools listening on "); i >= 0 && !sent {
				found <- strings.TrimSpace(line[i+len("DevTools listening on "):])
				sent = true
			}
		}
		close(found)
	}()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case url, ok := <-found:
		if !ok {
			return "", fmt.Errorf("chromium exited before listening; stderr:\n%s", b.stderr)
		}
		return url, nil
	case <-ctx.Done():
		return "", fmt.Errorf("chromium did not listen within 30s; stderr:\n%s", b.stderr)
	}
}

// read delivers replies to their callers and events to their pages.
func (b *Browser) read() {
	defer close(b.done)
	for {
		var m message
		if err := websocket.JSON.Receive(b.ws, &m); err != nil {
			b.mu.Lock()
			b.readErr = err
			for id, c := range b.pending {
				close(c)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		b.mu.Lock()
		if m.ID != 0 {
			if c, ok := b.pending[m.ID]; ok {
				c <- m.reply
				delete(b.pending, m.ID)
			}
			b.mu.Unlock()
			continue
		}
		p := b.pages[m.SessionID]
		b.mu.Unlock()
		if p != nil {
			p.event(m.Method, m.Params)
		}
	}
}

// call sends one command (to a page's session, or the browser for "")
// and decodes its result into out (nil to ignore it).
func (b *Browser) call(ctx context.Context, session, method string, params any, out any) error {
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return fmt.Errorf("%s: connection closed: %w", method, b.readErr)
	}
	b.nextID++
	id := b.nextID
	c := make(chan reply, 1)
	b.pending[id] = c
	b.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	msg := struct {
		ID        int64           `json:"id"`
		Method    string          `json:"method"`
		Params    json.RawMessage `json:"params"`
		SessionID string          `json:"sessionId,omitempty"`
	}{id, method, raw, session}
	if err := websocket.JSON.Send(b.ws, msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r, ok := <-c:
		if !ok {
			return fmt.Errorf("%s: connection closed", method)
		}
		if r.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, r.Error.Message, r.Error.Code)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Close ends the browser and removes its profile. Chromium's helpers
// write into the profile too, and outlive a browser process that crashed
// or was killed: they are ended and gone before the profile is removed.
func (b *Browser) Close() error {
	if b.ws != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = b.call(ctx, "", "Browser.close", nil, nil)
		cancel()
		b.ws.Close()
	}
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		b.kill()
		<-exited
	}
	b.endGroup()
	return os.RemoveAll(b.dir)
}

// kill ends the browser and its helpers; before the DevTools connection
// is up (Launch failing) it also waits for them and removes the profile.
func (b *Browser) kill() {
	if b.cmd.Process != nil {
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	}
	if b.ws == nil {
		_ = b.cmd.Wait()
		b.endGroup()
		os.RemoveAll(b.dir)
	}
}

// groupGrace bounds how long endGroup waits for the helpers to be gone.
const groupGrace = 5 * time.Second

// endGroup kills what is left of the browser's process group once the
// browser process has been waited for, and waits until nothing is left
// (at most groupGrace: an orphan nobody reaps still counts).
func (b *Browser) endGroup() {
	if b.cmd.Process == nil {
		return
	}
	group := -b.cmd.Process.Pid
	_ = syscall.Kill(group, syscall.SIGKILL)
	for end := time.Now().Add(groupGrace); syscall.Kill(group, 0) == nil && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
}

// Stderr returns the last lines Chromium wrote to stderr.
func (b *Browser) Stderr() string { return b.stderr.String() }

// tail keeps the last lines of a stream.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(l string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, l)
	if len(t.lines) > 50 {
		t.lines = t.lines[len(t.lines)-50:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// ErrNoChromium says no Chromium binary was found.
var ErrNoChromium = errors.New("no chromium binary: apt-get install chromium, or set $CHROMIUM")

// decodePNG returns the bytes of a base64 screenshot.
func decodePNG(data string) ([]byte, error) { return base64.StdEncoding.DecodeString(data) }
