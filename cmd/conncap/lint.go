package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/conncap/conncap/inputs/config"
	"github.com/conncap/conncap/lint"
	"github.com/conncap/conncap/lint/format"
	"github.com/conncap/conncap/lint/rules"
)

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "report findings; exit 0 clean, 1 findings at or above --fail-on, 2 bad input or usage",
		ArgsUsage: "[PATH...]",
		Flags: append(commonFlags(),
			&cli.StringFlag{Name: "fail-on", Value: "warning", Usage: "lowest severity that makes the exit code 1: error, warning, info or none"},
			&cli.StringFlag{Name: "baseline", Usage: "report only findings not recorded in `FILE` (see --write-baseline)"},
			&cli.StringFlag{Name: "write-baseline", Usage: "record today's findings in `FILE` and exit 0"},
			&cli.Float64Flag{Name: "headroom", Value: lint.DefaultThresholds().Headroom, Usage: "demand above this `FRACTION` of max_connections is reported"},
			&cli.Int64Flag{Name: "wait-timeout-threshold", Value: lint.DefaultThresholds().WaitTimeout, Usage: "wait_timeout above this many `SECONDS` is reported"},
		),
		Action: runLint,
	}
}

func runLint(c *cli.Context) error {
	failOn, err := lint.ParseSeverity(c.String("fail-on"))
	if err != nil {
		return usagef("--fail-on: %v", err)
	}
	f, err := format.New(c.String("format"), format.Options{Color: useColor(c, c.App.Writer), Version: version, Rules: rules.All()})
	if err != nil {
		return usagef("--format: %v", err)
	}
	ls, err := loadAll(c)
	if err != nil {
		return err
	}
	var ds []lint.Diagnostic
	var notes []string
	for _, l := range ls {
		cfg, err := lintConfig(c, l.config)
		if err != nil {
			return err
		}
		for _, d := range lint.Run(l.analysis, rules.All(), cfg) {
			d.Pos.Path = l.shown(d.Pos.Path)
			for i := range d.Related {
				d.Related[i].Pos.Path = l.shown(d.Related[i].Pos.Path)
			}
			ds = append(ds, d)
		}
		for _, n := range l.analysis.Notes {
			if l.target != "" {
				n = l.target + ": " + n
			}
			notes = append(notes, n)
		}
	}
	if len(ls) > 1 {
		lint.Sort(ds)
		ds = lint.Compact(ds)
	}
	src := newSources(c.Context, ls...)
	if p := c.String("write-baseline"); p != "" {
		if err := writeBaseline(p, ds, src); err != nil {
			return err
		}
		fmt.Fprintf(c.App.ErrWriter, "conncap: recorded %d findings in %s\n", len(ds), p)
		return nil
	}
	if p := c.String("baseline"); p != "" {
		if ds, err = applyBaseline(p, ds, src); err != nil {
			return err
		}
	}
	if err := f.Format(c.App.Writer, format.Report{Findings: ds, Notes: notes}, src); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if failOn != lint.Off {
		if n := lint.Count(ds, failOn); n > 0 {
			return findingsError{n}
		}
	}
	return nil
}

// lintConfig merges the configuration file's rule settings and thresholds
// with the flags (flags win).
func lintConfig(c *cli.Context, fc *config.Config) (*lint.Config, error) {
	cfg := &lint.Config{Severity: map[string]lint.Severity{}, Thresholds: lint.DefaultThresholds()}
	for _, id := range sortedKeys(fc.Rules) {
		if _, ok := rules.ByID(id); !ok {
			return nil, fmt.Errorf("%s: rules: unknown rule %q (see conncap rules)", fc.Path, id)
		}
		sev, err := lint.ParseSeverity(fc.Rules[id])
		if err != nil {
			return nil, fmt.Errorf("%s: rules.%s: %w", fc.Path, id, err)
		}
		cfg.Severity[id] = sev
	}
	if fc.Thresholds.WaitTimeout > 0 {
		cfg.Thresholds.WaitTimeout = fc.Thresholds.WaitTimeout
	}
	if fc.Thresholds.Headroom > 0 {
		cfg.Thresholds.Headroom = fc.Thresholds.Headroom
	}
	if c.IsSet("headroom") {
		h := c.Float64("headroom")
		if h <= 0 || h > 1 {
			return nil, usagef("--headroom %v: want a fraction between 0 and 1", h)
		}
		cfg.Thresholds.Headroom = h
	}
	if c.IsSet("wait-timeout-threshold") {
		cfg.Thresholds.WaitTimeout = c.Int64("wait-timeout-threshold")
	}
	return cfg, nil
}
