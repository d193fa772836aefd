//go:build e2e

package e2e

import "syscall"

// serverSysProcAttr has Linux kill a server whose test binary died: a test
// timeout panics past every t.Cleanup, and no server may outlive its test.
func serverSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
