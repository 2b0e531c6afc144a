package system_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/conncap/conncap/inputs/discover"
	"github.com/conncap/conncap/inputs/sysroot/sysroottest"
	"github.com/conncap/conncap/planner/system"
)

func deployment(name, container, command, env string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n" +
		"        - name: " + container + "\n          image: app:1\n          command: " + command + "\n          env: " + env + "\n"
}

// TestServicesFromCommands: a container's command line decides which
// process of an application runs and how many of them: puma's -w, a
// sidekiq or celery worker, gunicorn's -w/--threads, pm2's -i.
func TestServicesFromCommands(t *testing.T) {
	files := map[string]string{
		"services/shop/config/database.yml": "production:\n  adapter: mysql2\n  host: db\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n",
		"services/shop/config/sidekiq.yml":  ":concurrency: 5\n",
		"k8s/web.yaml": deployment("web", "shop", `["bundle", "exec", "puma", "-w", "4", "-t", "8:8"]`,
			`[{name: RAILS_ENV, value: production}, {name: RAILS_MAX_THREADS, value: "8"}]`),
		"k8s/sidekiq.yaml": deployment("sidekiq", "shop", `["bundle", "exec", "sidekiq", "-c", "10"]`,
			`[{name: RAILS_ENV, value: production}, {name: RAILS_MAX_THREADS, value: "10"}]`),

		"services/blog/settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': 'db', 'NAME': 'blog'}}\n",
		"k8s/blog.yaml":             deployment("blog-web", "blog", `["gunicorn", "-w", "3", "--threads", "4", "blog.wsgi"]`, `[]`),
		"k8s/tasks.yaml":            deployment("blog-tasks", "blog", `["celery", "-A", "blog", "worker", "-c", "8"]`, `[]`),
	}
	f, err := discover.Walk(context.Background(), sysroottest.Root(t, files), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range system.Services(f, system.Options{}) {
		n, _, unk := s.PerInstance()
		var pools []string
		for _, p := range s.Pools {
			pools = append(pools, fmt.Sprintf("%s %d×%d (%s)", p.Ecosystem, p.Max.V, p.Processes.V, p.Processes.Origin))
		}
		got = append(got, fmt.Sprintf("%s: %d per instance, unknown=%v: %s", s.Name, n, unk, strings.Join(pools, "; ")))
	}
	want := []string{
		"blog-web: 12 per instance, unknown=false: django 1×12 (k8s/blog.yaml:11:57 (3 (k8s/blog.yaml:11:39) × 4 (k8s/blog.yaml:11:57)))",
		"sidekiq: 10 per instance, unknown=false: rails 10×1 (one Sidekiq process; its threads share the pools)",
		"blog-tasks: 8 per instance, unknown=false: django 1×8 (k8s/tasks.yaml:11:61)",
		"web: 32 per instance, unknown=false: rails 8×4 (k8s/web.yaml:11:53)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}
