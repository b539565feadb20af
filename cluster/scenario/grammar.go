package scenario

import "strings"

// usages is the grammar: every keyword a line may start with and the forms it
// takes, in the order the documentation lists them.
var usages = []struct{ keyword, usage string }{
	{"nodes", "nodes N, with N from 1 to 255"},
	{"election-timeout", "election-timeout MIN MAX, such as election-timeout 150ms 300ms"},
	{"heartbeat", "heartbeat D, such as heartbeat 50ms"},
	{"prevote", "prevote on or prevote off"},
	{"checkquorum", "checkquorum on or checkquorum off"},
	{"seed", "seed N"},
	{"slow", "slow F, with F from 1 (real speed) to 1000"},
	{"say", "say TEXT"},
	{"wait", "wait CONDITION within D, or wait stable for D within D"},
	{"expect", "expect CONDITION"},
	{"mark", "mark term"},
	{"crash", "crash NODE"},
	{"restart", "restart N, or restart N MODE with MODE one of clean, amnesia, stale and torn"},
	{"isolate", "isolate NODE"},
	{"rejoin", "rejoin NODE"},
	{"cut", "cut NODE NODE for both ways, or cut NODE -> NODE for one way"},
	{"heal", "heal NODE NODE, heal NODE -> NODE, heal NODE (all its links) or heal all"},
	{"partition", "partition NODE... | NODE..., or partition PRESET with PRESET one of " +
		"isolate-leader, majority, minority-third, bridge and majorities-ring"},
	{"delay", "delay NODE NODE D, or delay NODE -> NODE D for one way"},
	{"loss", "loss NODE NODE P%, or loss NODE -> NODE P% for one way"},
	{"campaign", "campaign NODE"},
	{"elect", "elect NODE"},
	{"split-vote", "split-vote NODE NODE"},
	{"spread-timers", "spread-timers"},
	{"transfer", "transfer NODE"},
	{"freeze", "freeze NODE, or freeze NODE for D"},
	{"thaw", "thaw NODE"},
	{"pause", "pause"},
	{"resume", "resume"},
	{"speed", "speed F, with F from 1 (real speed) to 1000"},
	{"sleep", "sleep D"},
}

// conditionForms lists the conditions of expect and wait.
const conditionForms = "leader, leader N, leader not N, no leader, term OP T, term OP T on NODE, " +
	"role N ROLE, role N not ROLE, safety violation [TEXT] or no safety violation [TEXT]"

// usageError returns an error that shows how to write a line of the given keyword.
func usageError(keyword string) error {
	usage := keyword
	for _, u := range usages {
		if u.keyword == keyword {
			usage = u.usage
		}
	}
	return invalidf("wrong arguments; write %s%s", usage, glossary(usage))
}

// glossary explains the placeholders that usage contains.
func glossary(usage string) string {
	var notes []string
	if strings.Contains(usage, "NODE") {
		notes = append(notes, "NODE is a node number or leader")
	}
	if strings.Contains(usage, " D") {
		notes = append(notes, "D is a duration such as 500ms or 5s")
	}
	if strings.Contains(usage, "CONDITION") {
		notes = append(notes, "CONDITION is "+conditionForms)
	}
	if len(notes) == 0 {
		return ""
	}
	return ", where " + strings.Join(notes, "; ")
}
