package rails

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conncap/conncap/inputs/source"
)

// Sidekiq's default concurrency (sidekiq/sidekiq lib/sidekiq/config.rb
// DEFAULTS); when nothing sets it the CLI takes RAILS_MAX_THREADS.
const sidekiqDefaultConcurrency = 5

// sidekiqConf is what config/sidekiq.yml sets.
type sidekiqConf struct {
	concurrency source.Value[int]
	set         bool
	notes       []string
}

// readSidekiq reads config/sidekiq.yml as Sidekiq's CLI does: ERB first,
// then YAML with keys symbolized (":concurrency:" and "concurrency:" are
// the same key), the section named after the environment merged over the
// top level, and Sidekiq 7 capsules adding their own concurrency.
func readSidekiq(f *File, ev *evaluator, envName string) (sidekiqConf, error) {
	var c sidekiqConf
	r, perr := renderERB(f.Path, string(f.src), ev)
	if perr != nil {
		return c, perr
	}
	c.notes = append(c.notes, r.notes...)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(r.text), &doc); err != nil {
		return c, yamlError(r, err)
	}
	conv := &converter{r: r, budget: maxYAMLEntries}
	root, cerr := conv.convert(&doc, 0)
	if cerr != nil {
		return c, cerr
	}
	if root.null {
		return c, nil
	}
	if root.kind != yaml.MappingNode {
		return c, source.Errorf(root.pos, "sidekiq.yml must be a mapping")
	}
	get := func(n *ynode, key string) *ynode {
		if n == nil || n.kind != yaml.MappingNode {
			return nil
		}
		var found *ynode
		for _, e := range n.entries {
			if strings.TrimPrefix(e.key, ":") == key {
				found = e.val
			}
		}
		return found
	}
	read := func(n *ynode, what string) (source.Value[int], bool) {
		if n == nil || n.null {
			return source.Value[int]{}, false
		}
		if n.unknown != "" {
			c.notes = append(c.notes, fmt.Sprintf("%s at %s is not known: %s", what, n.pos, n.unknown))
			return source.Value[int]{}, false
		}
		i, ok := rubyInteger(n.text)
		if !ok {
			c.notes = append(c.notes, fmt.Sprintf("%s %q at %s is not an integer: Sidekiq fails to boot", what, n.text, n.pos))
			return source.Value[int]{}, false
		}
		return source.Value[int]{V: int(i), Origin: n.origin}, true
	}
	if v, ok := read(get(root, "concurrency"), "concurrency"); ok {
		c.concurrency, c.set = v, true
	}
	envSec := get(root, envName)
	if v, ok := read(get(envSec, "concurrency"), envName+".concurrency"); ok {
		c.concurrency, c.set = v, true
	}
	caps := get(envSec, "capsules")
	if caps == nil {
		caps = get(root, "capsules")
	}
	if caps != nil && caps.kind == yaml.MappingNode {
		for _, e := range caps.entries {
			if v, ok := read(get(e.val, "concurrency"), "capsule "+e.key+" concurrency"); ok {
				if !c.set {
					c.concurrency = source.Value[int]{V: sidekiqDefaultConcurrency, Origin: source.Named("Sidekiq default concurrency 5")}
					c.set = true
				}
				c.concurrency = source.Value[int]{V: c.concurrency.V + v.V, Origin: source.Origin{Pos: v.Origin.Pos, Note: "sum over the default capsule and capsule " + e.key}}
				c.notes = append(c.notes, fmt.Sprintf("capsule %s adds %d threads (%s)", e.key, v.V, v.Origin))
			}
		}
	}
	return c, nil
}
