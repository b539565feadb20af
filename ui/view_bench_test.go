package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkView25Nodes measures one frame of 25 nodes with every panel that
// fits a large terminal. The target is well under a millisecond, so that
// redrawing ten times a second costs little.
func BenchmarkView25Nodes(b *testing.B) {
	for _, size := range []struct {
		name          string
		width, height int
	}{{"80x24", 80, 24}, {"160x45", 160, 45}} {
		b.Run(size.name, func(b *testing.B) {
			f := newFakeCluster(bigSnapshot(25))
			var model tea.Model = New(f, nil)
			model, _ = model.Update(tea.WindowSizeMsg{Width: size.width, Height: size.height})
			model, _ = model.Update(eventsMsg{events: demoEvents()})
			b.ReportAllocs()
			for b.Loop() {
				_ = model.View()
			}
		})
	}
}
