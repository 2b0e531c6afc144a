package kube

import (
	"cmp"
	"path"
	"slices"

	"github.com/conncap/conncap/inputs/source"
)

// MountedFile is a ConfigMap key a container sees as a file.
type MountedFile struct {
	Path      string // absolute, in the container
	ConfigMap string
	Key       string
	Value     source.Value[string] // the key's text and its position in the manifest
	Mount     source.Pos           // the volumeMount's mountPath
}

// MountedFiles returns the ConfigMap keys container c of workload w sees as
// files, as kubelet projects them: every key (or the listed items, at their
// paths) under the mount path, or the one named by subPath at the mount
// path itself. ConfigMaps not in the inputs contribute nothing. The result
// is sorted by path.
func (s *Set) MountedFiles(w *Workload, c Container) []MountedFile {
	var out []MountedFile
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(w.Volumes, func(v Volume) bool { return v.Name == m.Name })
		if i < 0 {
			continue
		}
		vol := w.Volumes[i]
		cm := s.configMap(vol.ConfigMap, w.Namespace)
		if cm == nil {
			continue
		}
		// The volume's files: relative path → key.
		files := map[string]string{}
		if len(vol.Items) > 0 {
			for _, it := range vol.Items {
				files[path.Clean(it.Path)] = it.Key
			}
		} else {
			for k := range cm.Data {
				files[k] = k
			}
		}
		for rel, key := range files {
			v, ok := cm.Data[key]
			if !ok {
				continue
			}
			p := path.Join(m.MountPath, rel)
			if m.SubPath != "" {
				if rel != path.Clean(m.SubPath) {
					continue
				}
				p = path.Clean(m.MountPath)
			}
			out = append(out, MountedFile{Path: p, ConfigMap: cm.Name, Key: key, Value: v, Mount: m.Pos})
		}
	}
	slices.SortFunc(out, func(a, b MountedFile) int { return cmp.Compare(a.Path, b.Path) })
	return out
}

// configMap returns the ConfigMap called name in namespace ns, or nil.
func (s *Set) configMap(name, ns string) *ConfigMap {
	for _, cm := range s.ConfigMaps {
		if cm.Name == name && namespaceOf(cm.Namespace) == namespaceOf(ns) {
			return cm
		}
	}
	return nil
}
