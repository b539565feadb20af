package scenario

import (
	"strconv"
	"strings"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// parseNodeRef reads a node number or the word leader.
func (p *parser) parseNodeRef(word string) (NodeRef, error) {
	if word == "leader" {
		return NodeRef{Leader: true}, nil
	}
	id, err := p.parseNodeID(word, ", or leader")
	return NodeRef{ID: id}, err
}

// parseNodeNumber reads a node number, where leader is not allowed.
func (p *parser) parseNodeNumber(word string) (int, error) {
	if word == "leader" {
		return 0, invalidf("this line takes a node number, not leader")
	}
	return p.parseNodeID(word, "")
}

func (p *parser) parseNodeID(word, alternative string) (int, error) {
	nodes := p.script.Options.Nodes
	id, err := strconv.Atoi(word)
	if err != nil {
		return 0, invalidf("invalid node %q: write a node number from 1 to %d%s",
			word, nodes, alternative)
	}
	if id < 1 || id > nodes {
		return 0, invalidf("node %d does not exist; this scenario has %d nodes", id, nodes)
	}
	return id, nil
}

// parseCount reads a whole number of at least 0.
func parseCount(word string) (uint64, error) {
	return strconv.ParseUint(word, 10, 64)
}

// parseDuration reads a duration of at least 0, in time.ParseDuration's syntax.
func parseDuration(word string) (time.Duration, error) {
	d, err := time.ParseDuration(word)
	if err != nil {
		return 0, invalidf("invalid duration %q: write a number and a unit, such as 500ms or 5s", word)
	}
	if d < 0 {
		return 0, invalidf("invalid duration %q: it must not be negative", word)
	}
	return d, nil
}

// parsePositiveDuration reads a duration above 0.
func parsePositiveDuration(word string) (time.Duration, error) {
	d, err := parseDuration(word)
	if err == nil && d == 0 {
		return 0, invalidf("invalid duration %q: it must be above 0", word)
	}
	return d, err
}

// parsePercent reads a percentage such as 30% and returns it as a fraction.
func parsePercent(word string) (float64, error) {
	number, ok := strings.CutSuffix(word, "%")
	value, err := strconv.ParseFloat(number, 64)
	if !ok || err != nil || !(value >= 0 && value <= 100) {
		return 0, invalidf("invalid percentage %q: write a number from 0%% to 100%%, such as 30%%", word)
	}
	return value / 100, nil
}

// parseSlowdown reads a slow-motion factor.
func parseSlowdown(word string) (float64, error) {
	f, err := strconv.ParseFloat(word, 64)
	if err != nil || !(f >= cluster.MinSlowdown && f <= cluster.MaxSlowdown) {
		return 0, invalidf("invalid slow-motion factor %q: write a number from %d (real speed) to %d",
			word, cluster.MinSlowdown, cluster.MaxSlowdown)
	}
	return f, nil
}

func parseOnOff(word string) (bool, error) {
	switch word {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, invalidf("invalid switch %q: write on or off", word)
}

// parseTermValue reads a number, mark or mark+N.
func (p *parser) parseTermValue(word string) (TermValue, error) {
	rest, isMark := strings.CutPrefix(word, "mark")
	if !isMark {
		n, err := parseCount(word)
		if err != nil {
			return TermValue{}, invalidf("invalid term %q: write a number, mark or mark+N", word)
		}
		return TermValue{N: n}, nil
	}
	if !p.marked {
		return TermValue{}, invalidf("%s refers to a mark, but no mark term step comes "+
			"before this line; add one where the term should be remembered", word)
	}
	if rest == "" {
		return TermValue{Mark: true}, nil
	}
	n, err := parseCount(strings.TrimPrefix(rest, "+"))
	if !strings.HasPrefix(rest, "+") || err != nil {
		return TermValue{}, invalidf("invalid term %q: write a number, mark or mark+N", word)
	}
	return TermValue{N: n, Mark: true}, nil
}
