package spring

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/conncap/conncap/inputs/apps"
	"github.com/conncap/conncap/inputs/apps/dburl"
	"github.com/conncap/conncap/inputs/source"
)

// cfile is a config data file as Pools reads it.
type cfile struct {
	f       *File
	name    string // config name
	profile string // "" for a file without a profile
	ext     int    // order in one location: .yaml < .yml < .properties (later wins)
}

// cdoc is one document with its activation condition.
type cdoc struct {
	cf       *cfile
	doc      Doc
	src      *mapSource
	cond     profileExpr // nil: no on-profile condition
	condText string
	condPos  source.Pos
	legacy   bool   // the condition is the pre-2.4 spring.profiles key
	cloud    string // spring.config.activate.on-cloud-platform, lower-cased
}

func extRank(p string) int {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml":
		return 0
	case ".yml":
		return 1
	}
	return 2
}

// Pools returns the pool one Spring Boot process opens (at most one: the
// auto-configured spring.datasource), given the application's config data
// files and its environment.
//
// Files are loaded in Spring Boot 2.4+'s order: the classpath group
// (classpath:/ then classpath:/config/) and then the file group (./,
// ./config/, ./config/*/); within a group the files without a profile come
// first, then each active profile's files; within one location .yaml <
// .yml < .properties; within a file later documents win. Documents with
// spring.config.activate.on-profile (or the legacy spring.profiles) count
// only when their profile expression matches. Active profiles come from
// spring.profiles.active (SPRING_PROFILES_ACTIVE), after
// spring.profiles.include, expanded through spring.profiles.group.*;
// without any, the default profile is active. The environment beats the
// files by relaxed binding (SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE,
// SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE), and SPRING_APPLICATION_JSON
// beats the environment. ${NAME:default} placeholders are resolved against
// all of these.
//
// No pool is returned when nothing configures spring.datasource or when
// its URL is for another database. The pool type is HikariCP unless
// spring.datasource.type says otherwise (or only spring.datasource.tomcat.*
// keys are set). Values that bind badly or that HikariCP rejects are
// errors, returned together with the pool.
func Pools(files []*File, env apps.Env) ([]apps.Pool, error) {
	if env == nil {
		env = apps.EnvMap{}
	}
	b := &builder{envSrc: newEnvSource(env), env: env}
	json, jerr, jnote := applicationJSON(env)
	if jerr != nil {
		b.errs = append(b.errs, jerr)
	}
	if jnote != "" {
		b.notes = append(b.notes, jnote)
	}
	b.json = json
	b.load(files)
	b.activate()
	pool := b.datasource()
	b.errs.Sort()
	if pool == nil {
		return nil, b.errs.Err()
	}
	return []apps.Pool{*pool}, b.errs.Err()
}

type builder struct {
	env      apps.Env
	envSrc   *envSource
	json     *mapSource
	files    []*cfile
	names    []string // config names, in Spring's order
	docs     []*cdoc  // every document
	profiles []string // accepted profiles
	loaded   []*cdoc  // active documents, lowest precedence first
	r        *resolver
	notes    []string
	errs     source.ErrorList
}

// load classifies the files and reads each document's condition.
func (b *builder) load(files []*File) {
	plain := map[string]bool{}
	for _, f := range files {
		if f != nil && f.Profile == "" {
			plain[f.Name] = true
		}
	}
	for _, f := range files {
		if f == nil {
			continue
		}
		cf := &cfile{f: f, name: f.Name, profile: f.Profile, ext: extRank(f.Path)}
		if cf.profile == "" {
			// NAME-PROFILE.yml next to NAME.yml is NAME's profile file.
			for i := len(cf.name) - 1; i > 0; i-- {
				if cf.name[i] == '-' && plain[cf.name[:i]] {
					cf.name, cf.profile = cf.name[:i], cf.name[i+1:]
					break
				}
			}
		}
		if f.Location == OtherLocation {
			b.notes = append(b.notes, fmt.Sprintf("%s is not in a default config location; Spring Boot reads it only if spring.config.location or spring.config.import names it", f.Path))
			continue
		}
		b.files = append(b.files, cf)
	}
	var names []string
	for _, cf := range b.files {
		if !slices.Contains(names, cf.name) {
			names = append(names, cf.name)
		}
	}
	slices.Sort(names)
	if slices.Contains(names, "application") {
		for _, n := range names {
			if n != "application" {
				b.notes = append(b.notes, fmt.Sprintf("config files named %q are read only with spring.config.name=%s; ignored", n, n))
			}
		}
		names = []string{"application"}
	} else if len(names) > 0 {
		b.notes = append(b.notes, fmt.Sprintf("no application.* file: assumed spring.config.name=%s", strings.Join(names, ",")))
	}
	b.names = names
	for _, cf := range b.files {
		if !slices.Contains(names, cf.name) {
			continue
		}
		for _, d := range cf.f.Docs {
			b.docs = append(b.docs, b.condition(cf, d))
		}
	}
}

