package kube

import (
	"slices"
	"strconv"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// objects reads a top-level value: an object, or a list of them.
func (d *doc) objects(x val) {
	if _, ok := x.v.(map[string]any); !ok {
		return
	}
	av, kind := x.get("apiVersion"), x.get("kind")
	if !av.present() || !kind.present() {
		return // not a Kubernetes object
	}
	apiVersion, ok1 := av.str()
	k, ok2 := kind.str()
	if !ok1 || !ok2 {
		return
	}
	// kubectl flattens any object whose items is a list (unstructured
	// IsList); we require the kind to say so too ("List", "DeploymentList").
	if items := x.get("items"); strings.HasSuffix(k.V, "List") {
		if _, ok := items.v.([]any); ok {
			for _, it := range items.items() {
				d.objects(it)
			}
			return
		}
	}
	before := d.errs
	o := d.object(x, apiVersion.V, k.V, kind)
	if d.errs == before && o != nil {
		d.p.file.Objects = append(d.p.file.Objects, *o)
	}
}

// object reads one object's metadata and, for the kinds conncap reads, its
// typed view.
func (d *doc) object(x val, apiVersion, kind string, kindVal val) *Object {
	o := &Object{APIVersion: apiVersion, Kind: kind, Pos: kindVal.pos(), Source: d.source, FirstLine: d.lm.first, LastLine: d.lm.last}
	md := x.get("metadata")
	if md.object() {
		name := md.get("name")
		if s, ok := name.str(); ok {
			if strings.Contains(s.V, "{{") {
				d.p.markTemplate(name.pos())
				return nil
			}
			o.Name, o.Pos = s.V, name.pos()
		}
		if s, ok := md.get("namespace").str(); ok {
			o.Namespace = s.V
		}
		o.Annotations = md.get("annotations").strMap()
		if labels := md.get("labels").strMap(); labels != nil {
			o.Labels = make(map[string]string, len(labels))
			for k, v := range labels {
				o.Labels[k] = v.V
			}
		}
	}
	spec := x.get("spec")
	switch group(apiVersion) + "/" + kind {
	case "apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "apps/v1/ReplicaSet",
		"batch/v1/Job", "batch/v1/CronJob", "/v1/Pod":
		o.Workload = d.workload(o, x, spec)
	case "autoscaling/v1/HorizontalPodAutoscaler", "autoscaling/v2/HorizontalPodAutoscaler",
		"autoscaling/v2beta1/HorizontalPodAutoscaler", "autoscaling/v2beta2/HorizontalPodAutoscaler":
		o.Autoscaler = d.hpa(o, spec)
	case "keda.sh/v1alpha1/ScaledObject":
		o.Autoscaler = d.scaledObject(o, spec)
	case "/v1/ConfigMap":
		o.ConfigMap = &ConfigMap{Name: o.Name, Namespace: o.Namespace, Pos: o.Pos, Data: x.get("data").strMap()}
		x.get("binaryData").keys() // type check only
	case "/v1/Secret":
		o.Secret = d.secret(o, x)
	case "mysql.oracle.com/v2/InnoDBCluster", "pxc.percona.com/v1/PerconaXtraDBCluster",
		"k8s.mariadb.com/v1alpha1/MariaDB", "mariadb.mmontes.io/v1alpha1/MariaDB":
		o.Cluster = d.cluster(o, group(apiVersion)+"/"+kind, spec)
	case "/v1/Service":
		o.Service = &Service{Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
		if sel := spec.get("selector").strMap(); len(sel) > 0 {
			o.Service.Selector = make(map[string]string, len(sel))
			for k, v := range sel {
				o.Service.Selector[k] = v.V
			}
		}
	}
	return o
}

// group returns apiVersion with the core group spelled "", so "v1" becomes
// "/v1" and "apps/v1" stays.
func group(apiVersion string) string {
	if !strings.Contains(apiVersion, "/") {
		return "/" + apiVersion
	}
	return apiVersion
}

func (d *doc) workload(o *Object, x, spec val) *Workload {
	w := &Workload{Kind: o.Kind, Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
	if o.Kind != "Pod" && !spec.object() {
		spec = val{d: d, path: "spec", at: o.Pos}
	}
	podTemplate := spec.get("template")
	switch o.Kind {
	case "Deployment", "StatefulSet", "ReplicaSet":
		w.Replicas = source.Value[int]{V: 1, Origin: source.Named("Kubernetes default replicas 1")}
		if r, ok := spec.get("replicas").count(); ok {
			w.Replicas, w.ReplicasSet = r, true
		}
	case "DaemonSet":
		w.Replicas = source.Value[int]{V: 1, Origin: source.Named("DaemonSet: one pod per node")}
		w.PerNode = true
	case "Job":
		w.Replicas = source.Value[int]{V: 1, Origin: source.Named("Job: its pods at once are its parallelism")}
		d.job(w, spec)
	case "CronJob":
		w.Replicas = source.Value[int]{V: 1, Origin: source.Named("CronJob: its pods at once are its jobs' parallelism")}
		w.ConcurrencyPolicy = source.Value[string]{V: "Allow", Origin: source.Named("Kubernetes default concurrencyPolicy Allow")}
		cp := spec.get("concurrencyPolicy")
		if s, ok := cp.str(); ok {
			if oneOf(cp, s.V, "Allow", "Forbid", "Replace") {
				w.ConcurrencyPolicy = s
			}
		}
		jobSpec := spec.get("jobTemplate")
		if jobSpec.object() {
			jobSpec = jobSpec.get("spec")
		}
		if !jobSpec.object() {
			jobSpec = val{d: d, path: "spec.jobTemplate.spec", at: o.Pos}
		}
		d.job(w, jobSpec)
		podTemplate = jobSpec.get("template")
	case "Pod":
		w.Replicas = source.Value[int]{V: 1, Origin: source.Named("a Pod is one replica")}
		w.Strategy = Strategy{Kind: w.Kind}
		w.PodAnnotations, w.PodLabels = o.Annotations, o.Labels
		if spec.object() {
			d.podSpec(w, spec)
		}
		return w
	}
	d.strategy(w, spec)
	if podTemplate.object() {
		w.PodAnnotations = podTemplate.get("metadata").get("annotations").strMap()
		if labels := podTemplate.get("metadata").get("labels").strMap(); labels != nil {
			w.PodLabels = make(map[string]string, len(labels))
			for k, v := range labels {
				w.PodLabels[k] = v.V
			}
		}
		if ps := podTemplate.get("spec"); ps.object() {
			d.podSpec(w, ps)
		}
	}
	return w
}

// oneOf reports whether s is one of the values the API server accepts for
// x, and reports an error when it is not.
func oneOf(x val, s string, allowed ...string) bool {
	if slices.Contains(allowed, s) {
		return true
	}
	x.errorf("%s: %s is not one of %s: the API server rejects it", x.path, quoteShort(s), strings.Join(allowed, ", "))
	return false
}

// job reads a Job spec's parallelism and completions with Kubernetes'
// defaulting (pkg/apis/batch/v1 SetDefaults_Job): both unset → both 1;
// parallelism unset → 1; completions unset with parallelism set → unset.
func (d *doc) job(w *Workload, spec val) {
	p, pSet := spec.get("parallelism").count()
	c, cSet := spec.get("completions").count()
	switch {
	case pSet:
		w.Parallelism = p
	default:
		w.Parallelism = source.Value[int]{V: 1, Origin: source.Named("Kubernetes default parallelism 1")}
	}
	switch {
	case cSet:
		w.Completions, w.CompletionsSet = c, true
	case !pSet:
		w.Completions = source.Value[int]{V: 1, Origin: source.Named("Kubernetes default completions 1")}
	default:
		w.Completions = source.Value[int]{Origin: source.Named("completions not set: a work-queue Job")}
	}
}

func (d *doc) strategy(w *Workload, spec val) {
	s := Strategy{Kind: w.Kind}
	var x val
	var types []string
	switch w.Kind {
	case "Deployment":
		x, types = spec.get("strategy"), []string{"RollingUpdate", "Recreate"}
	case "StatefulSet", "DaemonSet":
		x, types = spec.get("updateStrategy"), []string{"RollingUpdate", "OnDelete"}
	default:
		w.Strategy = s
		return
	}
	field := x.path[strings.LastIndexByte(x.path, '.')+1:]
	s.Type = source.Value[string]{V: "RollingUpdate", Origin: source.Named("Kubernetes default " + field + " RollingUpdate")}
	if !x.object() {
		x = val{d: d, path: x.path, at: x.at}
	}
	t := x.get("type")
	if v, ok := t.str(); ok && oneOf(t, v.V, types...) {
		s.Type = v
	}
	if s.Type.V == "RollingUpdate" {
		ru := x.get("rollingUpdate")
		if !ru.object() {
			ru = val{d: d, path: ru.path, at: ru.at}
		}
		def := func(name, v string) source.Value[string] {
			return source.Value[string]{V: v, Origin: source.Named("Kubernetes default " + name + " " + v)}
		}
		switch w.Kind {
		case "Deployment":
			s.MaxSurge, s.MaxUnavailable = def("maxSurge", "25%"), def("maxUnavailable", "25%")
		case "StatefulSet":
			s.MaxSurge = source.Value[string]{V: "0", Origin: source.Named("a StatefulSet never surges")}
			s.MaxUnavailable = def("maxUnavailable", "1")
			s.Partition = source.Value[int]{Origin: source.Named("Kubernetes default partition 0")}
			if p, ok := ru.get("partition").count(); ok {
				s.Partition = p
			}
		case "DaemonSet":
			s.MaxSurge, s.MaxUnavailable = def("maxSurge", "0"), def("maxUnavailable", "1")
		}
		if w.Kind != "StatefulSet" {
			if v, ok := ru.get("maxSurge").intOrString(); ok {
				s.MaxSurge = v
			}
		}
		mu := ru.get("maxUnavailable")
		if v, ok := mu.intOrString(); ok {
			if pct, isPct := strings.CutSuffix(v.V, "%"); isPct {
				if n, err := strconv.Atoi(pct); err != nil || n > 100 {
					mu.errorf("%s: %s is more than 100%%: the API server rejects it", mu.path, v.V)
					ok = false
				}
			}
			if ok {
				s.MaxUnavailable = v
			}
		}
	}
	w.Strategy = s
}

func (d *doc) podSpec(w *Workload, ps val) {
	for _, c := range ps.get("containers").items() {
		if ct, ok := d.container(c, false); ok {
			w.Containers = append(w.Containers, ct)
		}
	}
	for _, c := range ps.get("initContainers").items() {
		if ct, ok := d.container(c, true); ok {
			w.Containers = append(w.Containers, ct)
		}
	}
	for _, v := range ps.get("volumes").items() {
		if !v.object() {
			continue
		}
		name, ok := v.get("name").str()
		cm := v.get("configMap")
		if !ok || !cm.object() {
			continue
		}
		cmName, _ := cm.get("name").str()
		vol := Volume{Name: name.V, Pos: name.Origin.Pos, ConfigMap: cmName.V}
		for _, it := range cm.get("items").items() {
			key, ok1 := it.get("key").str()
			p, ok2 := it.get("path").str()
			if ok1 && ok2 {
				vol.Items = append(vol.Items, KeyToPath{Key: key.V, Path: p.V})
			}
		}
		w.Volumes = append(w.Volumes, vol)
	}
}

func (d *doc) container(x val, init bool) (Container, bool) {
	if !x.object() {
		return Container{}, false
	}
	c := Container{Init: init, Pos: x.pos()}
	name := x.get("name")
	if s, ok := name.str(); ok {
		c.Name, c.Pos = s.V, name.pos()
	}
	if init {
		rp := x.get("restartPolicy")
		if s, ok := rp.str(); ok && oneOf(rp, s.V, "Always") {
			c.Sidecar = true
		}
	}
	c.Image, _ = x.get("image").str()
	c.Command = strList(x.get("command"))
	c.Args = strList(x.get("args"))
	for _, e := range x.get("env").items() {
		if src, ok := envSource(e); ok {
			c.EnvSpec = append(c.EnvSpec, src)
		}
	}
	for _, e := range x.get("envFrom").items() {
		if src, ok := envFromSource(e); ok {
			c.EnvFrom = append(c.EnvFrom, src)
		}
	}
	res := x.get("resources")
	limits, requests := val{d: d, at: c.Pos}, val{d: d, at: c.Pos}
	if res.object() {
		limits, requests = res.get("limits"), res.get("requests")
		limits.keys() // type checks
		requests.keys()
	}
	c.CPULimit = limits.get("cpu").quantity()
	c.MemoryLimit = limits.get("memory").quantity()
	c.CPURequest = requests.get("cpu").quantity()
	c.MemoryRequest = requests.get("memory").quantity()
	for _, m := range x.get("volumeMounts").items() {
		name, ok1 := m.get("name").str()
		mp, ok2 := m.get("mountPath").str()
		if !ok1 || !ok2 {
			continue
		}
		sub, _ := m.get("subPath").str()
		c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: name.V, MountPath: mp.V, SubPath: sub.V, Pos: mp.Origin.Pos})
	}
	c.Env, _ = resolveEnv(&c, "", nil)
	return c, true
}

func strList(x val) []source.Value[string] {
	var out []source.Value[string]
	for _, it := range x.items() {
		if s, ok := it.str(); ok {
			out = append(out, s)
		}
	}
	return out
}

func envSource(x val) (EnvSource, bool) {
	if !x.object() {
		return EnvSource{}, false
	}
	var e EnvSource
	name := x.get("name")
	s, ok := name.str()
	if !ok {
		if !name.present() {
			x.errorf("%s: env entry without a name: the API server rejects it", x.path)
		}
		return e, false
	}
	e.Name = s
	if v, ok := x.get("value").str(); ok {
		e.Value = &v
	}
	vf := x.get("valueFrom")
	if kinds := vf.keys(); len(kinds) > 0 {
		// The API server allows one source; prefer one we know.
		kind := kinds[0]
		for _, k := range kinds {
			if slices.Contains([]string{"configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"}, k) {
				kind = k
				break
			}
		}
		ref := vf.get(kind)
		f := &ValueFrom{Kind: kind, Pos: ref.pos()}
		switch kind {
		case "configMapKeyRef", "secretKeyRef":
			if s, ok := ref.get("name").str(); ok {
				f.Name = s.V
			}
			if s, ok := ref.get("key").str(); ok {
				f.Key = s.V
			}
			f.Optional = ref.get("optional").boolean()
		case "fieldRef":
			if s, ok := ref.get("fieldPath").str(); ok {
				f.Key = s.V
			}
		case "resourceFieldRef":
			if s, ok := ref.get("resource").str(); ok {
				f.Key = s.V
			}
		}
		e.From = f
	}
	return e, true
}

func envFromSource(x val) (EnvFromSource, bool) {
	if !x.object() {
		return EnvFromSource{}, false
	}
	var e EnvFromSource
	if s, ok := x.get("prefix").str(); ok {
		e.Prefix = s.V
	}
	for _, ref := range []struct{ field, kind string }{{"configMapRef", "ConfigMap"}, {"secretRef", "Secret"}} {
		r := x.get(ref.field)
		if !r.object() {
			continue
		}
		name := r.get("name")
		s, ok := name.str()
		if !ok {
			continue
		}
		e.Kind, e.Name, e.Pos = ref.kind, s.V, name.pos()
		e.Optional = r.get("optional").boolean()
		return e, true
	}
	return e, false
}

func (d *doc) hpa(o *Object, spec val) *Autoscaler {
	a := &Autoscaler{Kind: o.Kind, Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
	if !spec.object() {
		spec = val{d: d, path: "spec", at: o.Pos}
	}
	d.scaleTarget(a, spec)
	a.Min = source.Value[int]{V: 1, Origin: source.Named("Kubernetes default minReplicas 1")}
	if v, ok := spec.get("minReplicas").count(); ok {
		a.Min = v
	}
	if v, ok := spec.get("maxReplicas").count(); ok {
		a.Max = v
	} else if !spec.get("maxReplicas").present() {
		spec.errorf("%s.maxReplicas is missing: the API server requires it", spec.path)
	}
	return a
}

func (d *doc) scaledObject(o *Object, spec val) *Autoscaler {
	a := &Autoscaler{Kind: o.Kind, Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
	if !spec.object() {
		spec = val{d: d, path: "spec", at: o.Pos}
	}
	a.TargetKind = "Deployment"
	d.scaleTarget(a, spec)
	a.Min = source.Value[int]{V: 0, Origin: source.Named("KEDA default minReplicaCount 0")}
	a.Max = source.Value[int]{V: 100, Origin: source.Named("KEDA default maxReplicaCount 100")}
	if v, ok := spec.get("minReplicaCount").count(); ok {
		a.Min = v
	}
	if v, ok := spec.get("maxReplicaCount").count(); ok {
		a.Max = v
	}
	return a
}

func (d *doc) scaleTarget(a *Autoscaler, spec val) {
	ref := spec.get("scaleTargetRef")
	if !ref.object() {
		return
	}
	if s, ok := ref.get("kind").str(); ok {
		a.TargetKind = s.V
	}
	if s, ok := ref.get("name").str(); ok {
		a.TargetName = s.V
	}
}

func (d *doc) secret(o *Object, x val) *Secret {
	s := &Secret{Name: o.Name, Namespace: o.Namespace, Pos: o.Pos}
	for _, field := range []string{"data", "stringData"} {
		m := x.get(field)
		for _, k := range m.keys() {
			v := m.get(k)
			if _, ok := v.str(); !ok && v.present() {
				continue
			}
			if s.Keys == nil {
				s.Keys = map[string]source.Pos{}
			}
			if _, dup := s.Keys[k]; !dup {
				s.Keys[k] = v.keyPos()
			}
		}
	}
	return s
}
