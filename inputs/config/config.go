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

// positions records where each service and consumer is declared.
func (c *Config) positions(path string, root *yaml.Node) {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		if val.Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range val.Content {
			pos := source.Pos{Path: path, Line: item.Line, Col: item.Column}
			switch {
			case key.Value == "services" && j < len(c.Services):
				c.Services[j].Pos = pos
			case key.Value == "consumers" && j < len(c.Consumers):
				c.Consumers[j].Pos = pos
			}
		}
	}
}

func (c *Config) validate() error {
	var errs source.ErrorList
	for _, s := range c.Services {
		switch {
		case s.Name == "":
			errs.Add(s.Pos, "service without a name")
		case s.Instances < 0 || s.MaxInstances < 0 || s.Pool < 0 || s.Processes < 0:
			errs.Add(s.Pos, fmt.Sprintf("service %q: negative numbers are not allowed", s.Name))
		case s.MaxInstances != 0 && s.MaxInstances < s.Instances:
			errs.Add(s.Pos, fmt.Sprintf("service %q: max_instances %d is below instances %d", s.Name, s.MaxInstances, s.Instances))
		}
	}
	for _, k := range c.Consumers {
		if k.Name == "" || k.Connections < 0 {
			errs.Add(k.Pos, "consumer needs a name and a non-negative number of connections")
		}
	}
	if h := c.Thresholds.Headroom; h < 0 || h > 1 {
		errs.Add(source.Pos{Path: c.Path, Line: 1}, fmt.Sprintf("thresholds.headroom %v must be a fraction between 0 and 1", h))
	}
	return errs.Err()
}
