package fetch

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// maxHostLabels bounds the number of distinct host label values: submitted
// URLs can name any host, and an unbounded label would grow the metrics
// without limit. Hosts beyond it share the value "other".
const maxHostLabels = 2000

// metrics are the fetcher's Prometheus series, per source and host.
type metrics struct {
	fetched      *prometheus.CounterVec // source, host
	notModified  *prometheus.CounterVec // source, host
	errors       *prometheus.CounterVec // source, host, class
	robotsDenied *prometheus.CounterVec // source, host
	rateWaits    *prometheus.CounterVec // source, host
	rateWaitSecs *prometheus.CounterVec // source, host
	bytes        *prometheus.CounterVec // source, host
	retries      *prometheus.CounterVec // source, host
	breakerTrips *prometheus.CounterVec // host
	emitted      *prometheus.CounterVec // source, kind
	duplicates   *prometheus.CounterVec // source
	polls        *prometheus.CounterVec // source, result
	interval     *prometheus.GaugeVec   // source
	sources      prometheus.Gauge
	reloads      *prometheus.CounterVec // result
	submitted    *prometheus.CounterVec // result
	duration     *prometheus.HistogramVec

	mu    sync.Mutex
	hosts map[string]bool
}

func newMetrics(reg prometheus.Registerer) *metrics {
	const ns, sub = "newsflow", "fetcher"
	sh := []string{"source", "host"}
	m := &metrics{
		fetched: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "fetched_total",
			Help: "Successful (2xx) responses, by source and host."}, sh),
		notModified: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "not_modified_total",
			Help: "304 Not Modified answers to conditional requests, by source and host."}, sh),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "errors_total",
			Help: "Failed fetches by source, host and error class (ssrf, timeout, too_large, decompression, http_5xx, robots_unreachable, ...)."},
			[]string{"source", "host", "class"}),
		robotsDenied: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "robots_denied_total",
			Help: "URLs not fetched because robots.txt disallows them, by source and host."}, sh),
		rateWaits: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "rate_limited_waits_total",
			Help: "Requests that waited for the shared per-host rate limit, by source and host."}, sh),
		rateWaitSecs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "rate_limited_wait_seconds_total",
			Help: "Time spent waiting for the shared per-host rate limit, by source and host."}, sh),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "bytes_total",
			Help: "Body bytes read from the network (before decompression), by source and host."}, sh),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "retries_total",
			Help: "Requests retried after a transient failure, by source and host."}, sh),
		breakerTrips: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "circuit_opened_total",
			Help: "Times a host's circuit breaker opened after repeated failures."}, []string{"host"}),
		emitted: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "emitted_total",
			Help: "Pages written to news.raw, by source and source kind."}, []string{"source", "kind"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "items_already_seen_total",
			Help: "Feed and sitemap items skipped because they were emitted (or are being fetched) already."}, []string{"source"}),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "polls_total",
			Help: "Source polls by result: changed, unchanged, not_modified, error, leased_elsewhere."}, []string{"source", "result"}),
		interval: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "poll_interval_seconds",
			Help: "Current adaptive poll interval of each source."}, []string{"source"}),
		sources: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "sources",
			Help: "Configured sources."}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "config_reloads_total",
			Help: "Sources file loads by result (ok, error)."}, []string{"result"}),
		submitted: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "submitted_urls_total",
			Help: "URLs received by the submit API, by result (queued, emitted, failed, rejected)."}, []string{"result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "fetch_duration_seconds",
			Help: "Time from request to end of body, by source.", Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10)}, []string{"source"}),
		hosts: map[string]bool{},
	}
	if reg != nil {
		reg.MustRegister(m.fetched, m.notModified, m.errors, m.robotsDenied, m.rateWaits, m.rateWaitSecs, m.bytes, m.retries,
			m.breakerTrips, m.emitted, m.duplicates, m.polls, m.interval, m.sources, m.reloads, m.submitted, m.duration)
	}
	return m
}

// host returns the label value for a host name.
func (m *metrics) host(h string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hosts[h] {
		return h
	}
	if len(m.hosts) >= maxHostLabels {
		return "other"
	}
	m.hosts[h] = true
	return h
}
