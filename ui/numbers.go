package ui

import (
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/raft"
)

// numberAction is the use of an awaited node number.
type numberAction int

const (
	actSelect  numberAction = iota // select the node
	actCutBoth                     // toggle the link between the two nodes
	actCutOne                      // toggle the link from the selected node to the other
	actDelay                       // step the delay from the selected node to the other
	actLoss                        // step the loss from the selected node to the other
	actSplit                       // make the two nodes time out together
)

// numberState is how far a typed node number has got.
type numberState int

const (
	numberInvalid  numberState = iota // names no node
	numberPartial                     // names a node, but one more digit could name another
	numberComplete                    // names a node, and no further digit could
)

// parseNodeNumber reads typed digits as a node of a cluster of nodes nodes. In
// a cluster of 9 nodes or fewer every digit is complete. In one of 25, "2" is
// partial because n20 to n25 exist, and "3" is complete.
func parseNodeNumber(typed string, nodes int) (int, numberState) {
	id, err := strconv.Atoi(typed)
	if err != nil || id < 1 || id > nodes {
		return raft.None, numberInvalid
	}
	if id*10 > nodes {
		return id, numberComplete
	}
	return id, numberPartial
}

// question names what the number is for, with target standing for the node
// still to be picked.
func (a numberAction) question(name, target string) string {
	switch a {
	case actSelect:
		return "select " + target
	case actCutBoth:
		return "cut or heal " + name + "↔" + target
	case actCutOne:
		return "cut or heal " + name + "→" + target + " one way"
	case actDelay:
		return "step the delay of " + name + "→" + target
	case actLoss:
		return "step the loss of " + name + "→" + target
	case actSplit:
		return "split vote: " + name + " and " + target + " time out together"
	}
	return name + " and " + target
}

// numberPrompt returns the status line while a node number is awaited.
func numberPrompt(a numberAction, selected int, typed string, nodes int) string {
	target := "?"
	if typed != "" {
		target = "n" + typed + "_"
	}
	q := a.question(raft.NodeName(selected), target)
	switch {
	case typed != "":
		return fmt.Sprintf("%s: type a second digit, or enter for n%s; esc cancels", q, typed)
	case nodes > maxDigitNodes:
		return fmt.Sprintf("%s: type the other node (%s), esc cancels", q, nodeRange(nodes))
	}
	return fmt.Sprintf("%s: press the other node (%s), esc cancels", q, nodeRange(nodes))
}

// selfError explains why the selected node cannot be its own target.
func (a numberAction) selfError(name string) string {
	what := name + " has no link to itself"
	if a == actSplit {
		what = name + " cannot split a vote with itself"
	}
	return what + ": press another node's number, or esc to cancel"
}

// keyNumber returns the number a digit key stands for. Callers check first
// that msg matched a binding made of digit keys.
func keyNumber(msg tea.KeyPressMsg) int {
	n, err := strconv.Atoi(msg.String())
	if err != nil {
		return raft.None
	}
	return n
}
