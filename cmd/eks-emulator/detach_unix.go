//go:build !windows

package main

import "syscall"

// detached makes the background emulator a session of its own, as a
// daemon is: a Ctrl-C or hang-up meant for the shell that started it does
// not stop it; kill "$EKS_EMULATOR_PID" does.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
