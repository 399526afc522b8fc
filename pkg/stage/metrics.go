package stage

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Prometheus series of one Runner, labelled by stage.
type metrics struct {
	consumed      prometheus.Counter
	produced      *prometheus.CounterVec
	deadLettered  *prometheus.CounterVec
	handlerTime   prometheus.Observer
	batchTime     prometheus.Observer
	batchSize     prometheus.Observer
	lag           *prometheus.GaugeVec
	inFlight      prometheus.Gauge
	inFlightBytes prometheus.Gauge
	retries       *prometheus.CounterVec
	commits       prometheus.Counter
	commitErrors  prometheus.Counter
	paused        prometheus.Gauge
	rebalances    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, stage string) *metrics {
	l := prometheus.Labels{"stage": stage}
	f := func(c prometheus.Collector) prometheus.Collector {
		if reg != nil {
			if err := reg.Register(c); err != nil {
				if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
					return are.ExistingCollector
				}
			}
		}
		return c
	}
	counter := func(name, help string) prometheus.Counter {
		return f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "stage", Name: name, Help: help, ConstLabels: l})).(prometheus.Counter)
	}
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "stage", Name: name, Help: help, ConstLabels: l}, labels)).(*prometheus.CounterVec)
	}
	gauge := func(name, help string) prometheus.Gauge {
		return f(prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "newsflow", Subsystem: "stage", Name: name, Help: help, ConstLabels: l})).(prometheus.Gauge)
	}
	hist := func(name, help string, buckets []float64) prometheus.Observer {
		return f(prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "newsflow", Subsystem: "stage", Name: name, Help: help, ConstLabels: l, Buckets: buckets})).(prometheus.Histogram)
	}
	return &metrics{
		consumed:     counter("consumed_total", "Records consumed from the input topic."),
		produced:     counterVec("produced_total", "Records acknowledged on an output topic.", "topic"),
		deadLettered: counterVec("dead_lettered_total", "Input records parked in the dead-letter topic, by error class.", "class"),
		handlerTime:  hist("handler_seconds", "Time the handler took for one record, retries included.", prometheus.ExponentialBuckets(0.0001, 2.5, 14)),
		batchTime:    hist("batch_seconds", "Time from fetching a batch to committing it.", prometheus.ExponentialBuckets(0.001, 2.5, 12)),
		batchSize:    hist("batch_records", "Records per processed batch.", prometheus.ExponentialBuckets(1, 2, 11)),
		lag: f(prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "newsflow", Subsystem: "stage", Name: "consumer_lag",
			Help: "Records behind the partition's high watermark after the last committed batch.", ConstLabels: l}, []string{"partition"})).(*prometheus.GaugeVec),
		inFlight:      gauge("in_flight", "Records fetched and not yet committed."),
		inFlightBytes: gauge("in_flight_bytes", "Bytes of the records in batches being handled (bounded by --max-in-flight-bytes)."),
		retries:       counterVec("retries_total", "Retried operations, by what was retried.", "op"),
		commits:       counter("commits_total", "Offset commits accepted by the group coordinator."),
		commitErrors:  counter("commit_errors_total", "Offset commits that failed (the batch is redelivered)."),
		paused:        gauge("paused", "1 while the stage waits for a dependency (nothing is committed)."),
		rebalances:    counter("generations_total", "Consumer group generations joined."),
	}
}
