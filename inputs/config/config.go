// Package config reads .conncap.yaml: the declarations a user makes where
// the inputs are silent (services and their pools, fixed consumers) and the
// settings that tune a run (server, limits, thresholds, rule severities).
// An unknown key is an error naming its line, so a typo never silently
// turns a setting off.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// FileName is the configuration file conncap looks for.
const FileName = ".conncap.yaml"

// Config is the content of .conncap.yaml.
type Config struct {
	Path       string            `yaml:"-"`
	Server     string            `yaml:"server"`
	NoFile     string            `yaml:"nofile"`
	CPUs       int               `yaml:"cpus"`
	Nodes      int               `yaml:"nodes"`
	Thresholds Thresholds        `yaml:"thresholds"`
	Rules      map[string]string `yaml:"rules"` // rule ID -> error|warning|info|off
	Services   []Service         `yaml:"services"`
	Consumers  []Consumer        `yaml:"consumers"`
	// Memory is the server's memory budget ("16G"), when no flag, unit
	// MemoryMax or container limit gives one.
	Memory string `yaml:"memory"`
	// PathsIgnore are globs of sysroot-relative paths never read
	// (see Ignored).
	PathsIgnore []string `yaml:"paths_ignore"`
	// Targets are the servers one repository describes, each with its own
	// paths and settings; a run without path arguments checks each.
	Targets []Target `yaml:"targets"`

	ignorePos []source.Pos
}

// Target is one server a repository describes: the paths that make up its
// picture and the settings that differ from the top level's. Paths are
// relative to the configuration file's directory.
type Target struct {
	Name        string     `yaml:"name"`
	Paths       []string   `yaml:"paths"`
	Root        string     `yaml:"root"`
	Server      string     `yaml:"server"`
	NoFile      string     `yaml:"nofile"`
	CPUs        int        `yaml:"cpus"`
	Nodes       int        `yaml:"nodes"`
	Memory      string     `yaml:"memory"`
	PathsIgnore []string   `yaml:"paths_ignore"`
	Services    []Service  `yaml:"services"`
	Consumers   []Consumer `yaml:"consumers"`
	Pos         source.Pos `yaml:"-"`
}

// ForTarget returns the configuration a target runs with: the top level's
// settings, overridden by the target's, with no targets of its own.
func (c *Config) ForTarget(t Target) *Config {
	out := *c
	out.Targets = nil
	if t.Server != "" {
		out.Server = t.Server
	}
	if t.NoFile != "" {
		out.NoFile = t.NoFile
	}
	if t.CPUs != 0 {
		out.CPUs = t.CPUs
	}
	if t.Nodes != 0 {
		out.Nodes = t.Nodes
	}
	if t.Memory != "" {
		out.Memory = t.Memory
	}
	if t.Services != nil {
		out.Services = t.Services
	}
	if t.Consumers != nil {
		out.Consumers = t.Consumers
	}
	out.PathsIgnore = append(append([]string{}, c.PathsIgnore...), t.PathsIgnore...)
	return &out
}

// Thresholds tune the rules; zero means the default.
type Thresholds struct {
	WaitTimeout int64   `yaml:"wait_timeout"` // seconds
	Headroom    float64 `yaml:"headroom"`     // fraction of max_connections, e.g. 0.75
}

// Service declares an application tier the inputs do not describe, or
// completes one they do (matched by name).
type Service struct {
	Name         string     `yaml:"name"`
	Instances    int        `yaml:"instances"`
	MaxInstances int        `yaml:"max_instances"`
	Pool         int        `yaml:"pool"`
	Processes    int        `yaml:"processes"`
	Account      string     `yaml:"account"`
	Pos          source.Pos `yaml:"-"`
}

// Consumer is a fixed number of connections outside the application tier:
// replication threads, exporters, backup jobs, admin headroom.
type Consumer struct {
	Name        string     `yaml:"name"`
	Connections int        `yaml:"connections"`
	Account     string     `yaml:"account"`
	Pos         source.Pos `yaml:"-"`
}

var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

