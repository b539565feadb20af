package scenario

import (
	"slices"
	"strings"

	"github.com/raftplay/raftplay/cluster"
)

// stepParser parses the arguments of one kind of step.
type stepParser func(p *parser, args []string) (Action, error)

// stepKeywords maps every step keyword to its parser.
var stepKeywords = map[string]stepParser{
	"say":           (*parser).parseSay,
	"wait":          (*parser).parseWait,
	"expect":        (*parser).parseExpect,
	"mark":          (*parser).parseMark,
	"crash":         oneNode(func(n NodeRef) Action { return Crash{n} }, "crash"),
	"restart":       (*parser).parseRestart,
	"isolate":       oneNode(func(n NodeRef) Action { return Isolate{n} }, "isolate"),
	"rejoin":        oneNode(func(n NodeRef) Action { return Rejoin{n} }, "rejoin"),
	"cut":           (*parser).parseCut,
	"heal":          (*parser).parseHeal,
	"partition":     (*parser).parsePartition,
	"delay":         (*parser).parseDelay,
	"loss":          (*parser).parseLoss,
	"campaign":      oneNode(func(n NodeRef) Action { return Campaign{n} }, "campaign"),
	"elect":         oneNode(func(n NodeRef) Action { return Elect{n} }, "elect"),
	"split-vote":    (*parser).parseSplitVote,
	"spread-timers": noArgs(SpreadTimers{}, "spread-timers"),
	"transfer":      oneNode(func(n NodeRef) Action { return Transfer{n} }, "transfer"),
	"freeze":        (*parser).parseFreeze,
	"thaw":          oneNode(func(n NodeRef) Action { return Thaw{n} }, "thaw"),
	"pause":         (*parser).parsePause,
	"resume":        (*parser).parseResume,
	"speed":         (*parser).parseSpeed,
	"sleep":         (*parser).parseSleep,
	"prevote":       (*parser).parseLiveSwitch,
	"checkquorum":   (*parser).parseLiveSwitch,
}

// oneNode returns the parser of a step that takes one node.
func oneNode(build func(NodeRef) Action, keyword string) stepParser {
	return func(p *parser, args []string) (Action, error) {
		if len(args) != 1 {
			return nil, usageError(keyword)
		}
		node, err := p.parseNodeRef(args[0])
		if err != nil {
			return nil, err
		}
		return build(node), nil
	}
}

// noArgs returns the parser of a step that takes no arguments.
func noArgs(action Action, keyword string) stepParser {
	return func(_ *parser, args []string) (Action, error) {
		if len(args) != 0 {
			return nil, usageError(keyword)
		}
		return action, nil
	}
}

func (p *parser) parseSay([]string) (Action, error) {
	text := strings.TrimSpace(strings.TrimPrefix(p.text, "say"))
	if text == "" {
		return nil, invalidf("say needs a caption: write the text to show after say")
	}
	return Say{Text: text}, nil
}

func (p *parser) parseWait(args []string) (Action, error) {
	if err := p.checkRunning("wait"); err != nil {
		return nil, err
	}
	if len(args) > 0 && args[0] == "stable" {
		return p.parseWaitStable(args[1:])
	}
	n := len(args)
	if n < 3 || args[n-2] != "within" {
		return nil, usageError("wait")
	}
	within, err := parsePositiveDuration(args[n-1])
	if err != nil {
		return nil, err
	}
	cond, err := p.parseCondition(args[:n-2])
	if err != nil {
		return nil, err
	}
	return Wait{Cond: cond, Within: within}, nil
}

func (p *parser) parseWaitStable(args []string) (Action, error) {
	if len(args) != 4 || args[0] != "for" || args[2] != "within" {
		return nil, usageError("wait")
	}
	window, err := parsePositiveDuration(args[1])
	if err != nil {
		return nil, err
	}
	within, err := parsePositiveDuration(args[3])
	if err != nil {
		return nil, err
	}
	if within < window {
		return nil, invalidf("the deadline %v is shorter than the window %v; "+
			"give within at least as long as for", within, window)
	}
	return WaitStable{For: window, Within: within}, nil
}

