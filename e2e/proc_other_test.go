//go:build e2e && !linux

package e2e

import "syscall"

// serverSysProcAttr is empty where the parent's death cannot be signalled:
// a server outlives a test binary that panicked on a timeout.
func serverSysProcAttr() *syscall.SysProcAttr {
	return nil
}