// condition reads a document's activation properties.
func (b *builder) condition(cf *cfile, d Doc) *cdoc {
	cd := &cdoc{cf: cf, doc: d, src: docSource(cf.f, d, cf.profile != "")}
	var exprs []string
	var at source.Pos
	collect := func(key string) bool {
		if v, ok := cd.src.get(key); ok {
			exprs, at = splitList(v.raw), v.pos
			return true
		}
		for i := 0; ; i++ {
			v, ok := cd.src.get(fmt.Sprintf("%s[%d]", key, i))
			if !ok {
				break
			}
			if i == 0 {
				at = v.pos
			}
			exprs = append(exprs, strings.TrimSpace(v.raw))
		}
		return len(exprs) > 0
	}
	if !collect("spring.config.activate.on-profile") && collect("spring.profiles") {
		cd.legacy = true
	}
	if len(exprs) > 0 {
		cd.src.profile = true
		cd.condText, cd.condPos = strings.Join(exprs, ","), at
		x, err := parseProfiles(exprs)
		if err != nil {
			b.errs.Add(at, fmt.Sprintf("%v %q: Spring Boot fails to start", err, cd.condText))
			x = func(func(string) bool) bool { return false }
		}
		cd.cond = x
	}
	if v, ok := cd.src.get("spring.config.activate.on-cloud-platform"); ok {
		cd.cloud = strings.ToLower(strings.TrimSpace(v.raw))
	}
	return cd
}

// ordered returns the documents of the given profile ("" for none) in
// loading order, lowest precedence first, for one location group.
func (b *builder) ordered(group []Location, profile string) []*cdoc {
	var out []*cdoc
	for _, loc := range group {
		for _, name := range b.names {
			var cfs []*cfile
			for _, cf := range b.files {
				if cf.f.Location == loc && cf.name == name && cf.profile == profile {
					cfs = append(cfs, cf)
				}
			}
			slices.SortStableFunc(cfs, func(x, y *cfile) int {
				if x.ext != y.ext {
					return x.ext - y.ext
				}
				return strings.Compare(x.f.Path, y.f.Path)
			})
			for _, cf := range cfs {
				for _, d := range b.docs {
					if d.cf == cf {
						out = append(out, d)
					}
				}
			}
		}
	}
	return out
}

var locationGroups = [][]Location{{ClasspathRoot, ClasspathConfig}, {FileRoot, FileConfig, FileConfigChild}}

// cloudPlatform says which platform Spring Boot would detect from the
// environment (CloudPlatform.isDetected), "" for none.
func (b *builder) cloudPlatform() string {
	has := func(n string) bool { _, ok := b.env.Lookup(n); return ok }
	switch {
	case has("KUBERNETES_SERVICE_HOST") && has("KUBERNETES_SERVICE_PORT"):
		return "kubernetes"
	case has("VCAP_APPLICATION") || has("VCAP_SERVICES"):
		return "cloud_foundry"
	case has("DYNO"):
		return "heroku"
	}
	return ""
}