// Parse reads a configuration file.
func Parse(path string, src []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, positioned(path, err)
	}
	c.Path = path
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err == nil {
		c.positions(path, &root)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// positioned turns a yaml.v3 error into a *source.Error at its line.
func positioned(path string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New("yaml: " + te.Errors[0])
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return source.Errorf(source.Pos{Path: path, Line: line}, "%s", m[2])
	}
	return source.Errorf(source.Pos{Path: path, Line: 1}, "%v", err)
}

// positions records where each service, consumer, ignore pattern and
// target is declared.
func (c *Config) positions(path string, root *yaml.Node) {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return
	}
	eachItem(path, root.Content[0], func(key string, j int, item *yaml.Node, pos source.Pos) {
		declPosition(key, j, pos, c.Services, c.Consumers)
		switch {
		case key == "paths_ignore" && j < len(c.PathsIgnore):
			c.ignorePos = append(c.ignorePos, pos)
		case key == "targets" && j < len(c.Targets):
			t := &c.Targets[j]
			t.Pos = pos
			eachItem(path, item, func(key string, j int, _ *yaml.Node, pos source.Pos) {
				declPosition(key, j, pos, t.Services, t.Consumers)
			})
		}
	})
}

// eachItem calls f for every item of every sequence-valued key of mapping m.
func eachItem(path string, m *yaml.Node, f func(key string, j int, item *yaml.Node, pos source.Pos)) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		if val.Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range val.Content {
			f(key.Value, j, item, source.Pos{Path: path, Line: item.Line, Col: item.Column})
		}
	}
}

// declPosition records the position of the j-th service or consumer.
func declPosition(key string, j int, pos source.Pos, services []Service, consumers []Consumer) {
	switch {
	case key == "services" && j < len(services):
		services[j].Pos = pos
	case key == "consumers" && j < len(consumers):
		consumers[j].Pos = pos
	}
}

func (c *Config) validate() error {
	var errs source.ErrorList
	c.validateDecls(&errs, c.Services, c.Consumers)
	for i, g := range c.PathsIgnore {
		pos := source.Pos{Path: c.Path, Line: 1}
		if i < len(c.ignorePos) {
			pos = c.ignorePos[i]
		}
		if _, err := CompileGlob(g); err != nil {
			errs.Add(pos, fmt.Sprintf("paths_ignore: %v", err))
		}
	}
	names := map[string]bool{}
	for _, t := range c.Targets {
		switch {
		case t.Name == "":
			errs.Add(t.Pos, "target without a name")
		case names[t.Name]:
			errs.Add(t.Pos, fmt.Sprintf("target %q is declared twice", t.Name))
		case len(t.Paths) == 0:
			errs.Add(t.Pos, fmt.Sprintf("target %q has no paths", t.Name))
		}
		names[t.Name] = true
		for _, g := range t.PathsIgnore {
			if _, err := CompileGlob(g); err != nil {
				errs.Add(t.Pos, fmt.Sprintf("target %q: paths_ignore: %v", t.Name, err))
			}
		}
		c.validateDecls(&errs, t.Services, t.Consumers)
	}
	if h := c.Thresholds.Headroom; h < 0 || h > 1 {
		errs.Add(source.Pos{Path: c.Path, Line: 1}, fmt.Sprintf("thresholds.headroom %v must be a fraction between 0 and 1", h))
	}
	return errs.Err()
}

// validateDecls checks declared services and consumers.
func (c *Config) validateDecls(errs *source.ErrorList, services []Service, consumers []Consumer) {
	for _, s := range services {
		switch {
		case s.Name == "":
			errs.Add(s.Pos, "service without a name")
		case s.Instances < 0 || s.MaxInstances < 0 || s.Pool < 0 || s.Processes < 0:
			errs.Add(s.Pos, fmt.Sprintf("service %q: negative numbers are not allowed", s.Name))
		case s.MaxInstances != 0 && s.MaxInstances < s.Instances:
			errs.Add(s.Pos, fmt.Sprintf("service %q: max_instances %d is below instances %d", s.Name, s.MaxInstances, s.Instances))
		}
	}
	for _, k := range consumers {
		if k.Name == "" || k.Connections < 0 {
			errs.Add(k.Pos, "consumer needs a name and a non-negative number of connections")
		}
	}
}
