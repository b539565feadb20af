package ui

import (
	"strconv"
	"time"
)

// bigDigitHeight is the number of lines a big digit takes.
const bigDigitHeight = 3

// bigGlyphs draws digits and the decimal point three lines tall in block
// characters, which read in any font and without color.
var bigGlyphs = map[rune][bigDigitHeight]string{
	'0': {"█▀█", "█ █", "▀▀▀"},
	'1': {"▀█ ", " █ ", "▀▀▀"},
	'2': {"▀▀█", "█▀▀", "▀▀▀"},
	'3': {"▀▀█", " ▀█", "▀▀▀"},
	'4': {"█ █", "▀▀█", "  ▀"},
	'5': {"█▀▀", "▀▀█", "▀▀▀"},
	'6': {"█▀▀", "█▀█", "▀▀▀"},
	'7': {"▀▀█", "  █", "  ▀"},
	'8': {"█▀█", "█▀█", "▀▀▀"},
	'9': {"█▀█", "▀▀█", "▀▀▀"},
	'.': {" ", " ", "▄"},
}

// bigText returns text drawn in big glyphs, one space between them, as
// bigDigitHeight lines. Runes without a glyph are left out.
func bigText(text string) []string {
	lines := make([]string, bigDigitHeight)
	for _, r := range text {
		glyph, ok := bigGlyphs[r]
		if !ok {
			continue
		}
		for i := range lines {
			if lines[i] != "" {
				lines[i] += " "
			}
			lines[i] += glyph[i]
		}
	}
	return lines
}

// bigDuration draws d in big digits with its unit after the last line:
// milliseconds below ten seconds, as formatDuration does, and tenths of a
// second from there on.
func bigDuration(d time.Duration) []string {
	number, unit := strconv.FormatInt(d.Milliseconds(), 10), "ms"
	if d >= 10*time.Second {
		number, unit = strconv.FormatFloat(d.Seconds(), 'f', 1, 64), "s"
	}
	lines := bigText(number)
	lines[bigDigitHeight-1] += " " + unit
	return lines
}
