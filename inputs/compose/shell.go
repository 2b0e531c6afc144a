package compose

import "errors"

// errCommandLine is the error for an unterminated quote or escape, with
// go-shellwords' wording.
var errCommandLine = errors.New("invalid command line string")

// word is one argument of a command string and the byte offset in the
// string where it starts.
type word struct {
	text string
	off  int // where the word starts in the command string
	end  int // just after its last character there
}

// splitCommand splits the string form of command or entrypoint the way
// compose-go does, with github.com/mattn/go-shellwords' Parse (default
// options): blanks separate words; single quotes are literal; a backslash
// escapes the next character, inside double quotes too; an unquoted ; & |
// < or > ends the command (stopped reports it). Backquotes and $( ) are
// kept as text: ParseBacktick is off.
func splitCommand(s string) (words []word, stopped bool, err error) {
	var buf []byte
	var escaped, dq, sq, got bool
	start := -1
	mark := func(i int) {
		if start < 0 {
			start = i
		}
	}
	end := len(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if escaped {
			buf = append(buf, c)
			escaped, got = false, true
			continue
		}
		switch {
		case c == '\\':
			mark(i)
			if sq {
				buf = append(buf, c)
			} else {
				escaped = true
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if sq || dq {
				buf = append(buf, c)
			} else if got {
				words = append(words, word{string(buf), start, i})
				buf, got, start = nil, false, -1
			}
			continue
		case c == '"' && !sq:
			mark(i)
			if dq {
				got = true
			}
			dq = !dq
			continue
		case c == '\'' && !dq:
			mark(i)
			if sq {
				got = true
			}
			sq = !sq
			continue
		case (c == ';' || c == '&' || c == '|' || c == '<' || c == '>') && !sq && !dq:
			stopped = true
		}
		if stopped {
			end = i
			break
		}
		mark(i)
		buf = append(buf, c)
		got = true
	}
	if escaped || sq || dq {
		return nil, false, errCommandLine
	}
	if got {
		words = append(words, word{string(buf), start, end})
	}
	return words, stopped, nil
}
