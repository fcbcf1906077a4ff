package main

import (
	"net/http"
	"net/http/pprof"
	"runtime"
)

// debugHandler serves Go's profiles, for operators measuring a node; it
// turns on sampling of lock contention, which the mutex profile shows.
func debugHandler() http.Handler {
	runtime.SetMutexProfileFraction(20)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
