package ui

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/raft"
)

// feedTimeWidth is the width of an entry's time: seconds of cluster time since
// the UI started, to the millisecond, as in "  12.345".
const feedTimeWidth = 8

// feedScroll is the feed's filter and scroll position. While
// following, it shows the newest entries as they come. Scrolling up stops
// that, so the lines a person reads stay put, and scrolling back to the
// bottom starts it again.
type feedScroll struct {
	vp        viewport.Model
	lineSeqs  []uint64 // the entry of each wrapped line, by seq
	following bool
	unseen    int  // entries added below while not following
	filter    int  // the only node whose entries show, or raft.None for all
	beats     bool // heartbeat lines are listed
	talk      bool // talk mode, which lists no heartbeats

	gen  uint64    // which wrapping vp holds, unique across models
	body *feedBody // the lines last drawn under the title, shared by copies
}

// feedGen numbers the feed's wrappings, so that a drawn body is never taken
// for another wrapping's, even one made in a copy of the model.
var feedGen atomic.Uint64

// feedBody keeps the feed's lines under the title from one frame to the next,
// because drawing them measures every line again. Only a new wrapping, a
// scroll or a new size changes them.
type feedBody struct {
	key   feedBodyKey
	block string
}

type feedBodyKey struct {
	gen                   uint64
	offset, width, height int
}

func newFeed() feed {
	f := feed{}
	f.scroll.vp = viewport.New()
	f.scroll.following = true
	f.scroll.body = &feedBody{}
	return f
}

func (s feedScroll) shows(e feedEntry) bool {
	if e.beat && (!s.beats || s.talk) {
		return false
	}
	return s.filter == raft.None || slices.Contains(e.nodes, s.filter)
}

// render wraps the entries shown to a panel width×height and keeps the scroll
// position: at the bottom while following, and otherwise on the line that was
// at the top.
func (f *feed) render(st *styles, origin time.Time, width, height int) {
	s := &f.scroll
	anchor, within := s.anchor()
	s.vp.SetWidth(max(width, 1))
	s.vp.SetHeight(max(height-1, 1)) // under the title
	lines, seqs := f.wrap(st, origin, width)
	s.vp.SetContentLines(lines)
	s.lineSeqs = seqs
	s.gen = feedGen.Add(1)
	if s.following {
		s.vp.GotoBottom()
		return
	}
	if i := slices.IndexFunc(seqs, func(seq uint64) bool { return seq >= anchor }); i >= 0 {
		if seqs[i] == anchor {
			i += within
		}
		s.vp.SetYOffset(i)
	}
}

// anchor returns the entry of the top line shown, and how many of its lines
// are above the top.
func (s feedScroll) anchor() (seq uint64, within int) {
	top := s.vp.YOffset()
	if top < 0 || top >= len(s.lineSeqs) {
		return 0, 0
	}
	seq = s.lineSeqs[top]
	for i := top - 1; i >= 0 && s.lineSeqs[i] == seq; i-- {
		within++
	}
	return seq, within
}

// wrap returns the lines of the entries shown, each led by its time or, on
// the lines it wraps onto, by as many spaces.
func (f *feed) wrap(st *styles, origin time.Time, width int) ([]string, []uint64) {
	textWidth := max(width-feedTimeWidth-1, 8)
	indent := strings.Repeat(" ", feedTimeWidth+1)
	var lines []string
	var seqs []uint64
	for _, e := range f.entries {
		if !f.scroll.shows(e) {
			continue
		}
		stamp := st.eventTime.Render(fmt.Sprintf("%*.3f", feedTimeWidth, e.time.Sub(origin).Seconds()))
		for i, line := range strings.Split(ansi.Wrap(oneLine(e.text), textWidth, " /"), "\n") {
			prefix := indent
			if i == 0 {
				prefix = stamp + " "
			}
			lines = append(lines, prefix+st.event(e.class).Render(line))
			seqs = append(seqs, e.seq)
		}
	}
	return lines, seqs
}

// scrollBy moves the feed lines down (up when negative) and follows again
// once it is at the bottom.
func (s *feedScroll) scrollBy(lines int) {
	if lines < 0 {
		s.vp.ScrollUp(-lines)
	} else {
		s.vp.ScrollDown(lines)
	}
	s.settle()
}

func (s *feedScroll) pageBy(pages int) { s.scrollBy(pages * s.vp.Height()) }

func (s *feedScroll) toTop() {
	s.vp.GotoTop()
	s.settle()
}

func (s *feedScroll) toBottom() {
	s.vp.GotoBottom()
	s.settle()
}

func (s *feedScroll) settle() {
	s.following = s.vp.AtBottom()
	if s.following {
		s.unseen = 0
	}
}

// view draws the title over the wrapped entries.
func (f feed) view(st *styles, width, height int) string {
	title := f.title(st, width)
	if height < 2 {
		return fitBlock([]string{title}, width, height)
	}
	return fitBlock([]string{title}, width, 1) + "\n" + f.scroll.bodyView(st, width, height-1)
}

// bodyView draws the wrapped entries in view, or keeps the block drawn last
// if nothing it shows has changed since.
func (s feedScroll) bodyView(st *styles, width, height int) string {
	key := feedBodyKey{gen: s.gen, offset: s.vp.YOffset(), width: width, height: height}
	if s.body != nil && s.body.key == key && s.gen != 0 {
		return s.body.block
	}
	lines := []string{st.dim.Render("none yet")}
	if len(s.lineSeqs) > 0 {
		lines = strings.Split(s.vp.View(), "\n")
	}
	block := fitBlock(lines, width, height)
	if s.body != nil {
		*s.body = feedBody{key: key, block: block}
	}
	return block
}

// title names the feed and its filter, reports whether it follows new events,
// and counts heartbeats outside talk mode. Whether it follows goes first when
// the width is short.
func (f feed) title(st *styles, width int) string {
	s := f.scroll
	head := "events"
	if s.filter != raft.None {
		head += " of " + raft.NodeName(s.filter)
	}
	head = st.panelTitle.Render(head)
	beats := ""
	if !s.talk {
		beats = st.dim.Render(fmt.Sprintf(" · %d heartbeats", f.beats))
	}
	if s.following {
		state := st.dim.Render(" (newest last)")
		return firstFit(width, head+state+beats, head+beats, head)
	}
	long := st.running.Render(fmt.Sprintf(" not following: %d new, end follows", s.unseen))
	short := st.running.Render(fmt.Sprintf(" not following: %d new", s.unseen))
	return firstFit(width, head+long+beats, head+long, head+short)
}
