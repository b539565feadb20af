package ui

import "testing"

// TestInkMatchesLipGloss paints sample texts with every ink of every palette
// and compares with what Lip Gloss renders for the same style.
func TestInkMatchesLipGloss(t *testing.T) {
	texts := []string{"", "x", "n12 leader", "███░░░", "✓ ✗ ·", "  padded  ", "two\nlines", "a\ttab", "über 日本"}
	for _, c := range []struct{ dark, noColor, talk bool }{
		{true, false, false}, {false, false, false}, {true, true, false}, {true, false, true}, {false, false, true},
	} {
		st := newStyles(newPalette(c.dark, c.noColor, c.talk), c.noColor)
		inks := map[string]ink{
			"dim": st.dim, "warning": st.warning, "frozen": st.frozen, "follower": st.follower,
			"candidate": st.candidate, "leader": st.leader, "down": st.down, "granted": st.granted,
			"rejected": st.rejected, "waiting": st.waiting, "delivered": st.delivered, "cut": st.cut,
			"degraded": st.degraded, "self": st.self, "selected": st.selected,
		}
		for name, k := range inks {
			for _, text := range texts {
				if got, want := k.Render(text), k.style.Render(text); got != want {
					t.Errorf("%+v %s: ink paints %q as %q, Lip Gloss as %q", c, name, text, got, want)
				}
			}
		}
	}
}
