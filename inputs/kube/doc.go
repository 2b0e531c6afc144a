// Package kube reads Kubernetes manifests (plain files, `kubectl get -o yaml`
// lists, `helm template` and `kustomize build` output) into facts with
// positions: workloads with their replicas, rollout strategy, containers and
// environments; autoscalers; ConfigMaps and Secrets. It reports and never
// judges: a workload without spec.replicas gets Kubernetes' default with a
// Named origin, and deciding what that means is the planner's job.
//
// # How a file is read
//
// Documents are split the way kubectl splits them
// (k8s.io/apimachinery/pkg/util/yaml YAMLReader): a line that starts with
// "---" and has nothing after it but blanks or a comment ends a document;
// any other text after "---" is an error, as it is for kubectl. Each
// document is read twice:
//
//   - values come from sigs.k8s.io/yaml, which is what kubectl uses to turn
//     YAML into the JSON it sends: YAML 1.1 scalars (`on` and `yes` are
//     booleans, `0777` is octal), merge keys as yaml.v2 applies them, and
//     no coercion into the target type, so `replicas: "3"` is a string and
//     the API server's type error is reported here, at its position;
//   - positions come from go.yaml.in/yaml/v3 nodes (1-based Line and Col,
//     Col counted in runes), mapped back to the file's own lines when a
//     document contains line breaks yaml.v3 counts but a text editor does
//     not (a lone CR, NEL, U+2028, U+2029).
//
// Only the fields conncap reads are type-checked; the rest of an object is
// never looked at. An object with an error in a field conncap reads is left
// out of the File, and the error is returned in a source.ErrorList.
//
// # Limits
//
// A document larger than MaxDocumentBytes (the API server's 3 MiB request
// limit), nested deeper than MaxDepth, or whose aliases would expand it to
// more than MaxNodes nodes is an error; aliases are never expanded to find
// out (an alias bomb costs one walk of the unexpanded tree). yaml.v3 itself
// stops at 10,000 levels of nesting.
//
// # Templates and other YAML
//
// Documents without apiVersion and kind are skipped, and a file with no
// Kubernetes object at all gives ErrNotKubernetes. A document that fails to
// read is an error only when its text mentions both apiVersion and kind;
// otherwise it is skipped as other YAML. An unrendered Helm or Go template
// (a document that fails to read and contains "{{", or a name or a mistyped
// value containing "{{") makes the whole file ErrNotKubernetes too: its
// facts would be guesses. Rendered text with "{{" in a string (an
// Alertmanager template in a ConfigMap) is just text.
//
// Comments whose text starts with "conncap:" are kept, verbatim with the
// position of their "#", for suppression directives.
//
// # Typed views
//
// Workload views are built for the versions the API server serves today:
// apps/v1 Deployment, StatefulSet, DaemonSet and ReplicaSet, batch/v1 Job
// and CronJob, v1 Pod. Autoscalers: autoscaling/v1, v2, v2beta1 and v2beta2
// HorizontalPodAutoscaler, and KEDA's keda.sh/v1alpha1 ScaledObject.
// Workload kinds in removed versions (extensions/v1beta1, apps/v1beta2, …)
// stay plain Objects; Resolve records a Note for each.
//
// Resolve joins files: a container's env and envFrom are resolved against
// the ConfigMaps in the inputs the way kubelet resolves them, and
// autoscalers are matched to their targets.
package kube
