// Package live pushes a consultation's events to every browser and client
// watching it, over websockets.
//
// After the gorilla/websocket chat example: each room (one consultation)
// has one goroutine that owns its subscriber set; each subscriber has a
// bounded send buffer drained by its own write pump, and a subscriber
// whose buffer fills is dropped rather than allowed to slow the others.
// Events are encoded once per room and shared by every connection.
package live
