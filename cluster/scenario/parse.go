package scenario

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/raftplay/raftplay/cluster"
)

// maxLineLength bounds one line of a scenario file, in bytes.
const maxLineLength = 64 * 1024

// Parse reads a scenario from r. name is how errors refer to the file, such
// as demo.txt. Every error is a *LineError that matches ErrInvalidScenario
// and names the line and the reason.
func Parse(name string, r io.Reader) (*Script, error) {
	p := &parser{
		script: &Script{Name: name, Options: DefaultOptions(), OptionLines: make(map[string]int)},
		texts:  make(map[string]string),
		header: true,
	}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 4096), maxLineLength)
	for scanner.Scan() {
		p.line++
		err := p.parseLine(scanner.Text())
		var lineErr *LineError
		switch {
		case errors.As(err, &lineErr): // it names another line already
			return nil, err
		case err != nil:
			return nil, &LineError{File: name, Line: p.line, Text: p.text, Err: err}
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, &LineError{File: name, Line: p.line + 1,
			Err: invalidf("reading the file failed: %w; lines may hold at most %d bytes",
				err, maxLineLength)}
	}
	return p.finish()
}

// parser is the state of one Parse call.
type parser struct {
	script *Script
	line   int    // number of the line being parsed
	text   string // that line without its comment

	texts    map[string]string // option keyword → the text of its line
	header   bool              // no step has been seen yet
	first    Step              // the first step, once seen
	pausedAt int               // line of the pause in effect, or 0 while the cluster runs
	marked   bool              // a mark term step came before this line
}

// optionKeywords are the lines that may appear only in the header.
var optionKeywords = map[string]func(*parser, string, []string) error{
	"nodes":            (*parser).parseNodes,
	"election-timeout": (*parser).parseElectionTimeout,
	"heartbeat":        (*parser).parseHeartbeat,
	"seed":             (*parser).parseSeed,
	"slow":             (*parser).parseSlow,
}

// switchKeywords are options in the header and live switches after it.
var switchKeywords = map[string]bool{"prevote": true, "checkquorum": true}

func (p *parser) parseLine(raw string) error {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	p.text = strings.TrimSpace(raw)
	if p.text == "" {
		return nil
	}
	fields := tokenize(p.text)
	keyword, args := fields[0], fields[1:]
	if parse, ok := optionKeywords[keyword]; ok {
		return p.parseOption(keyword, args, parse)
	}
	if switchKeywords[keyword] && p.header {
		return p.parseOption(keyword, args, (*parser).parseSwitch)
	}
	return p.parseStep(keyword, args)
}

// tokenize splits a line into words, with -> and | as words of their own even
// when written without blanks, as in 1->2.
func tokenize(text string) []string {
	spaced := strings.NewReplacer("->", " -> ", "→", " -> ", "|", " | ").Replace(text)
	return strings.Fields(spaced)
}

func (p *parser) parseOption(keyword string, args []string,
	parse func(*parser, string, []string) error) error {
	if !p.header {
		return invalidf("%s is an option, so it must come before the first step (line %d: %q)%s",
			keyword, p.first.Line, p.first.Text, optionHint(keyword))
	}
	if line, set := p.script.OptionLines[keyword]; set {
		return invalidf("%s is already set on line %d; set each option once", keyword, line)
	}
	if err := parse(p, keyword, args); err != nil {
		return err
	}
	p.script.OptionLines[keyword] = p.line
	p.texts[keyword] = p.text
	return nil
}

func optionHint(keyword string) string {
	if keyword == "slow" {
		return "; use speed to change the slow-motion factor during the scenario"
	}
	return ""
}

func (p *parser) parseNodes(keyword string, args []string) error {
	if len(args) != 1 {
		return usageError(keyword)
	}
	n, err := parseCount(args[0])
	if err != nil || n < 1 || n > cluster.MaxNodes {
		return invalidf("invalid node count %q: write a number from 1 to %d", args[0], cluster.MaxNodes)
	}
	p.script.Options.Nodes = int(n)
	return nil
}