// activate works out the active profiles and the documents that load.
func (b *builder) activate() {
	// Phase one: what the environment and the unconditioned documents of
	// files without a profile say about profiles.
	var first []*cdoc
	for _, g := range locationGroups {
		for _, d := range b.ordered(g, "") {
			if d.cond == nil && d.cloud == "" {
				first = append(first, d)
			}
		}
	}
	b.r = &resolver{json: b.json, env: b.envSrc, docs: reversed(first)}
	include, incV, hasInc := b.r.getList("spring.profiles.include")
	active, actV, hasAct := b.r.getList("spring.profiles.active")
	groups := map[string][]string{}
	for _, src := range append([]*mapSource{b.json}, reversed(first)...) {
		if src == nil {
			continue
		}
		for _, v := range src.byKey {
			els := elements(v.key)
			if len(els) < 4 || uniform(els[0]) != "spring" || uniform(els[1]) != "profiles" || uniform(els[2]) != "group" {
				continue
			}
			if _, done := groups[els[3]]; !done {
				groups[els[3]], _, _ = b.r.getList("spring.profiles.group." + els[3])
			}
		}
	}
	var accepted []string
	accepted = append(accepted, include...)
	accepted = append(accepted, active...)
	accepted = expandGroups(accepted, groups)
	switch {
	case len(accepted) > 0:
		var from []string
		if hasAct {
			from = append(from, "spring.profiles.active from "+actV.where)
		}
		if hasInc {
			from = append(from, "spring.profiles.include from "+incV.where)
		}
		b.notes = append(b.notes, fmt.Sprintf("active profiles: %s (%s)", strings.Join(accepted, ","), strings.Join(from, "; ")))
	default:
		defaults, defV, hasDef := b.r.getList("spring.profiles.default")
		if !hasDef || len(defaults) == 0 {
			defaults = []string{"default"}
			b.notes = append(b.notes, "no active profile: the default profile is active")
		} else {
			b.notes = append(b.notes, fmt.Sprintf("no active profile: default profiles %s (spring.profiles.default from %s)", strings.Join(defaults, ","), defV.where))
		}
		accepted = expandGroups(defaults, groups)
	}
	if actV.unknown || incV.unknown {
		b.notes = append(b.notes, "the active profiles come from a value not in the inputs; documents for other profiles may apply")
	}
	b.profiles = accepted
	isActive := func(p string) bool { return slices.Contains(accepted, p) }
	platform := b.cloudPlatform()

	// Phase two: every document that loads, in order.
	for _, g := range locationGroups {
		docs := b.ordered(g, "")
		for _, p := range accepted {
			docs = append(docs, b.ordered(g, p)...)
		}
		for _, d := range docs {
			if d.cloud != "" && d.cloud != platform {
				b.notes = append(b.notes, fmt.Sprintf("%s: document for cloud platform %q skipped (platform detected from the environment: %q)", d.doc.Pos, d.cloud, platform))
				continue
			}
			if d.cond != nil && !d.cond(isActive) {
				continue
			}
			if d.legacy {
				b.notes = append(b.notes, fmt.Sprintf("%s: spring.profiles=%s is the pre-2.4 form of spring.config.activate.on-profile (Spring Boot 2.4+ rejects it)", d.condPos, d.condText))
			}
			if d.src.profile {
				for _, k := range []string{"spring.profiles.active", "spring.profiles.include", "spring.profiles.default"} {
					if v, ok := d.src.get(k); ok {
						b.errs.Add(v.pos, fmt.Sprintf("%s is invalid in a profile-specific document or file: Spring Boot fails to start", k))
					}
				}
			}
			if v, ok := d.src.get("spring.config.import"); ok {
				b.notes = append(b.notes, fmt.Sprintf("spring.config.import=%s at %s is not followed", v.raw, v.pos))
			}
			b.loaded = append(b.loaded, d)
		}
	}
	srcs := make([]*mapSource, len(b.loaded))
	for i, d := range b.loaded {
		srcs[len(b.loaded)-1-i] = d.src
	}
	b.r = &resolver{json: b.json, env: b.envSrc, docs: srcs}
}

func reversed(docs []*cdoc) []*mapSource {
	out := make([]*mapSource, len(docs))
	for i, d := range docs {
		out[len(docs)-1-i] = d.src
	}
	return out
}

// num is an integer property after binding.
type num struct {
	key    string
	set    bool // set to a non-empty value
	known  bool // its value is in the inputs
	n      int64
	origin source.Origin
}

// num binds an int (bits 32) or long (bits 64) property.
func (b *builder) num(key string, bits int) num {
	v, ok := b.r.get(key)
	if !ok {
		return num{key: key}
	}
	res, err := b.r.resolve(v)
	b.notes = append(b.notes, res.notes...)
	if err != nil {
		var se *source.Error
		if errors.As(err, &se) {
			b.errs = append(b.errs, se)
		}
		return num{key: key, set: true, origin: res.origin}
	}
	if res.unknown {
		return num{key: key, set: true, origin: res.origin}
	}
	tag := v.tag
	if res.text != v.raw {
		tag = "!!str"
	}
	n, err := springInt(res.text, tag, bits)
	var empty emptyValue
	switch {
	case errors.As(err, &empty):
		return num{key: key}
	case err != nil:
		b.errs.Add(res.origin.Pos, fmt.Sprintf("%s: %v: Spring Boot fails to bind it", key, err))
		return num{key: key, set: true, origin: res.origin}
	}
	return num{key: key, set: true, known: true, n: n, origin: res.origin}
}

