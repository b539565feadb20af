package bench

import "runtime"

// Footprint is the memory and goroutine cost of one node of a running
// cluster: the growth of the whole process once the cluster runs, divided by
// its number of nodes.
type Footprint struct {
	HeapInUse  float64 // bytes of heap in use (runtime.MemStats.HeapInuse)
	Goroutines float64
}

// processFootprint is the whole process's heap in use and goroutine count.
type processFootprint struct {
	heapInUse  uint64
	goroutines int
}

// measureFootprint collects garbage twice, so that the heap holds only live
// data, and then reads the heap in use and the goroutine count.
func measureFootprint() processFootprint {
	runtime.GC()
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return processFootprint{heapInUse: stats.HeapInuse, goroutines: runtime.NumGoroutine()}
}

// perNode returns the growth since before, shared among nodes.
func (p processFootprint) perNode(before processFootprint, nodes int) Footprint {
	heap := float64(p.heapInUse) - float64(before.heapInUse)
	goroutines := float64(p.goroutines - before.goroutines)
	return Footprint{HeapInUse: heap / float64(nodes), Goroutines: goroutines / float64(nodes)}
}
