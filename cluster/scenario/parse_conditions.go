package scenario

import (
	"slices"
	"strings"
)

// parseCondition reads the condition of an expect or wait step.
func (p *parser) parseCondition(words []string) (Condition, error) {
	switch {
	case is(words, "leader"):
		return HasLeader{}, nil
	case is(words, "no", "leader"):
		return NoLeader{}, nil
	case hasPrefix(words, "safety", "violation"):
		return Violation{Want: true, Text: strings.Join(words[2:], " ")}, nil
	case hasPrefix(words, "no", "safety", "violation"):
		return Violation{Want: false, Text: strings.Join(words[3:], " ")}, nil
	case len(words) == 0:
		return nil, invalidf("missing condition; the conditions are %s", conditionForms)
	}
	switch words[0] {
	case "leader":
		return p.parseLeaderCondition(words[1:])
	case "term":
		return p.parseTermCondition(words[1:])
	case "role":
		return p.parseRoleCondition(words[1:])
	}
	return nil, invalidf("unknown condition %q; the conditions are %s", strings.Join(words, " "),
		conditionForms)
}

// is reports whether words are exactly want.
func is(words []string, want ...string) bool { return slices.Equal(words, want) }

// hasPrefix reports whether words begin with want.
func hasPrefix(words []string, want ...string) bool {
	return len(words) >= len(want) && slices.Equal(words[:len(want)], want)
}

// parseLeaderCondition reads the words after leader: N, or not N.
func (p *parser) parseLeaderCondition(words []string) (Condition, error) {
	negate := len(words) == 2 && words[0] == "not"
	if negate {
		words = words[1:]
	}
	if len(words) != 1 {
		return nil, invalidf("invalid leader condition; " +
			"write leader, leader N, leader not N or no leader")
	}
	id, err := p.parseNodeNumber(words[0])
	switch {
	case err != nil:
		return nil, err
	case negate:
		return LeaderIsNot{Node: id}, nil
	}
	return LeaderIs{Node: id}, nil
}

// parseTermCondition reads the words after term: OP T, or OP T on NODE.
func (p *parser) parseTermCondition(words []string) (Condition, error) {
	if len(words) != 2 && (len(words) != 4 || words[2] != "on") {
		return nil, invalidf("invalid term condition; write term OP T or term OP T on NODE, " +
			"such as term >= 3 or term == mark on 2")
	}
	op := Op(words[0])
	if !slices.Contains(Ops, op) {
		return nil, invalidf("invalid operator %q; write ==, >=, <=, > or <", words[0])
	}
	value, err := p.parseTermValue(words[1])
	if err != nil {
		return nil, err
	}
	cond := TermIs{Op: op, Value: value}
	if len(words) == 4 {
		if cond.Node, err = p.parseNodeRef(words[3]); err != nil {
			return nil, err
		}
	}
	return cond, nil
}

// parseRoleCondition reads the words after role: N ROLE, or N not ROLE.
func (p *parser) parseRoleCondition(words []string) (Condition, error) {
	negate := len(words) == 3 && words[1] == "not"
	if negate {
		words = []string{words[0], words[2]}
	}
	if len(words) != 2 {
		return nil, invalidf("invalid role condition; write role N ROLE or role N not ROLE, " +
			"such as role 2 follower")
	}
	id, err := p.parseNodeNumber(words[0])
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Roles, words[1]) {
		return nil, invalidf("invalid role %q; the roles are %s", words[1], strings.Join(Roles, ", "))
	}
	return RoleIs{Node: id, Role: words[1], Not: negate}, nil
}
