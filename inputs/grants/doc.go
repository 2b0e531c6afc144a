// Package grants reads SQL scripts (schema and provisioning scripts,
// docker-entrypoint-initdb.d files, rendered Ansible or Terraform SQL) for the
// account statements that decide per-account connection limits: CREATE USER,
// ALTER USER, GRANT, RENAME USER and DROP USER, in the MySQL 8.x and MariaDB
// 10.6+ grammars. Every fact keeps its position (STYLE.md §3).
//
// # Reading
//
// A script is split into statements the way the mysql/mariadb command-line
// client splits it (that is the program that runs provisioning scripts):
//
//   - the delimiter is ";" until a DELIMITER command changes it; the command
//     is the first word of a line at the start of a statement, its argument
//     the next word (quotes stripped), the rest of the line ignored;
//   - \g and \G also end a statement;
//   - the delimiter is not recognised inside strings, backquoted names and
//     comments, but it is inside /*! … */ (the client scans executable
//     comments as SQL).
//
// Each statement is then read with the server's lexical rules: '…' and "…"
// strings where a doubled quote stands for one and the backslash escapes of
// the default sql_mode apply (\% and \_ keep their backslash), `…` names
// where a doubled backquote stands for one,
// "-- " comments (a blank or control character, or the end of input, after
// the dashes), # comments, /* … */ comments, and executable comments
// /*!NNNNN … */ and /*M!NNNNNN … */ whose content is read as SQL. The
// executable comment around a statement's first keyword is kept in
// Statement.Conditional, since MySQL and MariaDB run different ones (see
// there); Apply replays every statement and notes the difference.
//
// Account names follow the server: 'user'@'host' with any quoting, an
// unquoted user and host (user@host, the host made of letters, digits, '.',
// '_', '$' and non-ASCII characters), a user alone (host '%'), whitespace
// allowed before the '@' but not after it. User names are case-sensitive;
// host names are lowercased, as both servers store them. CURRENT_USER,
// CURRENT_USER() and USER() are kept as references to the session's own
// account (AccountRef.Current).
//
// Statements of other kinds are skipped silently. An account statement the
// reader cannot follow is listed in File.Skipped with a reason; it is never
// an error. Only input the client itself cannot read to its end (an
// unterminated string, name or comment) is an error, a *source.Error.
//
// # Replaying
//
// Apply replays the statements of several files in order and returns the
// accounts that exist at the end with their MAX_USER_CONNECTIONS, as MariaDB
// does (per account: one failing account does not stop the others; MySQL 8
// rolls the whole statement back, which the notes say). MatchAccount picks
// the account a client authenticates as, with the server's account order.
//
// What the reader does not model: sql_mode changes inside a script
// (NO_BACKSLASH_ESCAPES, ANSI_QUOTES), mysql client commands other than
// DELIMITER, \g, \G and \c (SOURCE, USE, …), writes to the grant tables with
// INSERT/UPDATE mysql.user, roles (CREATE ROLE, SET DEFAULT ROLE), and the
// client stopping at the first failing statement when run without --force.
package grants