// str binds a string property; ok is false when it is unset or unknown.
func (b *builder) str(keys ...string) (string, source.Origin, bool, bool) {
	for _, k := range keys {
		v, ok := b.r.get(k)
		if !ok {
			continue
		}
		res, err := b.r.resolve(v)
		b.notes = append(b.notes, res.notes...)
		if err != nil {
			var se *source.Error
			if errors.As(err, &se) {
				b.errs = append(b.errs, se)
			}
			return "", res.origin, true, false
		}
		if res.unknown {
			return "", res.origin, true, false
		}
		return res.text, res.origin, true, true
	}
	return "", source.Origin{}, false, false
}

// datasource builds the auto-configured DataSource's pool.
func (b *builder) datasource() *apps.Pool {
	if !b.r.hasPrefix("spring.datasource") {
		return nil
	}
	p := &apps.Pool{
		Name:      "spring.datasource",
		Processes: source.Value[int]{V: 1, Origin: source.Named("one JVM per container; Spring Boot opens one pool per DataSource")},
	}
	url, urlOrigin, urlSet, urlKnown := b.str("spring.datasource.hikari.jdbc-url", "spring.datasource.url")
	switch {
	case urlKnown && !dburl.IsMySQL(url):
		return nil // another database's pool: not ours
	case urlKnown:
		if u, err := dburl.ParseURL(url, urlOrigin.Pos); err != nil {
			var se *source.Error
			if errors.As(err, &se) {
				b.errs = append(b.errs, se)
			}
		} else {
			at := source.At(urlOrigin.Pos)
			if u.User != "" {
				p.User = source.Value[string]{V: u.User, Origin: at}
			}
			if u.Host != "" {
				p.Host = source.Value[string]{V: u.Host, Origin: at}
			}
			if u.Database != "" {
				p.Database = source.Value[string]{V: u.Database, Origin: at}
			}
		}
	case urlSet:
		b.notes = append(b.notes, fmt.Sprintf("the JDBC URL is not in the inputs (%s); assumed MySQL", urlOrigin))
	default:
		b.notes = append(b.notes, "spring.datasource.url is not set in the inputs; assumed to be a MySQL URL given at run time")
	}
	if user, origin, _, ok := b.str("spring.datasource.hikari.username", "spring.datasource.username"); ok && user != "" {
		p.User = source.Value[string]{V: user, Origin: source.At(origin.Pos)}
	}

	typ, typOrigin, _, _ := b.str("spring.datasource.type")
	lower := strings.ToLower(typ)
	switch {
	case typ == "" && !b.r.hasPrefix("spring.datasource.hikari") && b.r.hasPrefix("spring.datasource.tomcat"):
		b.notes = append(b.notes, "only spring.datasource.tomcat.* keys are set: assumed the Tomcat JDBC pool is on the classpath instead of HikariCP")
		b.tomcat(p)
	case typ == "" || strings.Contains(lower, "hikari"):
		b.hikari(p)
	case strings.Contains(lower, "tomcat"):
		b.tomcat(p)
	default:
		p.Ecosystem = typ[strings.LastIndexByte(typ, '.')+1:]
		p.Max = source.Value[int]{Origin: source.Origin{Pos: typOrigin.Pos, Note: "spring.datasource.type " + typ + " is not modelled; pool size unknown"}}
		p.MinIdle = source.Value[int]{V: -1, Origin: p.Max.Origin}
	}
	if name, _, _, ok := b.str("spring.datasource.hikari.pool-name"); ok && name != "" && p.Ecosystem == "hikari" {
		p.Name = name
	}
	p.Notes = append(p.Notes, b.notes...)
	return p
}

// HikariCP's defaults (HikariConfig).
const (
	hikariMaxPool     = 10
	hikariMaxLifetime = 30 * time.Minute
	hikariIdleTimeout = 10 * time.Minute
)

