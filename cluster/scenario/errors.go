package scenario

import (
	"errors"
	"fmt"
)

// Errors that scenario errors match with errors.Is.
var (
	// ErrInvalidScenario is matched by every error of Parse: the file breaks
	// the grammar or names something that cannot exist, such as node 9 of 5.
	ErrInvalidScenario = errors.New("invalid scenario")

	// ErrExpectation is matched by the error of an expect or wait step whose
	// condition did not hold.
	ErrExpectation = errors.New("expectation failed")

	// ErrSafetyViolation is matched when the cluster's safety monitor caught a
	// violation that the scenario does not expect.
	ErrSafetyViolation = errors.New("safety violation")

	// ErrStepFailed is matched when an action could not be done, such as
	// crashing a node that is down or crashing the leader when there is none.
	ErrStepFailed = errors.New("step failed")

	// ErrDone is returned by Runner.Step once every step has run.
	ErrDone = errors.New("no steps left")

	// ErrUnknownScenario is returned by Open for a name that is neither a file
	// nor a built-in scenario.
	ErrUnknownScenario = errors.New("unknown scenario")
)

// LineError is an error on one line of a scenario: a parse error, or a step
// that failed when it ran. Its message names the file, the line, the text and
// the reason: demo.txt:7: "crash 9": node 9 does not exist; this scenario has 5 nodes.
type LineError struct {
	File string // the scenario's name, such as demo.txt or leader-crash
	Line int    // 1-based; 0 for an error that belongs to no line
	Text string // the line without its comment
	Err  error
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %q: %v", e.File, e.Line, e.Text, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// kindError is an error whose message is its cause's alone but which also
// matches kind, so that a message need not repeat "expectation failed".
type kindError struct {
	kind  error
	cause error
}

func (e *kindError) Error() string   { return e.cause.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.cause} }

// failf returns an error of the given kind with a formatted message; %w in
// format wraps as in fmt.Errorf.
func failf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, cause: fmt.Errorf(format, args...)}
}

// invalidf returns an ErrInvalidScenario error with a formatted reason.
func invalidf(format string, args ...any) error {
	return failf(ErrInvalidScenario, format, args...)
}