func (p *parser) parseElectionTimeout(keyword string, args []string) error {
	if len(args) != 2 {
		return usageError(keyword)
	}
	low, err := parsePositiveDuration(args[0])
	if err != nil {
		return err
	}
	high, err := parsePositiveDuration(args[1])
	if err != nil {
		return err
	}
	if high <= low {
		return invalidf("the maximum election timeout %v must be above the minimum %v", high, low)
	}
	p.script.Options.ElectionTimeoutMin, p.script.Options.ElectionTimeoutMax = low, high
	return nil
}

func (p *parser) parseHeartbeat(keyword string, args []string) error {
	if len(args) != 1 {
		return usageError(keyword)
	}
	d, err := parsePositiveDuration(args[0])
	if err != nil {
		return err
	}
	p.script.Options.Heartbeat = d
	return nil
}

func (p *parser) parseSeed(keyword string, args []string) error {
	if len(args) != 1 {
		return usageError(keyword)
	}
	seed, err := parseCount(args[0])
	if err != nil {
		return invalidf("invalid seed %q: write a whole number from 0 to %d", args[0], uint64(1<<64-1))
	}
	p.script.Options.Seed = seed
	return nil
}

func (p *parser) parseSlow(keyword string, args []string) error {
	if len(args) != 1 {
		return usageError(keyword)
	}
	f, err := parseSlowdown(args[0])
	if err != nil {
		return err
	}
	p.script.Options.Slowdown = f
	return nil
}

func (p *parser) parseSwitch(keyword string, args []string) error {
	if len(args) != 1 {
		return usageError(keyword)
	}
	on, err := parseOnOff(args[0])
	if err != nil {
		return err
	}
	if keyword == "prevote" {
		p.script.Options.PreVote = on
	} else {
		p.script.Options.CheckQuorum = on
	}
	return nil
}

// endHeader checks the options together, once the header is complete. A
// mismatch is reported on the later of the two lines involved.
func (p *parser) endHeader() error {
	p.header = false
	o := p.script.Options
	if o.Heartbeat < o.ElectionTimeoutMin {
		return nil
	}
	keyword := "heartbeat"
	if p.script.OptionLines["election-timeout"] > p.script.OptionLines["heartbeat"] {
		keyword = "election-timeout"
	}
	return &LineError{File: p.script.Name, Line: p.script.OptionLines[keyword], Text: p.texts[keyword],
		Err: invalidf("the heartbeat %v must be below the minimum election timeout %v, "+
			"or a leader's followers time out between two heartbeats", o.Heartbeat, o.ElectionTimeoutMin)}
}

func (p *parser) parseStep(keyword string, args []string) error {
	parse, ok := stepKeywords[keyword]
	if !ok {
		return unknownKeyword(keyword)
	}
	if p.header {
		if err := p.endHeader(); err != nil {
			return err
		}
	}
	action, err := parse(p, args)
	if err != nil {
		return err
	}
	step := Step{Line: p.line, Text: p.text, Action: action}
	if len(p.script.Steps) == 0 {
		p.first = step
	}
	p.script.Steps = append(p.script.Steps, step)
	return nil
}

// finish checks the script as a whole once every line is read.
func (p *parser) finish() (*Script, error) {
	if p.header {
		if err := p.endHeader(); err != nil {
			return nil, err
		}
	}
	if len(p.script.Steps) == 0 {
		return nil, &LineError{File: p.script.Name,
			Err: invalidf("no steps; add at least one, such as wait leader within 5s")}
	}
	return p.script, nil
}

// unknownKeyword names the unknown word and, if one is close, the keyword
// that was probably meant.
func unknownKeyword(keyword string) error {
	best, bestDistance := "", 3
	for _, known := range keywords() {
		if d := editDistance(keyword, known); d < bestDistance {
			best, bestDistance = known, d
		}
	}
	if best != "" {
		return invalidf("unknown step %q; did you mean %s?", keyword, best)
	}
	return invalidf("unknown step %q; the steps are %s", keyword, strings.Join(keywords(), ", "))
}

// keywords returns every keyword a line may start with, in grammar order.
func keywords() []string {
	out := make([]string, 0, len(usages))
	for _, u := range usages {
		out = append(out, u.keyword)
	}
	return out
}

// editDistance returns the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current := make([]int, len(b)+1)
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous = current
	}
	return previous[len(b)]
}