// hikari applies HikariCP's setters and validateNumerics (HikariCP 5.1+/6.x).
func (b *builder) hikari(p *apps.Pool) {
	p.Ecosystem = "hikari"
	const prefix = "spring.datasource.hikari."
	maxN := b.num(prefix+"maximum-pool-size", 32)
	minN := b.num(prefix+"minimum-idle", 32)
	life := b.num(prefix+"max-lifetime", 64)
	idle := b.num(prefix+"idle-timeout", 64)

	// The setters reject these before the pool exists.
	if maxN.known && maxN.n < 1 {
		b.errs.Add(maxN.origin.Pos, fmt.Sprintf("%s is %d: HikariCP rejects it (maxPoolSize cannot be less than 1) and the application fails to start", maxN.key, maxN.n))
	}
	if minN.known && minN.n < 0 {
		b.errs.Add(minN.origin.Pos, fmt.Sprintf("%s is %d: HikariCP rejects it (minimumIdle cannot be negative) and the application fails to start", minN.key, minN.n))
	}
	if idle.known && idle.n < 0 {
		b.errs.Add(idle.origin.Pos, fmt.Sprintf("%s is %d: HikariCP rejects it (idleTimeout cannot be negative) and the application fails to start", idle.key, idle.n))
	}

	// maximumPoolSize: unset (or below 1) becomes 10.
	maxV := int64(hikariMaxPool)
	switch {
	case !maxN.set:
		p.Max = source.Value[int]{V: hikariMaxPool, Origin: source.Named("HikariCP default maximumPoolSize 10")}
		if minN.known && minN.n > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("minimum-idle %d without maximum-pool-size: current HikariCP sizes the pool at 10; older releases (3.x) sized it at minimumIdle", minN.n))
		}
	case !maxN.known:
		p.Declared = true
		p.Max = source.Value[int]{Origin: maxN.origin}
	case maxN.n < 1:
		p.Declared = true
		p.Max = source.Value[int]{V: hikariMaxPool, Origin: source.Origin{Pos: maxN.origin.Pos, Note: fmt.Sprintf("%d is below 1; HikariCP rejects it", maxN.n)}}
	default:
		maxV = maxN.n
		p.Declared = true
		p.Max = source.Value[int]{V: int(maxN.n), Origin: maxN.origin}
	}
	maxKnown := !maxN.set || maxN.known

	// minimumIdle: unset, negative or above the maximum becomes the maximum.
	minV := maxV
	minKnown := maxKnown
	switch {
	case !minN.set || minN.known && minN.n < 0:
		note := "minimumIdle not set: HikariCP keeps maximumPoolSize connections open (fixed-size pool)"
		if p.Max.Origin.Pos.IsValid() {
			p.MinIdle = source.Value[int]{V: p.Max.V, Origin: source.Origin{Pos: p.Max.Origin.Pos, Note: note}}
		} else {
			p.MinIdle = source.Value[int]{V: p.Max.V, Origin: source.Named("HikariCP default: " + note)}
		}
	case !minN.known:
		minKnown = false
		p.MinIdle = source.Value[int]{Origin: minN.origin}
	case maxKnown && minN.n > maxV:
		p.MinIdle = source.Value[int]{V: int(maxV), Origin: source.Origin{Pos: minN.origin.Pos,
			Note: fmt.Sprintf("minimumIdle %d is above maximumPoolSize %d: HikariCP uses %d", minN.n, maxV, maxV)}}
	default:
		minV = minN.n
		p.MinIdle = source.Value[int]{V: int(minN.n), Origin: minN.origin}
	}

	// maxLifetime: non-zero below 30 s becomes 30 min; 0 is forever.
	lifeV := int64(hikariMaxLifetime / time.Millisecond)
	switch {
	case !life.set:
		p.MaxLifetime = apps.Duration{V: hikariMaxLifetime, Origin: source.Named("HikariCP default maxLifetime 30 min"), Known: true}
	case !life.known:
		p.MaxLifetime = apps.Duration{Origin: life.origin}
	case life.n != 0 && life.n < 30000:
		p.MaxLifetime = apps.Duration{V: hikariMaxLifetime, Known: true, Origin: source.Origin{Pos: life.origin.Pos,
			Note: fmt.Sprintf("maxLifetime %d ms is below HikariCP's 30 s floor: reset to 30 min", life.n)}}
	case life.n == 0:
		lifeV = 0
		p.MaxLifetime = apps.Duration{Known: true, Origin: source.Origin{Pos: life.origin.Pos, Note: "0: connections are never retired"}}
	default:
		lifeV = life.n
		p.MaxLifetime = apps.Duration{V: time.Duration(life.n) * time.Millisecond, Origin: life.origin, Known: true}
	}

	// idleTimeout: only a pool that may shrink (minimumIdle < maximumPoolSize) retires idle connections.
	switch {
	case minKnown && maxKnown && minV >= maxV:
		o := source.Origin{Note: "idleTimeout has no effect: minimumIdle equals maximumPoolSize (fixed-size pool), so idle connections stay open"}
		if idle.set {
			o.Pos = idle.origin.Pos
		}
		p.IdleTimeout = apps.Duration{Origin: o, Known: true}
	case idle.set && !idle.known:
		p.IdleTimeout = apps.Duration{Origin: idle.origin}
	default:
		v, o := int64(hikariIdleTimeout/time.Millisecond), source.Named("HikariCP default idleTimeout 10 min")
		if idle.set {
			v, o = idle.n, idle.origin
		}
		switch {
		case v+1000 > lifeV && lifeV > 0:
			o = source.Origin{Pos: o.Pos, Note: fmt.Sprintf("idleTimeout %d ms is within 1 s of maxLifetime %d ms: HikariCP disables it", v, lifeV)}
			v = 0
		case v != 0 && v < 10000:
			o = source.Origin{Pos: o.Pos, Note: fmt.Sprintf("idleTimeout %d ms is below HikariCP's 10 s floor: reset to 10 min", v)}
			v = int64(hikariIdleTimeout / time.Millisecond)
		}
		p.IdleTimeout = apps.Duration{V: time.Duration(v) * time.Millisecond, Origin: o, Known: true}
	}
}

