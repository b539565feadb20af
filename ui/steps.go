package ui

import (
	"cmp"
	"time"
)

// slowdownSteps are the slow-motion factors that + and - step through, in wall
// seconds per second of cluster time: from real time to cluster.MaxSlowdown.
var slowdownSteps = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

// delaySteps are the delays that d cycles a link through, in cluster time. The
// last one exceeds the default minimum election timeout of 150ms.
var delaySteps = []time.Duration{0, 10 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond}

// lossSteps are the loss probabilities that L cycles a link through.
var lossSteps = []float64{0, 0.1, 0.3, 0.5, 0.9}

// fasterSlowdown returns the largest step below slowdown, and false if there is
// none, as at real time.
func fasterSlowdown(slowdown float64) (float64, bool) {
	for i := len(slowdownSteps) - 1; i >= 0; i-- {
		if slowdownSteps[i] < slowdown {
			return slowdownSteps[i], true
		}
	}
	return slowdown, false
}

// slowerSlowdown returns the smallest step above slowdown, and false if there is
// none.
func slowerSlowdown(slowdown float64) (float64, bool) {
	for _, step := range slowdownSteps {
		if step > slowdown {
			return step, true
		}
	}
	return slowdown, false
}

// nextStep returns the first step above current, or the first step once
// current is at or above the last, so that repeated presses cycle.
func nextStep[T cmp.Ordered](steps []T, current T) T {
	for _, step := range steps {
		if step > current {
			return step
		}
	}
	return steps[0]
}
