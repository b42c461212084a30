package main

import "syscall"

// detached puts the background emulator in a process group of its own, so
// that a Ctrl-C meant for the console that started it does not stop it.
func detached() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
