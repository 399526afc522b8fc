// Package pipebench is newsflow's pipeline benchmark: it runs the fetcher,
// cleaner and enricher binaries as processes against the real Kafka broker and
// redis-server of deploy/local, feeds them generated pages, and reports
// throughput, latency, CPU, memory, Redis round trips and bytes, next to the
// same stages measured in-process, so that the cost of the Kafka and Redis
// plumbing shows as a ratio. `make bench` runs cmd/pipebench and writes
// bench/report.md and bench/report.json; bench/SIZING.md explains how to
// size a deployment from them.
//
// Every measurement uses its own topics, consumer groups and page
// addresses (a run tag in every site name and text), so concurrent users of
// the shared broker and Redis never meet it: the once store is keyed by
// topic, dedup and templates by story address, text and host. Keys the
// benchmark writes itself (in-process stages, Redis sizing) live under
// nf:bench:<run>: and are deleted afterwards; the services' keys expire
// with the one-hour windows the benchmark gives them. The broker and
// redis-server are only read from /proc, never restarted or flushed.
//
// Measurements, each repeated (medians reported):
//
//   - in-process: the cleaner's batch handler without Redis, with site
//     templates, with dedup, with the exactly-once sink's claims (the
//     producer is an in-memory log); the enricher's handler with and
//     without its sink. Each batch runs through every variant back to back
//     so that load from elsewhere on the machine hits them alike;
//   - each stage alone as a process, draining a preloaded backlog;
//   - the fetcher alone as a process, fetching pages of the same mix from
//     16 loopback origins (each its own per-host rate limit) through its
//     submit API;
//   - the pipeline draining a preloaded backlog (saturation), the same with
//     an alternative configuration (AltArgs, AltEnv), and the same while
//     the feeder produces (the base of the offered rates);
//   - latency at half of that rate, from the record timestamps of the raw
//     and enriched topics;
//   - a soak at 70% of it, sampling RSS and consumer lag, reported as slopes;
//   - Redis memory per story (MEMORY USAGE of every key under a private
//     prefix after N stories, fitted and projected to a million) and broker
//     throughput of one partition.
//
// In every other measurement pages are produced straight onto the raw topic
// as the fetcher writes them (same key, headers, zstd, acks=all, record
// batches of fetch.RecordBatchBytes), so that the pipeline's numbers do not
// depend on HTTP serving on the same two cores.
//
// The package's tests are unit tests of its pure parts; the benchmark
// itself runs only from cmd/pipebench, never from `go test ./...`.
package pipebench
