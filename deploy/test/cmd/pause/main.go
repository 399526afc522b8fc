// Command pause is the pod sandbox process of the test cluster (the role of
// registry.k8s.io/pause, which cannot be pulled here): it sleeps until SIGTERM or SIGINT.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
