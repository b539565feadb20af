package scenario

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

func TestParseOptions(t *testing.T) {
	s := mustParse(t, `# header
nodes 7
election-timeout 200ms 400ms
heartbeat 40ms
prevote on
checkquorum on
seed 42
slow 12.5

say go
`)
	want := Options{Nodes: 7, ElectionTimeoutMin: 200 * time.Millisecond,
		ElectionTimeoutMax: 400 * time.Millisecond, Heartbeat: 40 * time.Millisecond,
		PreVote: true, CheckQuorum: true, Seed: 42, Slowdown: 12.5}
	if s.Options != want {
		t.Errorf("Options = %+v, want %+v", s.Options, want)
	}
	wantLines := map[string]int{"nodes": 2, "election-timeout": 3, "heartbeat": 4, "prevote": 5,
		"checkquorum": 6, "seed": 7, "slow": 8}
	if !reflect.DeepEqual(s.OptionLines, wantLines) {
		t.Errorf("OptionLines = %v, want %v", s.OptionLines, wantLines)
	}
}

func TestParseDefaults(t *testing.T) {
	s := mustParse(t, "say hello\n")
	if s.Options != DefaultOptions() {
		t.Errorf("Options = %+v, want the defaults %+v", s.Options, DefaultOptions())
	}
	if len(s.OptionLines) != 0 {
		t.Errorf("OptionLines = %v, want none", s.OptionLines)
	}
}

func TestParseStepLinesAndText(t *testing.T) {
	s := mustParse(t, `nodes 3   # three nodes

  crash 2   # the comment goes
# a whole-line comment
	say Look: n2 is down.  # caption ends before the comment
`)
	want := []Step{
		{Line: 3, Text: "crash 2", Action: Crash{Node: NodeRef{ID: 2}}},
		{Line: 5, Text: "say Look: n2 is down.", Action: Say{Text: "Look: n2 is down."}},
	}
	if !reflect.DeepEqual(s.Steps, want) {
		t.Errorf("Steps = %+v, want %+v", s.Steps, want)
	}
}

func TestParseSwitchLiveAfterHeader(t *testing.T) {
	s := mustParse(t, "prevote on\nsay go\nprevote off\ncheckquorum on\n")
	if !s.Options.PreVote {
		t.Errorf("Options.PreVote = false, want true from the header")
	}
	want := []Action{Say{Text: "go"}, SetPreVote{On: false}, SetCheckQuorum{On: true}}
	for i, w := range want {
		if got := s.Steps[i].Action; got != w {
			t.Errorf("step %d = %#v, want %#v", i, got, w)
		}
	}
}