// checkRunning rejects a step that lets cluster time pass while the scenario
// has paused the cluster, because such a step would never end.
func (p *parser) checkRunning(keyword string) error {
	if p.pausedAt == 0 {
		return nil
	}
	return invalidf("the cluster is paused since line %d, so cluster time does not move and this "+
		"%s would never end; add resume before it", p.pausedAt, keyword)
}

func (p *parser) parseExpect(args []string) (Action, error) {
	if len(args) == 0 {
		return nil, usageError("expect")
	}
	cond, err := p.parseCondition(args)
	if err != nil {
		return nil, err
	}
	return Expect{Cond: cond}, nil
}

func (p *parser) parseMark(args []string) (Action, error) {
	if len(args) != 1 || args[0] != "term" {
		return nil, usageError("mark")
	}
	p.marked = true
	return MarkTerm{}, nil
}

func (p *parser) parseRestart(args []string) (Action, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, usageError("restart")
	}
	if args[0] == "leader" {
		return nil, invalidf("restart takes a node number: a crashed node is never the leader")
	}
	id, err := p.parseNodeNumber(args[0])
	if err != nil {
		return nil, err
	}
	mode := cluster.RestartClean
	if len(args) == 2 {
		if mode, err = cluster.ParseRestartMode(args[1]); err != nil {
			return nil, invalidf("%w", err)
		}
	}
	return Restart{Node: id, Mode: mode}, nil
}

func (p *parser) parseCut(args []string) (Action, error) {
	from, to, oneWay, err := p.parseLink(args, "cut")
	if err != nil {
		return nil, err
	}
	return Cut{From: from, To: to, OneWay: oneWay}, nil
}

func (p *parser) parseHeal(args []string) (Action, error) {
	switch {
	case len(args) == 1 && args[0] == "all":
		return HealAll{}, nil
	case len(args) == 1:
		node, err := p.parseNodeRef(args[0])
		if err != nil {
			return nil, err
		}
		return Rejoin{Node: node}, nil
	}
	from, to, oneWay, err := p.parseLink(args, "heal")
	if err != nil {
		return nil, err
	}
	return Heal{From: from, To: to, OneWay: oneWay}, nil
}

// parseLink reads A B (both ways) or A -> B (one way).
func (p *parser) parseLink(args []string, keyword string) (
	from, to NodeRef, oneWay bool, err error) {
	switch {
	case len(args) == 3 && args[1] == "->":
		oneWay = true
		args = []string{args[0], args[2]}
	case len(args) != 2:
		return from, to, false, usageError(keyword)
	}
	if from, err = p.parseNodeRef(args[0]); err != nil {
		return from, to, false, err
	}
	if to, err = p.parseNodeRef(args[1]); err != nil {
		return from, to, false, err
	}
	if from == to {
		return from, to, false, invalidf("a link joins two different nodes, but both ends are %s", from)
	}
	return from, to, oneWay, nil
}

func (p *parser) parsePartition(args []string) (Action, error) {
	if len(args) == 0 {
		return nil, usageError("partition")
	}
	if len(args) == 1 && !isNodeWord(args[0]) {
		preset, err := cluster.ParsePreset(args[0])
		if err != nil {
			return nil, invalidf("%w", err)
		}
		return PartitionPreset{Preset: preset}, nil
	}
	groups, err := p.parseGroups(args)
	if err != nil {
		return nil, err
	}
	return Partition{Groups: groups}, nil
}

// isNodeWord reports whether word is a node number or leader, so that
// "partition 3" is a group of one node and not an unknown preset.
func isNodeWord(word string) bool {
	_, err := parseCount(word)
	return err == nil || word == "leader"
}

