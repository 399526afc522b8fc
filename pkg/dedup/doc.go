// Package dedup decides story identity: which fetched pages are the same
// story, and under which story id it travels.
//
// Three things make two pages the same story, tried in this order:
//
//  1. the same canonical URL (pkg/urlnorm: rel=canonical/og:url chosen by
//     the extractor, host lower-cased, tracking parameters and fragments
//     removed, AMP and mobile variants folded);
//  2. the same normalised text: ContentHash, the first 128 bits of the
//     SHA-256 of the words of the text (NFKC, lower-cased, punctuation and
//     whitespace dropped) joined by single spaces;
//  3. a near duplicate: 64-bit sketches of the text's 3-word shingles (xxhash64
//     each, shingles inside paragraphs) within Hamming distance 4 (Config.MaxDistance),
//     found through four Redis band indexes of 16 bits (two sketches within distance 3 agree
//     on at least one band).
//
// Texts under MinWords words (default 20) only match by URL.
//
// # The sketch
//
// The 64-bit sketch is compared by Hamming distance and banded exactly as a
// SimHash would be, but by default its bits come from one-permutation b-bit
// MinHash (MinHash64) rather than Charikar's SimHash (SimHash, still
// selectable with Config.Sketch). On the generated corpus of
// TestNearDuplicateQuality (600 near-duplicate pairs of 350-750-word
// articles, the seed article's length, and 600 pairs of distinct stories on
// the same topic), at distance <= 3 and, for MinHash64, <= 4 (the default):
//
//	                      MinHash64 (<=3)  MinHash64 (<=4)  SimHash (<=3)
//	light edit (1-3 words)      1.00             1.00            0.81
//	reordered paragraphs        1.00             1.00            1.00
//	changed boilerplate         0.99             1.00            0.90
//	changed byline              1.00             1.00            0.97
//	changed sentence            0.95             0.99            0.53
//	recall                      0.988            0.998           0.84
//	precision                   1.00             1.00            1.00
//
// Distance 4 is beyond the bands' pigeonhole guarantee: such a pair is found
// only when it shares a band, about 90% of the time. The chaos run of
// pkg/e2e (450 one-sentence rewrites of 10-15-paragraph stories) found one
// pair at distance 4 and none above.
//
// SimHash's bit-flip rate grows with the angle between the shingle vectors,
// about the square root of the share of changed shingles; MinHash's grows
// linearly with it. Recall falls with article length: on 250-550-word
// articles MinHash recalls 0.78 of changed sentences. Shingles do not cross
// paragraph breaks, which makes reordered paragraphs exact matches.
//
// # Story ids
//
// A story's id is StoryID(first canonical URL): the first 128 bits of its
// SHA-256 in hex. It is a pure function, so a replay, a rebuild and every
// process agree on it.
//
// # Redis layout
//
// Keys (prefix "nf:dd:" by default; the braces are the Redis Cluster hash
// tag, so every script touches one slot), all with the window (7 days) as TTL:
//
//	url:{<StoryID(url)>}        -> story id (first writer wins)
//	content:{<content hash>}    -> story id (first writer wins)
//	band:{<band>:<16 bits hex>} -> list of "<sketch> <unix ms> <story id>", append order
//	story:{<id>}                -> hash {url, first}
//	story:{<id>}:alt            -> set of alternate canonical URLs
//	lock:{near}                 -> near-duplicate registration lock (LockTTL)
//
// Index.Resolve works on a whole batch in a bounded number of pipelined round
// trips (two for a batch of duplicates, about five with new stories), not one
// per message.
//
// # Using it in a stage
//
// Emit every input under its resolved story id, whatever the Kind, and let
// pkg/once drop the copies. Resolve registers a new story before the stage
// produces it; if the stage then crashes, the redelivered input resolves to
// the same id (by URL), and pkg/once, not dedup, knows whether the story
// reached the topic. A stage that dropped non-new resolutions itself would
// lose that story.
package dedup
