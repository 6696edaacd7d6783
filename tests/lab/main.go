// Command lab serves a vCenter simulator (govmomi's vcsim as a library) with
// the fixes and control API our integration tests need. Start it with
// tests/lab/lab start; see README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"
)

func main() {
	opts := Options{}
	flag.IntVar(&opts.VMs, "vms", -1, "total number of VMs (default: vcsim's VPX inventory, 4)")
	flag.IntVar(&opts.DelayMS, "delay-ms", 0, "delay per SOAP or REST call in ms (REST: see /lab/delay rest_ms)")
	flag.IntVar(&opts.Port, "port", 18443, "HTTPS port on 127.0.0.1")
	flag.StringVar(&opts.StateDir, "state-dir", ".run", "state directory (CA, certs, env file)")
	flag.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the first inventory build to this file")
	flag.IntVar(&opts.AppliancePort, "appliance-port", 0, "appliance (deployment API) HTTPS port (default: --port + 1)")
	flag.StringVar(&opts.ApplianceAddress, "appliance-address", "127.0.0.1", "appliance listener address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	if err := run(opts); err != nil {
		log.Fatalf("lab: %v", err)
	}
}

func run(opts Options) error {
	start := time.Now()
	if err := os.MkdirAll(opts.StateDir, 0o755); err != nil {
		return err
	}
	ready := filepath.Join(opts.StateDir, "ready")
	_ = os.Remove(ready)
	tlsConf, err := serverTLS(opts.StateDir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", opts.Port))
	if err != nil {
		return err
	}
	l := newLab(opts, tlsConf)
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	inv, err := l.build()
	if opts.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return fmt.Errorf("building inventory: %w", err)
	}
	l.cur.Store(inv)
	if err := startAppliance(opts); err != nil {
		return fmt.Errorf("appliance listener: %w", err)
	}

	srv := &http.Server{Handler: l, TLSConfig: tlsConf, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: log.New(os.Stderr, "http: ", log.LstdFlags)}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()

	if err := writeEnv(opts); err != nil {
		return err
	}
	if err := os.WriteFile(ready, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		return err
	}
	logf("serving %s with %d VMs (ready in %s)", l.public, l.vmCount(), time.Since(start).Round(time.Millisecond))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		logf("stopping on %s", s)
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	_ = os.Remove(ready)
	t := time.Now()
	_ = srv.Close() // tests stop labs often: do not wait for keep-alive connections
	logf("server closed in %s", time.Since(t))
	l.cur.Load().model.Remove()
	logf("inventory removed in %s", time.Since(t))
	return nil
}

// writeEnv writes the env file (safe to eval / source).
func writeEnv(opts Options) error {
	abs, err := filepath.Abs(opts.StateDir)
	if err != nil {
		return err
	}
	env := fmt.Sprintf(`export VMWARE_HOST=127.0.0.1
export VMWARE_PORT=%d
export VMWARE_USER='%s'
export VMWARE_PASSWORD='%s'
export VMWARE_CA_PATH='%s'
export LAB_URL='https://127.0.0.1:%d'
`, opts.Port, labUser, labPassword, filepath.Join(abs, "ca.pem"), opts.Port) + applianceEnv(opts)
	tmp := filepath.Join(abs, "env.tmp")
	if err := os.WriteFile(tmp, []byte(env), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(abs, "env"))
}
