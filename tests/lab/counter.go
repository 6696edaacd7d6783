package main

// Call counter (GET /lab/calls). Counted at the outermost HTTP handler so every
// request the simulator serves is seen: SOAP calls by the method element inside
// the SOAP Body (not the SOAPAction header), everything else as "METHOD /path"
// plus "?action=X" (or "?~action=X", the /rest spelling) when present.

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/vmware/govmomi/vim25/xml"
)

type counter struct {
	mu    sync.Mutex
	total int
	by    map[string]int
}

func (c *counter) add(key string) {
	c.mu.Lock()
	if c.by == nil {
		c.by = map[string]int{}
	}
	c.total++
	c.by[key]++
	c.mu.Unlock()
}

func (c *counter) snapshot() map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	by := make(map[string]int, len(c.by))
	for k, v := range c.by {
		by[k] = v
	}
	return map[string]any{"total": c.total, "by_method": by}
}

func (c *counter) reset() {
	c.mu.Lock()
	c.total, c.by = 0, map[string]int{}
	c.mu.Unlock()
}

// callKey names a request for the counter. For SOAP it reads the body and puts it back.
func callKey(r *http.Request) string {
	if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/sdk") && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err == nil {
			if name := soapMethod(body); name != "" {
				return name
			}
		}
	}
	key := r.Method + " " + r.URL.Path
	q := r.URL.Query()
	for _, p := range []string{"action", "~action"} {
		if v := q.Get(p); v != "" {
			key += "?" + p + "=" + v
		}
	}
	return key
}

// soapMethod returns the local name of the first element inside the SOAP Body.
func soapMethod(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			if inBody {
				return se.Name.Local
			}
			inBody = se.Name.Local == "Body"
		}
	}
}