func TestParseEveryStepForm(t *testing.T) {
	leader, n1, n2, n3 := NodeRef{Leader: true}, NodeRef{ID: 1}, NodeRef{ID: 2}, NodeRef{ID: 3}
	cases := []struct {
		line string
		want Action
	}{
		{"say Now we crash the leader.", Say{Text: "Now we crash the leader."}},
		{"wait leader within 5s", Wait{Cond: HasLeader{}, Within: 5 * time.Second}},
		{"wait stable for 1s within 10s", WaitStable{For: time.Second, Within: 10 * time.Second}},
		{"wait term >= mark+2 on 3 within 2s", Wait{Cond: TermIs{Op: OpAtLeast,
			Value: TermValue{N: 2, Mark: true}, Node: n3}, Within: 2 * time.Second}},
		{"expect leader 4", Expect{Cond: LeaderIs{Node: 4}}},
		{"expect leader not 1", Expect{Cond: LeaderIsNot{Node: 1}}},
		{"expect no leader", Expect{Cond: NoLeader{}}},
		{"expect leader", Expect{Cond: HasLeader{}}},
		{"expect term >= 3", Expect{Cond: TermIs{Op: OpAtLeast, Value: TermValue{N: 3}}}},
		{"expect term == 3 on 2", Expect{Cond: TermIs{Op: OpEqual, Value: TermValue{N: 3}, Node: n2}}},
		{"expect term <= mark on leader", Expect{Cond: TermIs{Op: OpAtMost, Value: TermValue{Mark: true},
			Node: leader}}},
		{"expect term > 0", Expect{Cond: TermIs{Op: OpGreater, Value: TermValue{}}}},
		{"expect term < 9", Expect{Cond: TermIs{Op: OpLess, Value: TermValue{N: 9}}}},
		{"expect role 2 follower", Expect{Cond: RoleIs{Node: 2, Role: "follower"}}},
		{"expect role 2 pre-candidate", Expect{Cond: RoleIs{Node: 2, Role: "pre-candidate"}}},
		{"expect role 2 down", Expect{Cond: RoleIs{Node: 2, Role: "down"}}},
		{"expect role 1 not leader", Expect{Cond: RoleIs{Node: 1, Role: "leader", Not: true}}},
		{"expect safety violation", Expect{Cond: Violation{Want: true}}},
		{"expect safety violation two leaders", Expect{Cond: Violation{Want: true, Text: "two leaders"}}},
		{"expect no safety violation", Expect{Cond: Violation{}}},
		{"mark term", MarkTerm{}},
		{"crash leader", Crash{Node: leader}},
		{"crash 3", Crash{Node: n3}},
		{"restart 3", Restart{Node: 3, Mode: cluster.RestartClean}},
		{"restart 3 amnesia", Restart{Node: 3, Mode: cluster.RestartAmnesia}},
		{"restart 3 stale", Restart{Node: 3, Mode: cluster.RestartStale}},
		{"restart 3 torn", Restart{Node: 3, Mode: cluster.RestartTorn}},
		{"isolate 2", Isolate{Node: n2}},
		{"rejoin 2", Rejoin{Node: n2}},
		{"cut 1 2", Cut{From: n1, To: n2}},
		{"cut 1 -> 2", Cut{From: n1, To: n2, OneWay: true}},
		{"cut 1->2", Cut{From: n1, To: n2, OneWay: true}},
		{"cut leader → 2", Cut{From: leader, To: n2, OneWay: true}},
		{"heal 1 2", Heal{From: n1, To: n2}},
		{"heal 1 -> 2", Heal{From: n1, To: n2, OneWay: true}},
		{"heal 3", Rejoin{Node: n3}},
		{"heal all", HealAll{}},
		{"partition 1 2 | 3 4 5", Partition{Groups: [][]NodeRef{{n1, n2}, {n3, {ID: 4}, {ID: 5}}}}},
		{"partition 1 2|3", Partition{Groups: [][]NodeRef{{n1, n2}, {n3}}}},
		{"partition 3", Partition{Groups: [][]NodeRef{{n3}}}},
		{"partition majority", PartitionPreset{Preset: cluster.PresetMajority}},
		{"partition isolate-leader", PartitionPreset{Preset: cluster.PresetIsolateLeader}},
		{"partition majorities-ring", PartitionPreset{Preset: cluster.PresetMajoritiesRing}},
		{"delay 1 -> 2 100ms", Delay{From: n1, To: n2, OneWay: true, Delay: 100 * time.Millisecond}},
		{"delay 1 2 0s", Delay{From: n1, To: n2}},
		{"loss 1 -> 2 30%", Loss{From: n1, To: n2, OneWay: true, Loss: 0.3}},
		{"loss 1 2 12.5%", Loss{From: n1, To: n2, Loss: 0.125}},
		{"campaign 4", Campaign{Node: NodeRef{ID: 4}}},
		{"elect 1", Elect{Node: n1}},
		{"split-vote 1 2", SplitVote{A: n1, B: n2}},
		{"spread-timers", SpreadTimers{}},
		{"transfer 3", Transfer{Node: n3}},
		{"freeze 1", Freeze{Node: n1}},
		{"freeze leader for 2s", Freeze{Node: leader, For: 2 * time.Second}},
		{"thaw 1", Thaw{Node: n1}},
		{"pause", Pause{}},
		{"speed 10", Speed{Slowdown: 10}},
		{"sleep 500ms", Sleep{Duration: 500 * time.Millisecond}},
		{"prevote on", SetPreVote{On: true}},
		{"checkquorum off", SetCheckQuorum{On: false}},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			s := mustParse(t, "nodes 5\nmark term\n"+tc.line+"\n")
			got := s.Steps[len(s.Steps)-1]
			if !reflect.DeepEqual(got.Action, tc.want) {
				t.Errorf("Action = %#v, want %#v", got.Action, tc.want)
			}
			if got.Line != 3 {
				t.Errorf("Line = %d, want 3", got.Line)
			}
		})
	}
}

