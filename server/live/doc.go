// Package live pushes a consultation's events to every browser and client
// watching it, over websockets.
//
// After the gorilla/websocket chat example, made cheap per subscriber:
// each room (one consultation) has one goroutine that encodes every event
// once, as a complete websocket frame, and hands it to a few shards, each
// a share of the subscribers. The hub's workers (half the processors)
// take the shards in turn; a turn gives the next few subscribers, like a
// clock hand going round, every event they lack in one non-blocking write
// each (batched through io_uring where the kernel has it). No goroutine
// per subscriber wakes for an event. A subscriber whose socket is full
// gets a goroutine and a bounded queue of its own until it catches up,
// and is dropped when the queue fills, rather than slow the others; one
// whose client has stopped reading (its TCP window nearly shut) is paused,
// written nothing more, and dropped once it is that far behind.
package live
