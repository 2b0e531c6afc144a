package kube

import (
	"errors"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/source"
)

// ErrNotKubernetes is returned by Parse for a file that holds no Kubernetes
// object: other YAML (a CI workflow, an application config) or an
// unrendered template. Discovery skips such files.
var ErrNotKubernetes = errors.New("no Kubernetes objects")

// File is the Kubernetes objects of one file, in file order (the items of
// a List in place of the List).
type File struct {
	Path     string
	Objects  []Object
	Comments []Comment // only comments starting with "conncap:"
}

// Comment is a YAML comment whose text starts with "conncap:", on a line of
// its own or after a value, kept for suppression directives.
type Comment struct {
	Pos  source.Pos // the '#'
	Text string     // after the '#', whitespace-trimmed; starts with "conncap:"
}

// Object is one Kubernetes object. Exactly one typed view (Workload,
// Autoscaler, ConfigMap, Secret, Service, Cluster) is set when conncap
// reads its kind, none otherwise.
type Object struct {
	APIVersion, Kind string
	Name, Namespace  string // Namespace is "" when the manifest names none
	// Pos is the position of metadata.name's value, else of kind's.
	Pos         source.Pos
	Annotations map[string]source.Value[string] // value and its position
	// FirstLine and LastLine bound the YAML document that holds the object
	// (for a List, the whole list).
	FirstLine, LastLine int
	Labels              map[string]string
	// Source is the template a `helm template` document came from, from its
	// "# Source: chart/templates/x.yaml" comment; "" when there is none.
	Source string

	Workload   *Workload
	Autoscaler *Autoscaler
	ConfigMap  *ConfigMap
	Secret     *Secret
	Service    *Service
	Cluster    *Cluster
}

// Workload is an object that runs pods: Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob or Pod.
type Workload struct {
	Kind            string
	Name, Namespace string
	Pos             source.Pos // of metadata.name
	// Replicas is spec.replicas with the position of its value. When it is
	// absent, V is 1 with a Named origin: Kubernetes' default for
	// Deployment, StatefulSet and ReplicaSet; one pod for a Pod; one pod per
	// node for a DaemonSet (PerNode is set; the caller multiplies by the node
	// count); for Job and CronJob the pods running at once are Parallelism.
	Replicas    source.Value[int]
	ReplicasSet bool // spec.replicas is in the manifest
	PerNode     bool // DaemonSet: Replicas is per node
	// Strategy is how a new pod template rolls out.
	Strategy Strategy
	// Parallelism and Completions are a Job's (a CronJob's jobTemplate's);
	// zero for other kinds. Kubernetes defaults parallelism to 1, and
	// completions to 1 only when parallelism is unset too: a Job with
	// parallelism and no completions is a work queue, and Completions is
	// then V 0 with a Named origin. CompletionsSet is whether the manifest
	// sets completions.
	Parallelism, Completions source.Value[int]
	CompletionsSet           bool
	// ConcurrencyPolicy is a CronJob's "Allow" (default), "Forbid" or
	// "Replace"; "Allow" lets runs overlap.
	ConcurrencyPolicy source.Value[string]
	// Containers are spec.template.spec.containers, then initContainers.
	Containers []Container
	// PodAnnotations are the pod template's annotations (a Pod's own).
	PodAnnotations map[string]source.Value[string]
	// Volumes are the pod's volumes that conncap follows: ConfigMaps.
	Volumes []Volume
	// PodLabels are the pod template's labels (a Pod's own), which
	// Services select.
	PodLabels map[string]string
}

// Service is a Service's name and the pods it selects; clients reach the
// pods by the Service's DNS name.
type Service struct {
	Name, Namespace string
	Pos             source.Pos
	Selector        map[string]string // nil: selects nothing by itself (ExternalName, manual Endpoints)
}

// Selects reports whether the Service sends traffic to the pods of w.
func (s *Service) Selects(w *Workload) bool {
	if len(s.Selector) == 0 || namespaceOf(s.Namespace) != namespaceOf(w.Namespace) {
		return false
	}
	for k, v := range s.Selector {
		if w.PodLabels[k] != v {
			return false
		}
	}
	return true
}

// Volume is a pod volume backed by a ConfigMap.
type Volume struct {
	Name      string
	Pos       source.Pos
	ConfigMap string // the ConfigMap's name
	// Items, when listed, are the only keys projected, each at its path;
	// otherwise every key is a file named after it.
	Items []KeyToPath
}

// KeyToPath projects one ConfigMap key to a relative path in the volume.
type KeyToPath struct {
	Key, Path string
}

// VolumeMount is where a container sees a volume.
type VolumeMount struct {
	Name      string
	MountPath string
	SubPath   string // one file or directory of the volume, mounted alone
	Pos       source.Pos
}

