package kube

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Set is the Kubernetes objects of all inputs, linked: workloads with
// their environments resolved against the ConfigMaps, autoscalers, and the
// notes made while linking.
type Set struct {
	Workloads   []*Workload
	Autoscalers []*Autoscaler
	ConfigMaps  []*ConfigMap
	Secrets     []*Secret
	Services    []*Service
	Clusters    []*Cluster // database servers run by operators
	Notes       []Note     // sorted by position
}

// Note is a fact worth saying about how the objects were linked: a
// ConfigMap that is referenced but not in the inputs, an autoscaler
// without its target, an object in an API version no longer served.
type Note struct {
	Pos source.Pos
	Msg string
}

// removedIn returns the Kubernetes release that stopped serving a workload
// API version, or "" for a version still served.
func removedIn(apiVersion string) string {
	switch apiVersion {
	case "extensions/v1beta1", "apps/v1beta1", "apps/v1beta2":
		return "1.16"
	case "batch/v2alpha1":
		return "1.21"
	case "batch/v1beta1":
		return "1.25"
	}
	return ""
}

// Resolve links the objects of files, in the order given (for duplicates,
// the later definition wins, as a later kubectl apply would). Each
// container's Env is recomputed with the ConfigMaps and Secrets of the
// inputs in the pod's namespace ("default" when the manifest names none);
// a reference to one that is absent leaves its variables Unknown and adds a
// Note. The Workloads are copies: files are not modified.
func Resolve(files []*File) *Set {
	s := &Set{}
	look := &lookups{configMaps: map[nsName]*ConfigMap{}, secrets: map[nsName]*Secret{}}
	for _, f := range files {
		if f == nil {
			continue
		}
		for i := range f.Objects {
			o := &f.Objects[i]
			key := nsName{namespaceOf(o.Namespace), o.Name}
			switch {
			case o.ConfigMap != nil:
				if prev := look.configMaps[key]; prev != nil {
					s.note(o.Pos, "ConfigMap %q (namespace %q) is also defined at %s: this later one wins", o.Name, key.ns, prev.Pos)
					s.ConfigMaps = slices.DeleteFunc(s.ConfigMaps, func(c *ConfigMap) bool { return c == prev })
				}
				look.configMaps[key] = o.ConfigMap
				s.ConfigMaps = append(s.ConfigMaps, o.ConfigMap)
			case o.Secret != nil:
				if prev := look.secrets[key]; prev != nil {
					s.Secrets = slices.DeleteFunc(s.Secrets, func(c *Secret) bool { return c == prev })
				}
				look.secrets[key] = o.Secret
				s.Secrets = append(s.Secrets, o.Secret)
			case o.Autoscaler != nil:
				s.Autoscalers = append(s.Autoscalers, o.Autoscaler)
			case o.Service != nil:
				s.Services = append(s.Services, o.Service)
			case o.Cluster != nil:
				s.Clusters = append(s.Clusters, o.Cluster)
			case o.Workload == nil && isWorkloadKind(o.Kind) && removedIn(o.APIVersion) != "":
				s.note(o.Pos, "%s %s %q is not counted: Kubernetes %s stopped serving %s", o.APIVersion, o.Kind, o.Name, removedIn(o.APIVersion), o.APIVersion)
			}
		}
	}
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, o := range f.Objects {
			if o.Workload == nil {
				continue
			}
			w := *o.Workload
			w.Containers = slices.Clone(w.Containers)
			for i := range w.Containers {
				c := &w.Containers[i]
				var notes []Note
				c.Env, notes = resolveEnv(c, w.Namespace, look)
				s.Notes = append(s.Notes, notes...)
			}
			s.Workloads = append(s.Workloads, &w)
		}
	}
	targets := map[string]*Autoscaler{}
	for _, a := range s.Autoscalers {
		key := a.TargetKind + "/" + namespaceOf(a.Namespace) + "/" + a.TargetName
		if prev := targets[key]; prev != nil {
			s.note(a.Pos, "%s %q and %s %q (%s) both scale %s %q; AutoscalerFor returns the first", a.Kind, a.Name, prev.Kind, prev.Name, prev.Pos, a.TargetKind, a.TargetName)
			continue
		}
		targets[key] = a
		if s.workload(a.TargetKind, a.TargetName, a.Namespace) == nil {
			s.note(a.Pos, "%s %q scales %s %q (namespace %q), which is not in the inputs", a.Kind, a.Name, a.TargetKind, a.TargetName, namespaceOf(a.Namespace))
		}
	}
	slices.SortStableFunc(s.Notes, func(a, b Note) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Msg, b.Msg))
	})
	s.Notes = slices.Compact(s.Notes)
	return s
}

func (s *Set) note(pos source.Pos, format string, args ...any) {
	s.Notes = append(s.Notes, Note{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func isWorkloadKind(kind string) bool {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob":
		return true
	}
	return false
}

func (s *Set) workload(kind, name, ns string) *Workload {
	for _, w := range s.Workloads {
		if w.Kind == kind && w.Name == name && namespaceOf(w.Namespace) == namespaceOf(ns) {
			return w
		}
	}
	return nil
}

// AutoscalerFor returns the autoscaler whose scaleTargetRef names w (kind,
// name and namespace), or nil. With several, the first in input order,
// for which Resolve has recorded a Note.
func (s *Set) AutoscalerFor(w *Workload) *Autoscaler {
	if w == nil {
		return nil
	}
	for _, a := range s.Autoscalers {
		if a.TargetKind == w.Kind && a.TargetName == w.Name && namespaceOf(a.Namespace) == namespaceOf(w.Namespace) {
			return a
		}
	}
	return nil
}
