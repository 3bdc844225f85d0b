package live

import "sync/atomic"

// Stats counts what the hub does, for metrics.
type Stats struct {
	Connected   atomic.Int64 // subscribers connected now
	Published   atomic.Int64 // events handed to Publish
	Delivered   atomic.Int64 // event copies written to subscribers
	Visits      atomic.Int64 // times a shard gave a subscriber the events it lacked, in one write where it could
	DroppedSlow atomic.Int64 // subscribers disconnected because their buffer filled
}
