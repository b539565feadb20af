package bench

import (
	"errors"
	"strconv"
	"time"
)

// The flag.Value types below reject an invalid value with an error that
// tells what to type instead. The flag package's message "invalid value ...
// for flag -name: ..." then names both the value and the fix on one line.

// intFlag is an int flag with a range.
type intFlag struct {
	value    *int
	min, max int
}

func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min || n > f.max {
		return errors.New("use a whole number from " + strconv.Itoa(f.min) + " to " + strconv.Itoa(f.max))
	}
	*f.value = n
	return nil
}

func (f *intFlag) String() string {
	if f == nil || f.value == nil {
		return "0"
	}
	return strconv.Itoa(*f.value)
}

// durationFlag is a duration flag that accepts zero and positive values.
type durationFlag struct{ value *time.Duration }

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New("use a duration with a unit, such as 150ms or 30s")
	case d < 0:
		return errors.New("use a positive duration, such as 150ms or 30s")
	}
	*f.value = d
	return nil
}

// Bounds of --idle: shorter than a second measures little more than the
// clock's resolution, and a day is longer than anyone waits for one number.
const (
	minIdle = time.Second
	maxIdle = 24 * time.Hour
)

// idleFlag is the --idle duration, which must lie between minIdle and maxIdle
// when given.
type idleFlag struct{ value *time.Duration }

func (f *idleFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < minIdle || d > maxIdle {
		return errors.New("use a duration from 1s to 24h, such as 30s")
	}
	*f.value = d
	return nil
}

func (f *idleFlag) String() string {
	if f == nil || f.value == nil {
		return "0s"
	}
	return f.value.String()
}

func (f *durationFlag) String() string {
	if f == nil || f.value == nil {
		return "0s"
	}
	return f.value.String()
}

// boolFlag is a boolean flag, given alone for true or as --name=false.
type boolFlag struct{ value *bool }

func (f *boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("use true or false, as in --fsync=false")
	}
	*f.value = b
	return nil
}

func (f *boolFlag) String() string {
	if f == nil || f.value == nil {
		return "false"
	}
	return strconv.FormatBool(*f.value)
}

func (f *boolFlag) IsBoolFlag() bool { return true }

// uintFlag is a uint64 flag.
type uintFlag struct{ value *uint64 }

func (f *uintFlag) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("use a whole number from 0 to 18446744073709551615")
	}
	*f.value = n
	return nil
}

func (f *uintFlag) String() string {
	if f == nil || f.value == nil {
		return "0"
	}
	return strconv.FormatUint(*f.value, 10)
}
