// Package once delivers each story to its output topic exactly once, with
// kafka-go (no idempotent or transactional producer) and Redis, through
// crashes, retries, rebalances and replays. Sink is the stage.Sink that the
// cleaner (news.cleaned) and the enricher (news.enriched) write through.
//
// The Kafka log is the source of truth; Redis records who is delivering what
// and what was delivered, and every Redis answer that could be wrong is
// checked against the log before anything is produced.
//
// # The protocol
//
// A story is (output topic, StoryID, Revision). Its claim record in Redis is
// the hash "<prefix><topic>:{<story id>}[:r<revision>]" (window TTL, default
// 7 days) and its lease the key "...:lease" (lease TTL, default 30s), holding
// the token of the Write that owns it. Both share the hash tag {<story id>},
// so every script touches one Redis Cluster slot.
//
// For the outputs of one Write (one consumed batch) the Sink:
//
//  1. Claims all stories in one pipelined round trip: one EVALSHA of the
//     claim script per story (NOSCRIPT falls back to EVAL), plus a GET of
//     the store sentinel. Per story:
//     - record done -> DUPLICATE: drop it (counted);
//     - lease held by another live token -> BUSY: wait (backoff doubling from
//     5ms to 500ms, never past the lease's end) and claim again; never skip;
//     - no record -> CLAIMED: the record gets {state claimed, owner, output
//     partition, the partition's high watermark read before any produce},
//     the lease our token;
//     - record claimed, lease lapsed (or held by a finished Write of this
//     process) -> RECOVER: the lease is ours, the recorded partition and
//     watermark are kept.
//  2. Verifies RECOVERed stories: reads the recorded partition from the
//     recorded watermark to its current end (one scan per partition) and
//     looks for the story id as key with the revision header. Found ->
//     confirm; not found -> produce.
//  3. Produces, one call per output partition, partitions in parallel, the
//     story id as key, to the partition murmur2(story id) picks (the Java
//     client's partitioner; fixed in the claim, so a topic that grows
//     partitions does not move an in-flight story). kafka-go Writer with
//     RequiredAcks all, MaxAttempts 1, BatchTimeout 2ms. Before each call the
//     owner fences itself: every story's lease must outlast ProduceTimeout +
//     SettleGrace + clock drift, or it is extended by compare-and-set on the
//     owner token; a story whose lease was taken over goes back to step 1.
//     An acknowledged record -> confirm. An error that proves nothing was
//     written (refused before sending, or a broker error such as
//     NOT_LEADER) -> produce again after a backoff. Any other error is
//     uncertain (the record may or may not be on the broker) -> wait
//     SettleGrace, then verify as in step 2.
//  4. Confirms in one pipelined round trip: state done, window TTL, lease
//     freed. Only then does Write return nil and the Runner commit.
//
// A fresh batch costs two Redis round trips (claim, confirm) and one produce
// per partition; a replayed batch one round trip. Outputs without a StoryID
// are produced at least once, as a plain sink would.
//
// # Failure cases and why each is safe
//
// "Lost" would be a committed input whose story is not on the log;
// "duplicated" a story on the log twice. Write returns nil only when every
// story of the batch is done, and done is set only after the broker
// acknowledged the record or a verify found it, so nothing committed is lost.
// The cases below show that nothing is produced twice.
//
//   - Crash after claim, before produce: the lease lapses; the next owner
//     gets RECOVER, verify finds nothing, it produces.
//   - Crash after produce, before confirm: the next owner gets RECOVER and
//     verify finds the record (it is at or after the recorded watermark, in
//     the recorded partition): confirm, no produce.
//   - Crash with a produce in flight: the crashed owner started it only with
//     ProduceTimeout + SettleGrace of lease left, so it has landed or never
//     will by the time the lease lapses and anyone can RECOVER.
//   - Produce error after the broker appended (a lost answer, a timeout):
//     uncertain; the owner waits SettleGrace, verifies, finds it, confirms.
//   - Partial failure of a produce call: outcomes are per record.
//   - A live owner too slow for its lease (GC pause, stalled host): it checks
//     its lease against its monotonic clock before every produce call; with
//     too little left it extends by compare-and-set on its token, which
//     fails if another owner took over (that owner decides) and succeeds if
//     nobody did (nobody else can have produced). The stalled owner then
//     claims again and gets BUSY or DUPLICATE.
//   - Rebalance mid-batch, or two partition workers with one story: two
//     Writes with different tokens; one claims, the other waits (BUSY) and
//     finds it done. A Write produces and confirms what it claimed before it
//     waits for what others hold, so two Writes cannot wait on each other.
//     An offset committed for a partition that moved (kafka-go allows it,
//     moving the offset back) only causes redelivery, which DUPLICATE drops.
//   - Redis down or failing at any step: Write returns an error, nothing is
//     committed, the Runner retries with backoff (readiness goes false). A
//     retry in the same process takes over the failed Write's claims at
//     once (the Sink remembers them) and verifies; others wait for the
//     leases. Produce needs no Redis, so a story produced before Redis failed
//     is found by that verify.
//   - Redis restarted with its data: as above. Redis lost its data: the store
//     sentinel (created on an empty topic) is gone while the topic is not
//     empty, and every Write fails with ErrStoreLost until Rebuild has marked
//     every story on the topic within the window as done (waiting one lease
//     first, for produces of claims taken before the loss to land). With
//     Config.AutoRebuild the Sink runs it.
//   - Broker down or leader moving: NotWritten errors are retried within the
//     Write (MaxProduceAttempts), then by the Runner; uncertain ones are
//     verified; a broker that cannot be read makes verify fail, so nothing
//     is decided blind.
//   - Retention trimmed the log below a recorded watermark, or the topic was
//     recreated (watermark beyond the end): verify scans from the log start.
//   - A story twice in one batch: claimed once, the copy dropped.
//   - Reprocess replays: the revision is part of the claim key, so each
//     revision is delivered once.
//
// # Assumptions
//
//   - A Producer call returns within ProduceTimeout and what it sent is
//     appended within SettleGrace after it returns, or never. KafkaProducer
//     enforces the first by the writer's timeouts, by never handing a batch
//     to kafka-go's queue after the caller gave up (kafka-go returns on a
//     cancelled context but may send the queued batch later), and by the
//     Sink serialising calls per partition so no batch waits behind another.
//     SettleGrace covers a request already on the wire. A call that overruns
//     is logged and counted (Stats.Overruns).
//   - The host's monotonic clock and Redis's expiry clock run at rates
//     within ClockDrift (1%) of each other; the Redis clock is not stepped
//     forward. Leases are measured from before the claim was sent.
//   - Redis keeps what it acknowledged: appendonly (deploy/local: AOF,
//     fsync every second, which survives a process kill), maxmemory-policy
//     noeviction (an evicted record makes a story deliverable again);
//     CheckRedis tells. A failover to an asynchronous replica that missed
//     recent writes is outside the guarantee (see Limits).
//
// # Changes to the design in DESIGN.md
//
//   - The claim key includes the output topic: "story:{id}" alone would let
//     the cleaner's done mark make the enricher drop every story.
//   - The lease owner is one Write, not a process: two partition workers of
//     one process carrying the same story must not both produce it.
//   - "Stop before producing when the lease is about to lapse" is made
//     precise: the margin covers the produce call, the broker settling after
//     a timed-out call and the clock drift; and the writer must not send
//     after the call returned (kafka-go does, by default, see above).
//   - Verify after an uncertain error waits SettleGrace before reading the
//     end of the partition, or a late append would be missed.
//   - RECOVER keeps the first owner's partition and watermark.
//   - Redis losing its data is detected (store sentinel) instead of silently
//     delivering the window again; Rebuild refills the store from the topic.
//   - pkg/dedup's Resolve is idempotent, and a stage must emit every input
//     under its resolved story id and leave dropping to this package: a
//     stage that dropped "already known" stories itself would lose the story
//     whose first copy crashed between Resolve and produce.
//
// # Limits
//
// Redis failover to a replica that had not received the latest writes, or a
// restart from an older snapshot, can lose claim and done records without
// emptying the store, which the sentinel does not detect: stories claimed or
// delivered in the lost interval may be delivered again. Run Redis with
// persistence and without asynchronous-replica failover, or rebuild after a
// failover.
package once
