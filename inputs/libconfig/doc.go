// Package libconfig reads the libconfig grammar, the one ProxySQL's
// proxysql.cnf is written in (ProxySQL links libconfig 1.7.x, lately 1.8.1
// patched back to 1.7's string escapes), keeping the position of every
// setting (STYLE.md §3). It reports what libconfig would build, and fails
// where libconfig fails, with libconfig's words ("syntax error", "duplicate
// setting name", "mismatched element type in array", "cannot open include
// file", "include file nesting too deep") followed by a detail.
//
// The model is libconfig 1.7's scanner (lib/scanner.l, flex) and grammar
// (lib/grammar.y, bison). The oracle test runs the libconfig the machine has
// (Debian 12 ships 1.5) on every fixture; the fixtures mark, with a reason,
// each point where 1.5 behaves otherwise.
//
// # Grammar
//
//   - A file is a list of settings, `name = value` or `name : value`, each
//     optionally followed by one ";" or one ",". Names match
//     [A-Za-z*][-A-Za-z0-9_*]* and are case-sensitive; a name may not be set
//     twice in one group (1.7.3's CONFIG_OPTION_ALLOW_OVERRIDES would let the
//     last one win; it is off by default and ProxySQL, which calls
//     Config::readFile with the default options, does not set it). "true"
//     and "false" in any case are booleans, never names, so `true = 1` is a
//     syntax error.
//   - Groups { settings }, arrays [ scalar, ... ] whose elements all have the
//     kind of the first (Int and Int64 are different kinds, so [1, 5000000000]
//     is a "mismatched element type in array"), lists ( value, ... ) of any
//     values. Arrays hold no groups, lists or arrays. After the first element
//     any run of commas is allowed: [1,], (1,,2) and (1,,,) are valid in 1.7
//     (1.5 allowed none).
//   - Integers: decimal with an optional sign; a leading 0 makes them octal
//     (strtoll base 0, since 1.6), so 010 is 8 and 08 is a syntax error; a
//     value outside 32 bits is an Int64 (since 1.6; 1.5 truncated it), one
//     outside 64 bits a syntax error. An L or LL suffix makes an Int64 read
//     as decimal even with a leading 0, pinned to the 64-bit range without an
//     error (atoll). 0x hex values have no sign and are Int, truncated to
//     their low 32 bits (0xFFFFFFFF is -1, 0x100000000 is 0); with an L suffix
//     they are Int64 (pinned to 2^64-1, read as signed). "-0x10" is a syntax
//     error.
//   - Floats: [-+]?digits?.digits?(e[-+]?digits)? or digits with an
//     exponent: 1.0, .5, 5., 1e3. The rule also matches ".", "-." and ".e5",
//     which libconfig reads as 0 (atof). 1e999 is +Inf.
//   - Strings: "…" with the escapes \n \r \t \f \\ \" and \xHH (also \XHH,
//     exactly two hex digits). Any other backslash stays in the string with
//     the character after it: "\d" is backslash-d, "\x4" is backslash-x-4.
//     libconfig 1.8.1 turned \a, \b and \v into control characters; ProxySQL
//     patches that back (deps/libconfig/restore_unknown_escape_passthrough.patch,
//     sysown/proxysql#5766), and this reader keeps them as written, as 1.5
//     and 1.7 do. A \x00 ends the literal's value (libconfig keeps C
//     strings; 1.5 dropped the \x00 instead). Adjacent literals are joined,
//     with comments and newlines between them.
//   - Comments: # and // to the end of the line, /* … */. flex's rule for
//     line comments needs the newline: a # or // comment on the last line of
//     a file without a final newline is a syntax error. A /* comment, or a
//     string, still open at the end of the file is dropped without an error
//     (the parser sees the end of the file where the string would be).
//   - @include "name" must start a line (blanks before it are allowed); it
//     is read by the scanner, not the grammar, so the included text is
//     inlined wherever it lands, even inside a value, and a string or comment
//     left open at the end of an included file goes on in the includer.
//     Includes nest at most 10 deep below the top file. In the name only \\
//     and \" are escapes; any other backslash is dropped (flex echoes it to
//     stdout). The include callback resolves the name: libconfig opens it
//     relative to its include directory, or to the process's working
//     directory when none is set, as in ProxySQL.
//   - Anything else is a syntax error, including a UTF-8 byte order mark and
//     control characters other than tab, CR, LF and FF.
//
// # Positions
//
// Setting.NamePos is the name's first character and Setting.Pos the value's
// first character (the opening quote of the first literal, the bracket of an
// aggregate); columns count runes. libconfig's own config_setting_source_line
// is the name's line for a named setting and the line of the value's token
// for an element, except that a string element gets the line of the token
// after it (bison reads one token ahead to see whether another literal
// follows). Errors point at the start of the offending token, or at the '@'
// of a failing @include, or at the end of the file; libconfig names the line
// where the token ends.
//
// # Limits
//
// Groups, lists and arrays nest at most 1000 deep (libconfig's parser stack
// gives out, with "memory exhausted", at a few thousand). Parse stops at the
// first error, as libconfig does, and never panics.
//
// libconfig 1.8 also reads binary integers (0b101) and changed how hex
// values wider than 32 bits are read; neither is modelled, and 0b101 is a
// syntax error here as in 1.7.
package libconfig
