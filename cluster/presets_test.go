package cluster

import (
	"slices"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

// reach returns the nodes that from can send to, itself included.
func reach(s Snapshot, from int) []int {
	out := []int{from}
	for to := 1; to <= len(s.Nodes); to++ {
		if to != from && s.Delivers(from, to) {
			out = append(out, to)
		}
	}
	slices.Sort(out)
	return out
}

func TestPresetsMakeTheirConnectivity(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	leader, _ := tc.waitStableLeader()
	order := rotate(5, leader)
	sorted := func(ids ...int) []int { return slices.Sorted(slices.Values(ids)) }

	cases := []struct {
		preset Preset
		want   map[int][]int // node → the nodes it reaches, itself included
	}{
		{PresetIsolateLeader, map[int][]int{
			order[0]: {order[0]},
			order[1]: sorted(order[1:]...),
		}},
		{PresetMajority, map[int][]int{
			order[0]: sorted(order[0], order[1]),
			order[2]: sorted(order[2:]...),
		}},
		{PresetMinorityThird, map[int][]int{
			order[0]: {order[0]},
			order[4]: sorted(order[1:]...),
		}},
		{PresetBridge, map[int][]int{
			order[0]: sorted(order[0], order[1], order[2]),
			order[2]: sorted(order...),
			order[4]: sorted(order[2], order[3], order[4]),
		}},
	}
	for _, tt := range cases {
		t.Run(tt.preset.String(), func(t *testing.T) {
			tc.HealAll()
			if _, err := tc.ApplyPreset(tt.preset); err != nil {
				t.Fatalf("ApplyPreset: %v", err)
			}
			s := tc.Snapshot()
			for node, want := range tt.want {
				if got := reach(s, node); !slices.Equal(got, want) {
					t.Errorf("n%d reaches %v, want %v", node, got, want)
				}
			}
		})
	}
}

func TestMajoritiesRingGivesEachNodeItsOwnMajority(t *testing.T) {
	for _, n := range []int{5, 7} {
		tc := startCluster(t, testConfig(t, n))
		if _, err := tc.ApplyPreset(PresetMajoritiesRing); err != nil {
			t.Fatal(err)
		}
		s := tc.Snapshot()
		seen := map[string]int{}
		for id := 1; id <= n; id++ {
			r := reach(s, id)
			if len(r) < raft.Majority(n) {
				t.Errorf("%d nodes: n%d reaches %v, fewer than a majority", n, id, r)
			}
			if len(r) == n {
				t.Errorf("%d nodes: n%d reaches every node", n, id)
			}
			key := sideName(r)
			if other, dup := seen[key]; dup {
				t.Errorf("%d nodes: n%d and n%d reach the same majority %s", n, other, id, key)
			}
			seen[key] = id
		}
		tc.stop()
	}
}

func TestMajoritySideElectsNewLeader(t *testing.T) {
	for _, preset := range []Preset{PresetIsolateLeader, PresetMajority, PresetMinorityThird} {
		t.Run(preset.String(), func(t *testing.T) {
			tc := startCluster(t, testConfig(t, 5))
			old, oldTerm := tc.waitStableLeader()
			if _, err := tc.ApplyPreset(preset); err != nil {
				t.Fatal(err)
			}
			minority := map[int]bool{}
			for _, id := range reach(tc.Snapshot(), old) {
				minority[id] = true
			}
			waitFor(t, "a leader on the majority side", func() bool {
				for _, n := range tc.Snapshot().Nodes {
					if !minority[n.ID] && n.Status.Role == raft.Leader && n.Status.Term > oldTerm {
						return true
					}
				}
				return false
			})
			// No node on the minority side may win a term of its own.
			for _, e := range tc.raftEvents(0, raft.EventElectionWon) {
				if minority[e.Node] && e.Raft.Term > oldTerm {
					t.Errorf("n%d won term %d on the minority side", e.Node, e.Raft.Term)
				}
			}
			tc.HealAll()
			tc.waitStableLeader()
		})
	}
}

func TestIsolateLeaderNeedsLeader(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.waitStableLeader()
	for id := 1; id <= 3; id++ {
		must(t, tc.Crash(id))
	}
	if _, err := tc.ApplyPreset(PresetIsolateLeader); err == nil {
		t.Error("isolate-leader with no leader succeeded, want an error")
	}
	if _, err := ParsePreset("split-brain"); err == nil {
		t.Error("ParsePreset accepted an unknown name")
	}
}