func TestParseResumeAfterPause(t *testing.T) {
	s := mustParse(t, "pause\nsay still paused\nresume\nsleep 1s\n")
	want := []Action{Pause{}, Say{Text: "still paused"}, Resume{}, Sleep{Duration: time.Second}}
	for i, w := range want {
		if got := s.Steps[i].Action; got != w {
			t.Errorf("step %d = %#v, want %#v", i, got, w)
		}
	}
}

func TestParseErrorMessages(t *testing.T) {
	cases := []struct {
		text string
		want string
	}{
		{"nodes 5\nsay a\nsay b\nsay c\nsay d\nsay e\ncrash 9\n",
			`demo.txt:7: "crash 9": node 9 does not exist; this scenario has 5 nodes`},
		{"say a\nsay b\nwait leader within soon\n",
			`demo.txt:3: "wait leader within soon": invalid duration "soon": ` +
				`write a number and a unit, such as 500ms or 5s`},
	}
	for _, tc := range cases {
		_, err := Parse("demo.txt", strings.NewReader(tc.text))
		if err == nil || err.Error() != tc.want {
			t.Errorf("error = %v\nwant    %s", err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		text string
		line int
		want string // part of the reason
	}{
		{"unknown step", "crsh 1", 1, `unknown step "crsh"; did you mean crash?`},
		{"unknown far step", "explode 1", 1, `unknown step "explode"; the steps are nodes,`},
		{"node too high", "crash 6", 1, "node 6 does not exist; this scenario has 5 nodes"},
		{"node zero", "crash 0", 1, "node 0 does not exist"},
		{"node not a number", "crash x", 1,
			`invalid node "x": write a node number from 1 to 5, or leader`},
		{"node count", "nodes 3\ncrash 4", 2, "node 4 does not exist; this scenario has 3 nodes"},
		{"crash no node", "crash", 1,
			"wrong arguments; write crash NODE, where NODE is a node number or leader"},
		{"crash two nodes", "crash 1 2", 1, "wrong arguments; write crash NODE"},
		{"nodes zero", "nodes 0", 1, `invalid node count "0": write a number from 1 to 255`},
		{"nodes huge", "nodes 256", 1, `invalid node count "256"`},
		{"nodes missing", "nodes", 1, "wrong arguments; write nodes N"},
		{"option twice", "nodes 3\nnodes 4", 2, "nodes is already set on line 1"},
		{"option after step", "say hi\nnodes 3", 2,
			`nodes is an option, so it must come before the first step (line 1: "say hi")`},
		{"slow after step", "say hi\nslow 3", 2, "use speed to change the slow-motion factor"},
		{"timeout order", "election-timeout 300ms 150ms", 1,
			"the maximum election timeout 150ms must be above the minimum 300ms"},
		{"timeout equal", "election-timeout 1s 1s", 1, "must be above the minimum"},
		{"timeout bad", "election-timeout 1x 2s", 1, `invalid duration "1x"`},
		{"timeout zero", "election-timeout 0s 2s", 1, `invalid duration "0s": it must be above 0`},
		{"timeout one value", "election-timeout 1s", 1,
			"wrong arguments; write election-timeout MIN MAX"},
		{"heartbeat too long", "heartbeat 200ms\nsay go", 1,
			"the heartbeat 200ms must be below the minimum election timeout 150ms"},
		{"heartbeat vs later timeout", "heartbeat 50ms\nelection-timeout 40ms 80ms", 2,
			"the heartbeat 50ms must be below the minimum election timeout 40ms"},
		{"heartbeat negative", "heartbeat -5ms", 1,
			`invalid duration "-5ms": it must not be negative`},
		{"switch value", "prevote maybe", 1, `invalid switch "maybe": write on or off`},
		{"switch live value", "say go\ncheckquorum yes", 2, `invalid switch "yes"`},
		{"seed", "seed -1", 1, `invalid seed "-1"`},
		{"slow zero", "slow 0", 1,
			`invalid slow-motion factor "0": write a number from 1 (real speed) to 1000`},
		{"speed huge", "speed 5000", 1, `invalid slow-motion factor "5000"`},
		{"say empty", "say", 1, "say needs a caption"},
		{"wait no within", "wait leader", 1, "wrong arguments; write wait CONDITION within D"},
		{"wait bad duration", "wait leader within soon", 1, `invalid duration "soon"`},
		{"wait bad condition", "wait sunshine within 1s", 1,
			`unknown condition "sunshine"; the conditions are leader,`},
		{"wait stable form", "wait stable 1s within 2s", 1,
			"wrong arguments; write wait CONDITION within D, or wait stable for D within D"},
		{"wait stable short deadline", "wait stable for 2s within 1s", 1,
			"the deadline 1s is shorter than the window 2s"},
		{"wait while paused", "pause\nwait leader within 1s", 2,
			"the cluster is paused since line 1, so cluster time does not move and " +
				"this wait would never end; add resume before it"},
		{"sleep while paused", "pause\nsay x\nsleep 1s", 3, "the cluster is paused since line 1"},
		{"sleep zero", "sleep 0s", 1, `invalid duration "0s": it must be above 0`},
		{"expect nothing", "expect", 1, "wrong arguments; write expect CONDITION"},
		{"expect leader leader", "expect leader leader", 1,
			"this line takes a node number, not leader"},
		{"expect leader node range", "expect leader 9", 1, "node 9 does not exist"},
		{"expect leader extra", "expect leader 1 2", 1, "invalid leader condition"},
		{"term operator", "expect term => 3", 1, `invalid operator "=>"; write ==, >=, <=, > or <`},
		{"term value", "expect term >= three", 1,
			`invalid term "three": write a number, mark or mark+N`},
		{"term mark unset", "expect term >= mark", 1,
			"mark refers to a mark, but no mark term step comes before this line"},
		{"term mark offset", "mark term\nexpect term >= mark-1", 2, `invalid term "mark-1"`},
		{"term on", "expect term >= 3 at 2", 1, "invalid term condition"},
		{"term on node", "expect term >= 3 on 8", 1, "node 8 does not exist"},
		{"role name", "expect role 2 boss", 1,
			`invalid role "boss"; the roles are follower, candidate, pre-candidate, leader, down`},
		{"role leader ref", "expect role leader follower", 1,
			"this line takes a node number, not leader"},
		{"role short", "expect role 2", 1, "invalid role condition"},
		{"mark form", "mark", 1, "wrong arguments; write mark term"},
		{"restart leader", "restart leader", 1,
			"restart takes a node number: a crashed node is never the leader"},
		{"restart mode", "restart 2 forgetful", 1,
			`unknown restart mode "forgetful"; the modes are clean, amnesia, stale and torn`},
		{"restart extra", "restart 2 amnesia now", 1, "wrong arguments; write restart N"},
		{"cut same node", "cut 2 2", 1, "a link joins two different nodes, but both ends are 2"},
		{"cut one node", "cut 2", 1, "wrong arguments; write cut NODE NODE"},
		{"cut bad arrow", "cut 1 => 2", 1, "wrong arguments; write cut NODE NODE"},
		{"heal bad", "heal 1 2 3", 1, "wrong arguments; write heal NODE NODE"},
		{"heal range", "heal 7", 1, "node 7 does not exist"},
		{"partition empty", "partition", 1, "wrong arguments; write partition"},
		{"partition preset", "partition halves", 1,
			`unknown partition "halves"; the partitions are isolate-leader,`},
		{"partition empty group", "partition 1 2 |", 1,
			"empty group; put at least one node between two |"},
		{"partition twice in group", "partition 1 1 | 2", 1, "node 1 appears twice in one group"},
		{"partition range", "partition 1 | 6", 1, "node 6 does not exist"},
		{"delay no duration", "delay 1 2", 1, "wrong arguments; write delay NODE NODE D"},
		{"delay bad duration", "delay 1 -> 2 fast", 1, `invalid duration "fast"`},
		{"loss no percent sign", "loss 1 2 30", 1,
			`invalid percentage "30": write a number from 0% to 100%, such as 30%`},
		{"loss too high", "loss 1 -> 2 130%", 1, `invalid percentage "130%"`},
		{"loss same node", "loss 1 1 5%", 1, "a link joins two different nodes"},
		{"split-vote same", "split-vote 2 2", 1,
			"a split vote needs two different nodes, but both are 2"},
		{"split-vote one", "split-vote 2", 1, "wrong arguments; write split-vote NODE NODE"},
		{"spread-timers args", "spread-timers now", 1, "wrong arguments; write spread-timers"},
		{"pause args", "pause 2s", 1, "wrong arguments; write pause"},
		{"resume args", "resume now", 1, "wrong arguments; write resume"},
		{"freeze form", "freeze 1 during 2s", 1,
			"wrong arguments; write freeze NODE, or freeze NODE for D"},
		{"freeze zero", "freeze 1 for 0s", 1, `invalid duration "0s": it must be above 0`},
		{"thaw none", "thaw", 1, "wrong arguments; write thaw NODE"},
		{"transfer none", "transfer", 1, "wrong arguments; write transfer NODE"},
		{"elect range", "elect 6", 1, "node 6 does not exist"},
		{"campaign bad", "campaign me", 1, `invalid node "me"`},
		{"speed none", "speed", 1, "wrong arguments; write speed F"},
		{"sleep bad", "sleep soon", 1, `invalid duration "soon"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.txt", strings.NewReader(tc.text))
			var lineErr *LineError
			if !errors.As(err, &lineErr) {
				t.Fatalf("error = %v, want a *LineError", err)
			}
			if !errors.Is(err, ErrInvalidScenario) {
				t.Errorf("error %v does not match ErrInvalidScenario", err)
			}
			if lineErr.Line != tc.line {
				t.Errorf("Line = %d, want %d (error %v)", lineErr.Line, tc.line, err)
			}
			wantText := strings.Split(tc.text, "\n")[tc.line-1]
			if lineErr.Text != strings.TrimSpace(wantText) {
				t.Errorf("Text = %q, want %q", lineErr.Text, wantText)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseNoSteps(t *testing.T) {
	_, err := Parse("empty.txt", strings.NewReader("# only a comment\nnodes 3\n"))
	if !errors.Is(err, ErrInvalidScenario) {
		t.Fatalf("error = %v, want ErrInvalidScenario", err)
	}
	want := "empty.txt: no steps; add at least one, such as wait leader within 5s"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestParseLongLine(t *testing.T) {
	text := "say " + strings.Repeat("x", maxLineLength+1) + "\n"
	_, err := Parse("long.txt", strings.NewReader(text))
	if !errors.Is(err, ErrInvalidScenario) {
		t.Fatalf("error = %v, want ErrInvalidScenario", err)
	}
	if !strings.Contains(err.Error(), "lines may hold at most") {
		t.Errorf("error = %v, want it to name the line limit", err)
	}
}

func TestExpectsViolation(t *testing.T) {
	cases := map[string]bool{
		"expect safety violation":             true,
		"wait safety violation within 1s":     true,
		"expect safety violation two leaders": true,
		"expect no safety violation":          false,
		"expect leader":                       false,
	}
	for line, want := range cases {
		if got := mustParse(t, line+"\n").ExpectsViolation(); got != want {
			t.Errorf("%q: ExpectsViolation = %v, want %v", line, got, want)
		}
	}
}