// Strategy is a workload's rollout strategy: a Deployment's spec.strategy,
// a StatefulSet's or DaemonSet's spec.updateStrategy. Values absent from the
// manifest carry Kubernetes' default with a Named origin.
type Strategy struct {
	// Kind is the owning workload's kind; it decides the rounding in Surge.
	Kind string
	// Type is "RollingUpdate" (the default for all three kinds), "Recreate"
	// (Deployment) or "OnDelete" (StatefulSet, DaemonSet).
	Type source.Value[string]
	// MaxSurge and MaxUnavailable are IntOrString values as written: an
	// integer ("1") or a percentage ("25%"). Defaults: Deployment 25% and
	// 25%; StatefulSet maxUnavailable 1 (it never surges: MaxSurge "0");
	// DaemonSet maxSurge 0 and maxUnavailable 1. Empty when the strategy
	// type has no rolling update.
	MaxSurge, MaxUnavailable source.Value[string]
	// Partition is a StatefulSet's rollingUpdate.partition (default 0): pods
	// with a lower ordinal keep the old template.
	Partition source.Value[int]
}

// Container is one container of a workload's pod template.
type Container struct {
	Name string
	Pos  source.Pos // of its name
	// Init is set for initContainers; Sidecar for an init container with
	// restartPolicy: Always, the native sidecar form that runs alongside the
	// app containers for the pod's life.
	Init, Sidecar bool
	Image         source.Value[string]
	Command, Args []source.Value[string]
	// Env is the environment the container starts with, resolved as kubelet
	// does (see Resolve): envFrom sources first (a later source wins), then
	// env entries in order (a later entry wins, and any env entry beats
	// envFrom), with $(VAR) references expanded to variables defined before
	// them. One entry per name, ordered by the definition that won. Before
	// Resolve, ConfigMap references are Unknown and envFrom adds nothing.
	Env []apps.EnvVar
	// EnvSpec and EnvFrom are the env and envFrom lists as written.
	EnvSpec []EnvSource
	EnvFrom []EnvFromSource
	// Resource quantities as written ("500m", "2", "1Gi"), with V "" and a
	// Named origin when absent. ParseQuantity and MemoryBytes read them.
	CPULimit, CPURequest, MemoryLimit, MemoryRequest source.Value[string]
	// VolumeMounts are where the container sees the pod's volumes.
	VolumeMounts []VolumeMount
}

// EnvMap returns the container's resolved environment by name.
func (c Container) EnvMap() apps.EnvMap {
	m := make(apps.EnvMap, len(c.Env))
	for _, v := range c.Env {
		m[v.Name] = v
	}
	return m
}

// EnvSource is one entry of a container's env list as written.
type EnvSource struct {
	Name  source.Value[string]
	Value *source.Value[string] // nil when the entry has no value
	From  *ValueFrom            // nil when the entry has no valueFrom
}

// ValueFrom is an env entry's valueFrom.
type ValueFrom struct {
	// Kind is the source's field name: "configMapKeyRef", "secretKeyRef",
	// "fieldRef", "resourceFieldRef", or another when Kubernetes adds one.
	Kind string
	// Name and Key name the ConfigMap or Secret and its key; for fieldRef
	// Key is the fieldPath, for resourceFieldRef the resource.
	Name, Key string
	Optional  bool
	Pos       source.Pos // of the source (e.g. the configMapKeyRef mapping)
}

// EnvFromSource is one entry of a container's envFrom list.
type EnvFromSource struct {
	Kind     string // "ConfigMap" or "Secret"
	Name     string
	Prefix   string
	Optional bool
	Pos      source.Pos // of the name
}

// Autoscaler scales a workload: a HorizontalPodAutoscaler or a KEDA
// ScaledObject (which makes an HPA of its own).
type Autoscaler struct {
	Kind            string // "HorizontalPodAutoscaler" or "ScaledObject"
	Name, Namespace string
	Pos             source.Pos // of metadata.name
	// TargetKind and TargetName are spec.scaleTargetRef's; KEDA defaults
	// the kind to Deployment.
	TargetKind, TargetName string
	// Min and Max are the replica bounds: an HPA's minReplicas (default 1)
	// and maxReplicas; KEDA's minReplicaCount (default 0) and
	// maxReplicaCount (default 100). Defaults carry a Named origin.
	Min, Max source.Value[int]
}

// ConfigMap is a ConfigMap's data.
type ConfigMap struct {
	Name, Namespace string
	Pos             source.Pos                      // of metadata.name
	Data            map[string]source.Value[string] // value and the position of the value
}

// Secret is a Secret's key names. Values, in data and stringData alike, are
// never read: conncap has no use for them and keeps them out of its output.
type Secret struct {
	Name, Namespace string
	Pos             source.Pos            // of metadata.name
	Keys            map[string]source.Pos // key (data and stringData) → position of the key
}
