package appexpr

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// entry is one key and value of a Fields[int], for comparing.
type entry struct {
	K string
	V int
}

// entries lists f in order.
func entries(f Fields[int]) []entry {
	var out []entry
	for k, v := range f.All() {
		out = append(out, entry{k, v})
	}
	return out
}

// fieldsOf sets es in order on an empty Fields.
func fieldsOf(es ...entry) Fields[int] {
	var f Fields[int]
	for _, e := range es {
		f = f.Set(e.K, e.V)
	}
	return f
}

func TestFieldsGet(t *testing.T) {
	f := fieldsOf(entry{"a", 1}, entry{"b", 2}, entry{"a", 3}, entry{"", 4})
	for _, tc := range []struct {
		f      Fields[int]
		key    string
		want   int
		wantOK bool
	}{
		{f, "a", 3, true},
		{f, "b", 2, true},
		{f, "", 4, true},
		{f, "c", 0, false},
		{f, "A", 0, false},
		{Fields[int]{}, "a", 0, false},
	} {
		got, ok := tc.f.Get(tc.key)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%v.Get(%q) = %d, %v; want %d, %v", entries(tc.f), tc.key, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestFieldsSet(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start []entry
		set   entry
		want  []entry
	}{
		{"into the zero Fields", nil, entry{"a", 1}, []entry{{"a", 1}}},
		{"a new key goes last", []entry{{"b", 2}, {"a", 1}}, entry{"c", 3}, []entry{{"b", 2}, {"a", 1}, {"c", 3}}},
		{"a known key keeps its place", []entry{{"a", 1}, {"b", 2}, {"c", 3}}, entry{"a", 9}, []entry{{"a", 9}, {"b", 2}, {"c", 3}}},
		{"the last key", []entry{{"a", 1}, {"b", 2}}, entry{"b", 0}, []entry{{"a", 1}, {"b", 0}}},
		{"the empty key is a key", []entry{{"a", 1}}, entry{"", 5}, []entry{{"a", 1}, {"", 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fieldsOf(tc.start...)
			got := f.Set(tc.set.K, tc.set.V)
			if diff := cmp.Diff(tc.want, entries(got)); diff != "" {
				t.Errorf("Set(%q, %d) mismatch (-want +got):\n%s", tc.set.K, tc.set.V, diff)
			}
			if got.Len() != len(tc.want) {
				t.Errorf("Len() = %d, want %d", got.Len(), len(tc.want))
			}
			if diff := cmp.Diff(tc.start, entries(f)); diff != "" {
				t.Errorf("Set changed its receiver (-before +after):\n%s", diff)
			}
		})
	}
}

func TestFieldsMerge(t *testing.T) {
	for _, tc := range []struct {
		name string
		f, g []entry
		want []entry
	}{
		{"both empty", nil, nil, nil},
		{"into the zero Fields", nil, []entry{{"a", 1}, {"b", 2}}, []entry{{"a", 1}, {"b", 2}}},
		{"nothing to merge", []entry{{"a", 1}}, nil, []entry{{"a", 1}}},
		{"g's keys on top, known keys in place", []entry{{"a", 1}, {"b", 2}, {"c", 3}}, []entry{{"d", 4}, {"b", 20}, {"a", 10}}, []entry{{"a", 10}, {"b", 20}, {"c", 3}, {"d", 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, g := fieldsOf(tc.f...), fieldsOf(tc.g...)
			got := f.Merge(g)
			if diff := cmp.Diff(tc.want, entries(got)); diff != "" {
				t.Errorf("Merge mismatch (-want +got):\n%s", diff)
			}
			// Merge is Set of each of g's entries in turn.
			bySet := f
			for k, v := range g.All() {
				bySet = bySet.Set(k, v)
			}
			if diff := cmp.Diff(entries(bySet), entries(got)); diff != "" {
				t.Errorf("Merge differs from Set in turn (-Set +Merge):\n%s", diff)
			}
			if diff := cmp.Diff(tc.f, entries(f)); diff != "" {
				t.Errorf("Merge changed its receiver (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(tc.g, entries(g)); diff != "" {
				t.Errorf("Merge changed its argument (-before +after):\n%s", diff)
			}
		})
	}
}

// TestFieldsCopies checks that Fields made from one another share
// nothing a later Set or Merge can change.
func TestFieldsCopies(t *testing.T) {
	base := fieldsOf(entry{"a", 1}, entry{"b", 2})
	x := base.Set("c", 3)
	y := base.Set("d", 4)
	z := x.Set("a", 7).Merge(fieldsOf(entry{"b", 8}, entry{"e", 5}))
	copied := x
	_ = copied.Set("c", 30)
	for _, tc := range []struct {
		name string
		f    Fields[int]
		want []entry
	}{
		{"base", base, []entry{{"a", 1}, {"b", 2}}},
		{"x", x, []entry{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"y", y, []entry{{"a", 1}, {"b", 2}, {"d", 4}}},
		{"z", z, []entry{{"a", 7}, {"b", 8}, {"c", 3}, {"e", 5}}},
		{"copied", copied, []entry{{"a", 1}, {"b", 2}, {"c", 3}}},
	} {
		if diff := cmp.Diff(tc.want, entries(tc.f)); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestFieldsAllStops(t *testing.T) {
	f := fieldsOf(entry{"a", 1}, entry{"b", 2}, entry{"c", 3})
	var got []string
	for k := range f.All() {
		got = append(got, k)
		if k == "b" {
			break
		}
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("All with break mismatch (-want +got):\n%s", diff)
	}
}
