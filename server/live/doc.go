// Package live pushes a consultation's events to every browser and client
// watching it, over websockets.
//
// After the gorilla/websocket chat example, made cheap per subscriber:
// each room (one consultation) has one goroutine that encodes every event
// once, as a complete websocket frame, and hands it to a few shard
// goroutines (up to two per processor), each of which owns a share of the
// subscribers and goes round them, giving each every event it lacks in
// one non-blocking write (batched through io_uring where the kernel has
// it). No goroutine per subscriber wakes for an event. A subscriber whose socket
// is full gets a goroutine and a bounded queue of its own until it catches
// up, and is dropped when the queue fills, rather than slow the others.
package live