// tomcat applies the Tomcat JDBC pool's defaults (PoolProperties) and
// ConnectionPool.checkPoolConfiguration.
func (b *builder) tomcat(p *apps.Pool) {
	p.Ecosystem = "tomcat-jdbc"
	const prefix = "spring.datasource.tomcat."
	maxN := b.num(prefix+"max-active", 32)
	minN := b.num(prefix+"min-idle", 32)
	age := b.num(prefix+"max-age", 64)
	evict := b.num(prefix+"min-evictable-idle-time-millis", 32)

	maxV := int64(100)
	switch {
	case !maxN.set:
		p.Max = source.Value[int]{V: 100, Origin: source.Named("Tomcat JDBC default maxActive 100")}
	case !maxN.known:
		p.Declared = true
		p.Max = source.Value[int]{Origin: maxN.origin}
	case maxN.n < 1:
		p.Declared = true
		p.Max = source.Value[int]{V: 100, Origin: source.Origin{Pos: maxN.origin.Pos, Note: fmt.Sprintf("maxActive %d is smaller than 1: the pool uses 100", maxN.n)}}
	default:
		maxV = maxN.n
		p.Declared = true
		p.Max = source.Value[int]{V: int(maxN.n), Origin: maxN.origin}
	}
	switch {
	case !minN.set:
		p.MinIdle = source.Value[int]{V: int(min(10, maxV)), Origin: source.Named("Tomcat JDBC default minIdle = initialSize 10")}
	case !minN.known:
		p.MinIdle = source.Value[int]{Origin: minN.origin}
	case minN.n > maxV:
		p.MinIdle = source.Value[int]{V: int(maxV), Origin: source.Origin{Pos: minN.origin.Pos, Note: fmt.Sprintf("minIdle %d is larger than maxActive: the pool uses %d", minN.n, maxV)}}
	default:
		p.MinIdle = source.Value[int]{V: int(minN.n), Origin: minN.origin}
	}
	switch {
	case !age.set:
		p.MaxLifetime = apps.Duration{Origin: source.Named("Tomcat JDBC default maxAge 0 (connections are never retired)"), Known: true}
	case !age.known:
		p.MaxLifetime = apps.Duration{Origin: age.origin}
	default:
		p.MaxLifetime = apps.Duration{V: time.Duration(max(age.n, 0)) * time.Millisecond, Origin: age.origin, Known: true}
	}
	switch {
	case !evict.set:
		p.IdleTimeout = apps.Duration{V: time.Minute, Origin: source.Named("Tomcat JDBC default minEvictableIdleTimeMillis 60000"), Known: true}
	case !evict.known:
		p.IdleTimeout = apps.Duration{Origin: evict.origin}
	default:
		p.IdleTimeout = apps.Duration{V: time.Duration(max(evict.n, 0)) * time.Millisecond, Origin: evict.origin, Known: true}
	}
}
