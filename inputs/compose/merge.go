package compose

import (
	"maps"
	"slices"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// Project is the merged model of several Compose files.
type Project struct {
	Files    []string   // in the order applied
	Services []*Service // in order of first appearance
}

// Service returns the service called name, or nil.
func (p *Project) Service(name string) *Service {
	for _, s := range p.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Merge applies files in order, each overriding the ones before it, by
// compose-spec 13-merge.md: a later file's scalars replace earlier ones
// (image, deploy.replicas, scale, deploy.mode, ulimits.nofile); command and
// entrypoint are replaced, not appended; environment merges by variable
// name; env_file, depends_on and profiles are appended (without
// duplicates). A value tagged !reset goes back to the default and one
// tagged !override replaces instead of merging. Interpolate each file
// first: Compose interpolates before it merges. Merge does not change its
// arguments.
func Merge(files []*File) *Project {
	p := &Project{}
	for _, f := range files {
		p.Files = append(p.Files, f.Path)
		for _, s := range f.Services {
			if base := p.Service(s.Name); base != nil {
				base.merge(s)
				continue
			}
			p.Services = append(p.Services, s.clone())
		}
	}
	return p
}

func (s *Service) clone() *Service {
	c := *s
	c.Environment = slices.Clone(s.Environment)
	c.EnvFiles = slices.Clone(s.EnvFiles)
	c.Command = slices.Clone(s.Command)
	c.Entrypoint = slices.Clone(s.Entrypoint)
	c.DependsOn = slices.Clone(s.DependsOn)
	c.Profiles = slices.Clone(s.Profiles)
	c.Notes = slices.Clone(s.Notes)
	c.set = maps.Clone(s.set)
	if c.set == nil {
		c.set = map[string]setMode{}
	}
	return &c
}

// merge applies o, a later file's definition of the same service.
func (s *Service) merge(o *Service) {
	// Sorted, so "deploy" (a reset of the whole deploy: key) comes before
	// "mode" and "replicas".
	for _, key := range slices.Sorted(maps.Keys(o.set)) {
		mode := o.set[key]
		s.set[key] = mode
		switch key {
		case "image":
			s.Image = pick(mode, o.Image, noImage())
		case "replicas":
			s.Replicas = pick(mode, o.Replicas, oneReplica())
		case "deploy":
			s.Replicas, s.DeployMode = oneReplica(), replicated()
		case "mode":
			s.DeployMode = pick(mode, o.DeployMode, replicated())
		case "nofile":
			s.NofileSoft = pick(mode, o.NofileSoft, nofileUnset())
			s.NofileHard = pick(mode, o.NofileHard, nofileUnset())
		case "memory":
			s.MemoryLimit = pick(mode, o.MemoryLimit, source.Value[string]{})
		case "command":
			s.Command = pickList(mode, o.Command)
		case "entrypoint":
			s.Entrypoint = pickList(mode, o.Entrypoint)
		case "environment":
			switch mode {
			case setReset:
				s.Environment = nil
			case setOverride:
				s.Environment = slices.Clone(o.Environment)
			default:
				s.Environment = mergeEnv(s.Environment, o.Environment)
			}
		case "env_file":
			switch mode {
			case setReset:
				s.EnvFiles = nil
			case setOverride:
				s.EnvFiles = slices.Clone(o.EnvFiles)
			default:
				for _, ef := range o.EnvFiles {
					s.EnvFiles = slices.DeleteFunc(s.EnvFiles, func(x source.Value[string]) bool { return x.V == ef.V })
					s.EnvFiles = append(s.EnvFiles, ef)
				}
			}
		case "depends_on":
			s.DependsOn = appendNames(mode, s.DependsOn, o.DependsOn)
		case "profiles":
			s.Profiles = appendNames(mode, s.Profiles, o.Profiles)
		}
	}
	s.Notes = append(s.Notes, o.Notes...)
}

func pick[T any](mode setMode, v, def source.Value[T]) source.Value[T] {
	if mode == setReset {
		return def
	}
	return v
}

func pickList(mode setMode, v []source.Value[string]) []source.Value[string] {
	if mode == setReset {
		return nil
	}
	return slices.Clone(v)
}

func mergeEnv(base, over []apps.EnvVar) []apps.EnvVar {
	out := slices.Clone(base)
	for _, ev := range over {
		if i := slices.IndexFunc(out, func(x apps.EnvVar) bool { return x.Name == ev.Name }); i >= 0 {
			out[i] = ev
			continue
		}
		out = append(out, ev)
	}
	return out
}

func appendNames(mode setMode, base, over []string) []string {
	switch mode {
	case setReset:
		return nil
	case setOverride:
		return slices.Clone(over)
	}
	out := slices.Clone(base)
	for _, n := range over {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
