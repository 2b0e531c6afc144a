package dotnet

import (
	"fmt"
	"strings"
)

// option is one key=value pair of an ADO.NET connection string.
type option struct {
	key      string // as written, blanks trimmed
	value    string // unquoted
	keyOff   int    // byte offset of the key in the connection string
	valueOff int    // byte offset of the value (its opening quote when quoted)
}

// formatError is DbConnectionOptions' complaint about a malformed string.
type formatError struct{ index int }

// Error says where the connection string stops conforming.
func (e *formatError) Error() string {
	return fmt.Sprintf("format of the connection string does not conform to specification starting at index %d", e.index)
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

// parseConnString splits a connection string the way
// System.Data.Common.DbConnectionStringBuilder does (non-ODBC rules):
// pairs separated by ';', "==" in a key is a literal '=', values may be
// quoted with " or ' (a doubled quote is a literal one), keys and unquoted
// values are trimmed. A key without '=' is an error.
func parseConnString(s string) ([]option, error) {
	var opts []option
	i := 0
	for i < len(s) {
		for i < len(s) && (isBlank(s[i]) || s[i] == ';') {
			i++
		}
		if i >= len(s) {
			break
		}
		keyStart := i
		var key strings.Builder
		for {
			if i >= len(s) || s[i] == ';' {
				return opts, &formatError{keyStart}
			}
			if s[i] == '=' {
				if i+1 < len(s) && s[i+1] == '=' {
					key.WriteByte('=')
					i += 2
					continue
				}
				break
			}
			key.WriteByte(s[i])
			i++
		}
		k := strings.TrimRight(key.String(), " \t\r\n\f\v")
		if k == "" {
			return opts, &formatError{keyStart}
		}
		i++ // '='
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		valueStart := i
		var value string
		if i < len(s) && (s[i] == '"' || s[i] == '\'') {
			q := s[i]
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return opts, &formatError{keyStart}
				}
				if s[i] == q {
					if i+1 < len(s) && s[i+1] == q {
						b.WriteByte(q)
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			value = b.String()
			for i < len(s) && isBlank(s[i]) {
				i++
			}
			if i < len(s) && s[i] != ';' {
				return opts, &formatError{keyStart}
			}
		} else {
			end := strings.IndexByte(s[i:], ';')
			if end < 0 {
				end = len(s) - i
			}
			value = strings.TrimRight(s[i:i+end], " \t\r\n\f\v")
			i += end
		}
		opts = append(opts, option{key: k, value: value, keyOff: keyStart, valueOff: valueStart})
	}
	return opts, nil
}

// The option names MySqlConnector and MySQL Connector/NET accept, lower-cased
// (lookups are case-insensitive; inner blanks count).
var (
	keysMaxPool  = []string{"maximum pool size", "max pool size", "maximumpoolsize", "maxpoolsize"}
	keysMinPool  = []string{"minimum pool size", "min pool size", "minimumpoolsize", "minpoolsize"}
	keysLifetime = []string{"connection lifetime", "connectionlifetime"}
	keysIdle     = []string{"connection idle timeout", "connectionidletimeout"}
	keysPooling  = []string{"pooling"}
	keysServer   = []string{"server", "host", "data source", "datasource", "address", "addr", "network address"}
	keysPort     = []string{"port"}
	keysUser     = []string{"user id", "userid", "username", "uid", "user name", "user"}
	keysDatabase = []string{"database", "initial catalog"}
)

// options indexes parsed pairs by lower-cased key; the last one wins.
type options map[string]option

func indexOptions(opts []option) options {
	m := options{}
	for _, o := range opts {
		m[strings.ToLower(o.key)] = o
	}
	return m
}

// get returns the last pair whose key is one of the synonyms.
func (m options) get(synonyms []string) (option, bool) {
	var best option
	found := false
	for _, k := range synonyms {
		if o, ok := m[k]; ok && (!found || o.keyOff > best.keyOff) {
			best, found = o, true
		}
	}
	return best, found
}

// Keys and values that mark a connection string for another database or
// service: SQL Server, PostgreSQL (Npgsql), SQLite, Azure storage and
// messaging, Cosmos DB.
var otherDBKeys = []struct{ key, db string }{
	{"trusted_connection", "SQL Server"},
	{"integrated security", "SQL Server"},
	{"multipleactiveresultsets", "SQL Server"},
	{"multiple active result sets", "SQL Server"},
	{"trustservercertificate", "SQL Server"},
	{"applicationintent", "SQL Server"},
	{"application intent", "SQL Server"},
	{"attachdbfilename", "SQL Server"},
	{"initial file name", "SQL Server"},
	{"failover partner", "SQL Server"},
	{"search path", "PostgreSQL"},
	{"include error detail", "PostgreSQL"},
	{"server compatibility mode", "PostgreSQL"},
	{"trust server certificate", "PostgreSQL"},
	{"root certificate", "PostgreSQL"},
	{"defaultendpointsprotocol", "Azure Storage"},
	{"accountname", "Azure Storage"},
	{"accountkey", "Azure Storage"},
	{"sharedaccesskeyname", "Azure Service Bus"},
	{"accountendpoint", "Cosmos DB"},
}

// mysqlOnlyKeys are option names only MySQL connectors accept.
var mysqlOnlyKeys = []string{
	"allowuservariables", "allow user variables", "allowpublickeyretrieval", "allow public key retrieval",
	"convertzerodatetime", "convert zero datetime", "allowzerodatetime", "allow zero datetime",
	"treattinyasboolean", "treat tiny as boolean", "guidformat", "oldguids", "old guids",
	"charset", "character set", "characterset", "useaffectedrows", "use affected rows",
	"connectionidletimeout", "connection idle timeout", "sslca", "ssl-ca",
}

// classify says whether a connection string is for MySQL/MariaDB. other
// names the database it is for when it is clearly not; sure is false when
// nothing in the string or its name decides.
func classify(name, provider string, m options) (mysql bool, other string, sure bool) {
	lname, lprov := strings.ToLower(name), strings.ToLower(provider)
	if strings.Contains(lprov, "mysql") || strings.Contains(lprov, "maria") {
		return true, "", true
	}
	for _, o := range otherDBKeys {
		if _, ok := m[o.key]; ok {
			return false, o.db, true
		}
	}
	if o, ok := m["endpoint"]; ok && strings.HasPrefix(strings.ToLower(o.value), "sb://") {
		return false, "Azure Service Bus", true
	}
	server, hasServer := m.get(keysServer)
	if !hasServer {
		if _, ok := m.get(keysDatabase); !ok {
			return false, "no server or database key: not a database connection string", true
		}
	}
	sv := strings.ToLower(server.value)
	switch {
	case strings.HasSuffix(sv, ".db") || strings.HasSuffix(sv, ".sqlite") || strings.HasSuffix(sv, ".sqlite3") || sv == ":memory:":
		return false, "SQLite", true
	case strings.HasPrefix(sv, "tcp:") || strings.HasPrefix(sv, "(localdb)") || strings.Contains(sv, `\`):
		return false, "SQL Server", true
	}
	if _, p, ok := strings.Cut(sv, ","); ok && isDigits(strings.TrimSpace(p)) {
		return false, "SQL Server (host,port)", true
	}
	if o, ok := m.get(keysPort); ok {
		switch strings.TrimSpace(o.value) {
		case "3306", "3307", "33060":
			return true, "", true
		case "5432":
			return false, "PostgreSQL", true
		case "1433":
			return false, "SQL Server", true
		}
	}
	if _, ok := m.get(mysqlOnlyKeys); ok {
		return true, "", true
	}
	if strings.Contains(lname, "mysql") || strings.Contains(lname, "maria") {
		return true, "", true
	}
	if strings.Contains(lprov, "sqlclient") || strings.Contains(lprov, "npgsql") || strings.Contains(lprov, "sqlite") {
		return false, provider, true
	}
	return true, "", false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
