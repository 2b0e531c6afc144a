package appexpr

import (
	"iter"
	"slices"
)

// Fields is an insertion-ordered map from string keys to values V: the
// properties of a JavaScript object or the string-keyed entries of a
// Python dict. Which keys a language lets in, and how it spells them as
// strings, is the language's business; Fields only keeps them.
//
// A Fields is a value: Set and Merge return a new Fields and never change
// the one they are called on, so a copy of a value holding Fields is
// unaffected by later changes to the original. The zero Fields is empty.
type Fields[V any] struct {
	keys []string
	vals []V
}

// Len returns the number of keys in f.
func (f Fields[V]) Len() int { return len(f.keys) }

// Get returns the value under key, and whether f has key.
func (f Fields[V]) Get(key string) (V, bool) {
	if i := slices.Index(f.keys, key); i >= 0 {
		return f.vals[i], true
	}
	var zero V
	return zero, false
}

// Set returns a copy of f with key set to v. A key f already has keeps
// its place; a new key goes last.
func (f Fields[V]) Set(key string, v V) Fields[V] {
	out := f.clone()
	out.put(key, v)
	return out
}

// Merge returns a copy of f with every entry of g set on top, in g's
// order, as by Set: a spread or unpacking of g into f.
func (f Fields[V]) Merge(g Fields[V]) Fields[V] {
	if g.Len() == 0 {
		return f
	}
	out := f.clone()
	for i, k := range g.keys {
		out.put(k, g.vals[i])
	}
	return out
}

// All yields the keys of f and their values in order.
func (f Fields[V]) All() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		for i, k := range f.keys {
			if !yield(k, f.vals[i]) {
				return
			}
		}
	}
}

// clone returns a copy of f that shares no storage with it.
func (f Fields[V]) clone() Fields[V] {
	return Fields[V]{keys: slices.Clone(f.keys), vals: slices.Clone(f.vals)}
}

// put sets key to v in place; only a fresh clone may be changed so.
func (f *Fields[V]) put(key string, v V) {
	if i := slices.Index(f.keys, key); i >= 0 {
		f.vals[i] = v
		return
	}
	f.keys = append(f.keys, key)
	f.vals = append(f.vals, v)
}
