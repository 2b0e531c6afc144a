// Package spring reads the connection pool a Spring Boot application opens
// from its config data files (application.properties, application.yml and
// their profile variants, in Spring Boot's search locations) and the
// process environment (relaxed binding of SPRING_* variables,
// SPRING_APPLICATION_JSON, ${NAME:default} placeholders).
//
// Files are read as Spring Boot reads them: .properties with the state
// machine of OriginTrackedPropertiesLoader (ISO-8859-1, \uXXXX and line
// continuation escapes, #--- and !--- document separators), YAML with
// SnakeYAML's YAML 1.1 scalars (012 is 10, on is true) flattened to dotted
// keys and [i] indices, duplicate keys an error. Property lookup follows
// Spring Boot 2.4+'s config data order and relaxed binding; the pool's
// numbers then go through HikariCP's (or Tomcat JDBC's) own validation, so
// Pool.Max is the size the pool really gets.
package spring

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/conncap/conncap/inputs/source"
)

// Format is a config data file format.
type Format int

// The formats Spring Boot's default property source loaders read.
const (
	Properties Format = iota + 1 // .properties
	YAML                         // .yml, .yaml
)

// Location is one of Spring Boot's default config data search locations.
type Location int

// The default search locations in Spring Boot's order, lowest precedence
// first. The classpath locations form one group and the file locations
// another; the second group overrides the first entirely.
const (
	ClasspathRoot   Location = iota + 1 // classpath:/ (src/main/resources/, BOOT-INF/classes/)
	ClasspathConfig                     // classpath:/config/
	FileRoot                            // file:./
	FileConfig                          // file:./config/
	FileConfigChild                     // file:./config/*/
	OtherLocation                       // not a default location: read only when spring.config.location names it
)

// String names the location as Spring Boot writes it.
func (l Location) String() string {
	switch l {
	case ClasspathRoot:
		return "classpath:/"
	case ClasspathConfig:
		return "classpath:/config/"
	case FileRoot:
		return "file:./"
	case FileConfig:
		return "file:./config/"
	case FileConfigChild:
		return "file:./config/*/"
	case OtherLocation:
		return "other"
	}
	return "unknown"
}

// File is one parsed config data file.
type File struct {
	Path   string // slash-separated, relative to the sysroot
	Format Format // from the extension
	// Name is the config name ("application") and Profile the profile in the
	// file name (application-prod.yml → "prod"; "" for none). For other
	// names (thingsboard.yml) Name is the whole base name; Pools splits
	// NAME-PROFILE when a file named NAME is among the files.
	Name     string
	Profile  string
	Location Location // from the path: src/main/resources/ is classpath:/, ./config/ is file:./config/
	// Docs are the file's documents in order (YAML ---, properties #--- or !---).
	Docs []Doc
}

// Doc is one document of a config data file.
type Doc struct {
	Pos   source.Pos // the document's first line
	Props []Prop     // in file order; for a repeated key the last one counts
}

// Prop is one flattened property.
type Prop struct {
	// Key is the flattened key as written: "spring.datasource.hikari.maximum-pool-size",
	// "spring.profiles.active[0]".
	Key string
	// Value is the value as Spring sees it: escapes decoded, YAML 1.1
	// integers in decimal (0x10 → "16"), booleans "true"/"false", null "".
	Value string
	// Tag is the YAML type of the value ("!!str", "!!int", "!!float",
	// "!!bool", "!!null"); always "!!str" for .properties.
	Tag      string
	KeyPos   source.Pos // the key's first character
	ValuePos source.Pos // the value's first character
}

var (
	reAppName      = regexp.MustCompile(`^application(?:-(.+))?\.(?:properties|ya?ml)$`)
	reYAMLSpring   = regexp.MustCompile(`(?m)^(?:spring:|spring\.datasource)`)
	rePropsSpring  = regexp.MustCompile(`(?m)^[ \t\f]*spring\.datasource\.`)
	reSpringAnyKey = regexp.MustCompile(`(?i)spring`)
)

// formatOf returns the format a file name's extension says.
func formatOf(p string) (Format, bool) {
	switch strings.ToLower(path.Ext(p)) {
	case ".properties":
		return Properties, true
	case ".yml", ".yaml":
		return YAML, true
	}
	return 0, false
}

// skipped reports whether a path is in a test or build-output tree:
// src/test/resources configures test runs, and target/, build/, out/,
// bin/ hold copies of the sources.
func skipped(p string) bool {
	segs := strings.Split(path.Dir(p), "/")
	for i, s := range segs {
		switch s {
		case "target", "build", "out", "bin", "node_modules":
			return true
		case "src":
			if i+1 < len(segs) && segs[i+1] == "test" {
				return true
			}
		}
	}
	return false
}

// Match reports whether a file is a Spring Boot config data file this
// package reads: application[-profile].{properties,yml,yaml} that mentions
// spring, or another .properties/.yml file with spring.datasource keys (an
// application with its own spring.config.name). Files under src/test/ and
// build outputs are not.
func Match(p string, src []byte) bool {
	f, ok := formatOf(p)
	if !ok || skipped(p) {
		return false
	}
	if reAppName.MatchString(path.Base(p)) {
		return reSpringAnyKey.Match(src)
	}
	if f == YAML {
		return reYAMLSpring.Match(src) && bytes.Contains(src, []byte("datasource"))
	}
	return rePropsSpring.Match(src)
}

// locationOf classifies a path among Spring Boot's default search locations.
func locationOf(p string) Location {
	dir := path.Dir(p)
	segs := strings.Split(dir, "/")
	for i := 0; i+1 < len(segs); i++ {
		var rest []string
		switch {
		case i+2 < len(segs) && segs[i] == "src" && segs[i+1] == "main" && segs[i+2] == "resources":
			rest = segs[i+3:]
		case segs[i] == "BOOT-INF" && segs[i+1] == "classes", segs[i] == "WEB-INF" && segs[i+1] == "classes":
			rest = segs[i+2:]
		default:
			continue
		}
		switch {
		case len(rest) == 0:
			return ClasspathRoot
		case len(rest) == 1 && rest[0] == "config":
			return ClasspathConfig
		}
		return OtherLocation
	}
	switch {
	case path.Base(dir) == "config":
		return FileConfig
	case path.Base(path.Dir(dir)) == "config":
		return FileConfigChild
	}
	return FileRoot
}

// Parse reads one config data file. A malformed file is a source.ErrorList
// positioned at the problem (a malformed \uXXXX escape, a YAML syntax error,
// a duplicate YAML key); the documents read before it are returned with it.
func Parse(p string, src []byte) (*File, error) {
	f := &File{Path: p, Location: locationOf(p)}
	format, ok := formatOf(p)
	if !ok {
		format = Properties
	}
	f.Format = format
	base := path.Base(p)
	stem := strings.TrimSuffix(base, path.Ext(base))
	f.Name = stem
	if m := reAppName.FindStringSubmatch(base); m != nil {
		f.Name, f.Profile = "application", m[1]
	}
	var err error
	if format == Properties {
		f.Docs, err = parseProperties(p, src)
	} else {
		f.Docs, err = parseYAML(p, src)
	}
	return f, err
}