// parseGroups reads groups of nodes separated by |.
func (p *parser) parseGroups(args []string) ([][]NodeRef, error) {
	groups := [][]NodeRef{nil}
	for _, word := range args {
		if word == "|" {
			groups = append(groups, nil)
			continue
		}
		node, err := p.parseNodeRef(word)
		if err != nil {
			return nil, err
		}
		last := &groups[len(groups)-1]
		if slices.Contains(*last, node) {
			return nil, invalidf("node %s appears twice in one group", node)
		}
		*last = append(*last, node)
	}
	if slices.ContainsFunc(groups, func(g []NodeRef) bool { return len(g) == 0 }) {
		return nil, invalidf("empty group; put at least one node between two |")
	}
	return groups, nil
}

func (p *parser) parseDelay(args []string) (Action, error) {
	if len(args) < 3 {
		return nil, usageError("delay")
	}
	from, to, oneWay, err := p.parseLink(args[:len(args)-1], "delay")
	if err != nil {
		return nil, err
	}
	d, err := parseDuration(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	return Delay{From: from, To: to, OneWay: oneWay, Delay: d}, nil
}

func (p *parser) parseLoss(args []string) (Action, error) {
	if len(args) < 3 {
		return nil, usageError("loss")
	}
	from, to, oneWay, err := p.parseLink(args[:len(args)-1], "loss")
	if err != nil {
		return nil, err
	}
	loss, err := parsePercent(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	return Loss{From: from, To: to, OneWay: oneWay, Loss: loss}, nil
}

func (p *parser) parseSplitVote(args []string) (Action, error) {
	if len(args) != 2 {
		return nil, usageError("split-vote")
	}
	a, err := p.parseNodeRef(args[0])
	if err != nil {
		return nil, err
	}
	b, err := p.parseNodeRef(args[1])
	if err != nil {
		return nil, err
	}
	if a == b {
		return nil, invalidf("a split vote needs two different nodes, but both are %s", a)
	}
	return SplitVote{A: a, B: b}, nil
}

func (p *parser) parseFreeze(args []string) (Action, error) {
	if len(args) != 1 && (len(args) != 3 || args[1] != "for") {
		return nil, usageError("freeze")
	}
	node, err := p.parseNodeRef(args[0])
	if err != nil {
		return nil, err
	}
	freeze := Freeze{Node: node}
	if len(args) == 3 {
		if freeze.For, err = parsePositiveDuration(args[2]); err != nil {
			return nil, err
		}
	}
	return freeze, nil
}

func (p *parser) parsePause(args []string) (Action, error) {
	if len(args) != 0 {
		return nil, usageError("pause")
	}
	if p.pausedAt == 0 {
		p.pausedAt = p.line
	}
	return Pause{}, nil
}

func (p *parser) parseResume(args []string) (Action, error) {
	if len(args) != 0 {
		return nil, usageError("resume")
	}
	p.pausedAt = 0
	return Resume{}, nil
}

func (p *parser) parseSpeed(args []string) (Action, error) {
	if len(args) != 1 {
		return nil, usageError("speed")
	}
	f, err := parseSlowdown(args[0])
	if err != nil {
		return nil, err
	}
	return Speed{Slowdown: f}, nil
}

func (p *parser) parseSleep(args []string) (Action, error) {
	if err := p.checkRunning("sleep"); err != nil {
		return nil, err
	}
	if len(args) != 1 {
		return nil, usageError("sleep")
	}
	d, err := parsePositiveDuration(args[0])
	if err != nil {
		return nil, err
	}
	return Sleep{Duration: d}, nil
}

// parseLiveSwitch parses prevote or checkquorum after the header, where it
// switches the option for the running cluster.
func (p *parser) parseLiveSwitch(args []string) (Action, error) {
	keyword := tokenize(p.text)[0]
	if len(args) != 1 {
		return nil, usageError(keyword)
	}
	on, err := parseOnOff(args[0])
	if err != nil {
		return nil, err
	}
	if keyword == "prevote" {
		return SetPreVote{On: on}, nil
	}
	return SetCheckQuorum{On: on}, nil
}
