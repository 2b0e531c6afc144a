// Package systemd reads systemd unit files the way the system manager does
// and reports what it finds, with positions; it judges nothing.
//
// Parse reads one file with the syntax of systemd.syntax(7) (sections,
// assignments, comments, continuation lines), keeping every assignment in
// order, the lines systemd warns about and ignores (Warnings), and the
// syntax errors that make systemd stop reading a file (File.Err).
//
// Load finds a unit in the system search path, follows aliases and
// templates, detects masks and applies drop-ins in systemd's order
// (systemd.unit(5) "Unit File Load Path" and "Description" on drop-ins);
// LoadFile does the same for a unit file lying anywhere, with the drop-ins
// beside it; FindServerUnits lists the MySQL and MariaDB server units.
// A Unit answers for single-valued settings (Last), list settings (List,
// where an empty assignment resets), command lines (Exec, with systemd's
// quoting, see ParseExec and SplitCommand) and its environment
// (Environment). LimitNOFILE and DefaultLimitNOFILE give the file
// descriptor limits with systemd's value grammar (ParseLimit,
// systemd.exec(5) "Process Properties", systemd-system.conf(5)).
//
// The rules follow systemd's own code (src/shared/conf-parser.c,
// src/shared/unit-file.c, src/shared/dropin.c, src/basic/rlimit-util.c,
// src/core/load-fragment.c) and were checked against systemd 252 (Debian
// 12) run offline as "systemd --test" in a private mount namespace; the
// package tests repeat that check when they can (see oracle_test.go).
// Where systemd's behaviour differs from a plain reading of the manuals,
// systemd wins:
//
//   - "LimitNOFILE=" with an empty value does not reset the limit: systemd
//     logs "Failed to parse resource value" and keeps the previous one.
//   - A section header without ']' does not just skip a line: the unit
//     fails to load, and the rest of a drop-in is not read.
//   - Values like "010" (octal 8), "0x100" and "0b11" are numbers.
//
// All reads go through a sysroot.Root; paths in results are relative to it
// and slash-separated.
package systemd
