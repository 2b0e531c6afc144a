// Package catalog knows what each supported server accepts as options: the
// flavors and versions conncap models, the option groups each server reads,
// every option name with its kind, default and range, and how the server's
// option parser (my_getopt) interprets a name as written in an option file
// and the value given to it.
//
// The package is pure: the option tables are text files embedded at build
// time (data/), parsed once, and never changed afterwards. Nothing here reads
// the file system or runs a program at run time.
//
// # Where the option tables come from
//
//   - MariaDB (data/mariadb-10.11.txt) is generated from the installed
//     mariadbd 10.11 binary by internal/gen, which only ever runs
//     "mariadbd --no-defaults ... --verbose --help". The same table serves
//     mariadb-10.6 and mariadb-11.4: their exact differences from 10.11 are
//     not known here, so a 10.11-only option is accepted for them too.
//   - MySQL 8.0 and 8.4 (data/mysql-8.0.txt, data/mysql-8.4.txt) cannot be
//     generated here (no MySQL binary runs on this machine). They were built
//     by hand from public sources named in each file's header: the
//     mysqld--help-notwin.result test result (the real --verbose --help output
//     of the server), the InnoDB sysvar table of ha_innodb.cc and the
//     reference manual. When in doubt a name was included: a false "unknown
//     option" is worse than a missed one.
//
// # Modelling choices
//
// Resolve follows my_getopt's handle_options(): the exact name first, then the
// special prefixes skip-, disable-, enable-, maximum-, loose- (and autoset- on
// MariaDB) stripped one at a time, '-' and '_' equivalent everywhere. MySQL
// compares names case-sensitively and has no abbreviations. MariaDB compares
// case-insensitively and accepts a unique prefix of a name; it parses in
// passes (an early pass for max_connections and the performance schema, the
// server's own options, then each plugin's options), and a prefix is matched
// within one pass at a time, which is why "--max=5" silently means
// max_connections there.
//
// ParseValue follows my_getopt's setval(): number suffixes, clamping to the
// range with the server's warning, silent rounding down to the block size,
// booleans, enum and set names, and the flavor differences (an empty or
// negative number is fatal or clamped depending on the server).
package catalog
