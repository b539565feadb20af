package bench

import (
	"math"
	"time"
)

// Model predicts the failover time of a cluster whose leader crashes at a
// random moment. Each follower restarts its election timer, drawn uniformly
// from [ElectionMin, ElectionMax), whenever a heartbeat arrives. The first
// survivor therefore campaigns after the minimum of Nodes-1 draws, less the
// time since the last heartbeat, which is uniform in [0, Heartbeat]. Round is
// added to every failover: the vote round trip and the state-file writes of
// the election that follows. The model assumes that first campaign wins, so
// split votes make real failovers slower than it predicts.
type Model struct {
	Nodes       int
	ElectionMin time.Duration
	ElectionMax time.Duration
	Heartbeat   time.Duration
	Round       time.Duration
}

// Distribution summarizes failover times.
type Distribution struct {
	Mean   time.Duration
	Median time.Duration
	P90    time.Duration
	P99    time.Duration
}

// Expect returns the model's mean and quantiles. The model needs at least
// two nodes, so that one survives the leader.
func (m Model) Expect() Distribution {
	return Distribution{
		Mean:   m.Mean(),
		Median: m.Quantile(0.5),
		P90:    m.Quantile(0.9),
		P99:    m.Quantile(0.99),
	}
}

// Mean returns the expected failover time: the mean of the minimum of k
// uniform draws is ElectionMin + span/(k+1), and the mean heartbeat age is
// half the heartbeat.
func (m Model) Mean() time.Duration {
	span := seconds(m.ElectionMax - m.ElectionMin)
	survivors := float64(m.Nodes - 1)
	mean := seconds(m.ElectionMin) + span/(survivors+1) - seconds(m.positiveHeartbeat())/2
	return fromSeconds(mean + seconds(m.Round))
}

// CDF returns the probability that a failover takes at most d.
//
// With X the first timeout, A the heartbeat age and S(x) = P(X > x), the
// result is 1 - (1/h) times the integral of S(x+a) over a in [0, h]. S is 1
// below ElectionMin, ((max-x)/span)^k inside the range and 0 above it, so the
// integral has a closed form on each of the three pieces.
func (m Model) CDF(d time.Duration) float64 {
	x := seconds(d - m.Round)
	h := seconds(m.positiveHeartbeat())
	if h == 0 {
		return 1 - m.survival(x)
	}
	lo, hi := seconds(m.ElectionMin), seconds(m.ElectionMax)
	span := hi - lo
	k := float64(m.Nodes - 1)
	// Heartbeat ages a in [0, before) leave x+a below ElectionMin, where S is 1,
	// and ages in [before, inside) leave it inside the timeout range. Clamping
	// the fraction keeps an empty piece at 0 rather than Inf-Inf.
	before := clamp(lo-x, 0, h)
	inside := clamp(hi-x, 0, h)
	fraction := func(a float64) float64 { return clamp((hi-x-a)/span, 0, 1) }
	integral := before + span/(k+1)*(math.Pow(fraction(before), k+1)-math.Pow(fraction(inside), k+1))
	return clamp(1-integral/h, 0, 1)
}

// Quantile returns the failover time that a fraction q of failovers stay
// within, found by bisection of CDF to well under a microsecond.
func (m Model) Quantile(q float64) time.Duration {
	lo := m.ElectionMin - m.positiveHeartbeat() + m.Round
	hi := m.ElectionMax + m.Round
	for hi-lo > 100*time.Nanosecond {
		mid := lo + (hi-lo)/2
		if m.CDF(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// survival returns the probability that every survivor's timeout exceeds x
// seconds.
func (m Model) survival(x float64) float64 {
	lo, hi := seconds(m.ElectionMin), seconds(m.ElectionMax)
	fraction := clamp((hi-x)/(hi-lo), 0, 1)
	return math.Pow(fraction, float64(m.Nodes-1))
}

// positiveHeartbeat returns the heartbeat, or 0 for a negative one.
func (m Model) positiveHeartbeat() time.Duration { return max(m.Heartbeat, 0) }

func seconds(d time.Duration) float64 { return d.Seconds() }

func fromSeconds(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }
