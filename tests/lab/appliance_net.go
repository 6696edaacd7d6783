package main

// The appliance's own HTTPS listener (a real one answers on 5480), its
// certificate (signed by the lab CA, for 127.0.0.1, localhost and the
// --appliance-address), "reboots" (connection refused for a while) and the
// control API at /lab/appliance on the vCenter listener:
//
//	GET  /lab/appliance                 state, percent, conf, answers, spec in use, address, calls
//	POST /lab/appliance {conf}          a fresh appliance with that conf (see applianceConf); zeroes calls
//	POST /lab/appliance/reboot {"down_ms": 1500}
//	GET  /lab/appliance/calls           {"total": N, "by_method": {"GET /api/vcenter/deployment": 12}}
//	POST /lab/appliance/calls/reset
//	POST /lab/appliance/sessions/expire {"expired": N}

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type applianceHost struct {
	addr           string // host:port
	tls            *tls.Config
	sha1, sha256   string
	cur            atomic.Pointer[appliance]
	calls          counter
	mu             sync.Mutex
	srv            *http.Server
	upAt           time.Time // while rebooting: when it answers again
	rebootDeadline *time.Timer
}

var applHost = &applianceHost{}

func init() {
	registerExtension("appliance", func(l *Lab) {
		applHost.cur.Store(newAppliance(applianceConf{}, time.Now()))
		l.HandleControl("appliance", applHost.control)
	})
}

// startAppliance issues the certificate and opens the appliance listener (once per process).
func startAppliance(opts Options) error {
	h := applHost
	port := opts.AppliancePort
	if port == 0 {
		port = opts.Port + 1
	}
	h.addr = net.JoinHostPort(opts.ApplianceAddress, fmt.Sprint(port))
	conf, err := applianceTLS(opts.StateDir, opts.ApplianceAddress)
	if err != nil {
		return fmt.Errorf("appliance certificate: %w", err)
	}
	h.tls = conf
	leaf := conf.Certificates[0].Certificate[0]
	h.sha1, h.sha256 = sha1sum(leaf), sha256sum(leaf)
	return h.up()
}

func colonHex(sum []byte) string {
	b := make([]string, 0, len(sum))
	for _, c := range sum {
		b = append(b, fmt.Sprintf("%02X", c))
	}
	return strings.Join(b, ":")
}

func sha1sum(b []byte) string   { s := sha1.Sum(b); return colonHex(s[:]) }
func sha256sum(b []byte) string { s := sha256.Sum256(b); return colonHex(s[:]) }

func (h *applianceHost) up() error {
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, TLSConfig: h.tls, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: log.New(os.Stderr, "appliance http: ", log.LstdFlags)}
	h.mu.Lock()
	h.srv = srv
	h.mu.Unlock()
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	return nil
}

// reboot closes the listener and every connection, and listens again after down.
func (h *applianceHost) reboot(down time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv != nil {
		_ = h.srv.Close()
		h.srv = nil
	}
	h.upAt = time.Now().Add(down)
	if h.rebootDeadline != nil {
		h.rebootDeadline.Stop()
	}
	h.rebootDeadline = time.AfterFunc(down, func() {
		for i := 0; i < 50; i++ { // the port can take a moment to be free again
			if err := h.up(); err == nil {
				logf("appliance up again on %s", h.addr)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		logf("appliance could not listen again on %s", h.addr)
	})
	logf("appliance rebooting: connection refused for %s", down)
}

// scheduleReboot reboots the appliance at (after now) if a is still the current appliance then.
func scheduleReboot(at, down time.Duration, a *appliance) {
	time.AfterFunc(at, func() {
		if applHost.cur.Load() == a {
			applHost.reboot(down)
		}
	})
}

func (h *applianceHost) status() map[string]any {
	a := h.cur.Load()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.advance(time.Now())
	h.mu.Lock()
	rebooting := h.srv == nil
	h.mu.Unlock()
	return map[string]any{"state": a.state, "percent": a.percent(), "conf": a.conf, "spec": a.spec,
		"answers": a.answers, "sessions": len(a.sessions), "address": h.addr, "rebooting": rebooting,
		"started": stamp(a.started), "ended": stamp(a.ended), "thumbprint": h.sha1, "calls": h.calls.snapshot()}
}

func (h *applianceHost) control(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/lab/appliance"), "/")
	switch route {
	case "GET ":
		writeJSON(w, 200, h.status())
	case "POST ":
		var conf applianceConf
		if !decode(w, r, &conf) {
			return
		}
		switch conf.State {
		case "", stNotInitialized, stInitialized, stInProgress, stConfigured, stFailed:
		default:
			writeJSON(w, 400, map[string]string{"error": "state: NOT_INITIALIZED, INITIALIZED, CONFIG_IN_PROGRESS, CONFIGURED or FAILED"})
			return
		}
		if (conf.State == stInProgress || conf.State == stConfigured || conf.State == stFailed) && len(validateSpec(conf.Spec)) > 0 {
			writeJSON(w, 400, map[string]any{"error": "a valid spec is needed for that state", "spec_errors": validateSpec(conf.Spec)})
			return
		}
		for i, q := range conf.Questions {
			conf.Questions[i] = completeQuestion(q)
		}
		h.cur.Store(newAppliance(conf, time.Now()))
		h.calls.reset() // a new appliance, a new count
		writeJSON(w, 200, h.status())
	case "POST /reboot":
		var in struct {
			DownMS int `json:"down_ms"`
		}
		if !decode(w, r, &in) {
			return
		}
		h.reboot(time.Duration(in.DownMS) * time.Millisecond)
		writeJSON(w, 200, map[string]any{"down_ms": in.DownMS})
	case "GET /calls":
		writeJSON(w, 200, h.calls.snapshot())
	case "POST /calls/reset":
		h.calls.reset()
		writeJSON(w, 200, h.calls.snapshot())
	case "POST /sessions/expire":
		a := h.cur.Load()
		a.mu.Lock()
		n := len(a.sessions)
		a.sessions = map[string]time.Time{}
		a.mu.Unlock()
		writeJSON(w, 200, map[string]int{"expired": n})
	default:
		writeJSON(w, 404, map[string]string{"error": "no control route " + route})
	}
}

// applianceTLS issues the appliance's certificate, signed by the lab CA, for
// 127.0.0.1, localhost and addr, and writes it to dir/appliance.pem.
func applianceTLS(dir, addr string) (*tls.Config, error) {
	ca, caKey, err := loadOrCreateCA(dir)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: addr, Organization: []string{"opensphere lab appliance"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	if ip := net.ParseIP(addr); ip != nil {
		if !ip.Equal(tmpl.IPAddresses[0]) {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	} else if addr != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, addr)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if err = writePEM(filepath.Join(dir, "appliance.pem"), "CERTIFICATE", der, 0o644); err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der, ca.Raw}, PrivateKey: key}}}, nil
}

// applianceEnv is the appliance part of the env file.
func applianceEnv(opts Options) string {
	host, port, _ := net.SplitHostPort(applHost.addr)
	abs, _ := filepath.Abs(opts.StateDir)
	return fmt.Sprintf(`export APPLIANCE_HOST=%s
export APPLIANCE_PORT=%s
export APPLIANCE_USER=%s
export APPLIANCE_PASSWORD='%s'
export APPLIANCE_CA_PATH='%s'
export APPLIANCE_THUMBPRINT='%s'
export APPLIANCE_THUMBPRINT_SHA256='%s'
`, host, port, applianceUser, appliancePassword, filepath.Join(abs, "ca.pem"), applHost.sha1, applHost.sha256)
}
