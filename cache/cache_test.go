package cache

import (
	"testing"
	"time"
)

func TestReadOverlappingAWriteIsNotKept(t *testing.T) {
	m := New[string, int](time.Minute, 10)
	_, ok, snap := m.Get("a")
	if ok {
		t.Fatal("empty cache hit")
	}
	m.Forget("a") // a write commits while the miss is being read
	m.Put("a", 1, snap)
	if _, ok, _ := m.Get("a"); ok {
		t.Fatal("a value read before a write was kept")
	}
	_, _, snap = m.Get("a")
	m.Put("a", 2, snap)
	if v, ok, _ := m.Get("a"); !ok || v != 2 {
		t.Fatalf("got %d %v", v, ok)
	}
	m.Update("a", func(v int) int { return v + 1 })
	if v, _, _ := m.Get("a"); v != 3 {
		t.Fatalf("after update %d", v)
	}
	m.ForgetAll()
	if _, ok, _ := m.Get("a"); ok {
		t.Fatal("kept after ForgetAll")
	}
}

func TestTimeLimitAndSize(t *testing.T) {
	m := New[int, int](20*time.Millisecond, 3)
	for i := 0; i < 3; i++ {
		_, _, snap := m.Get(i)
		m.Put(i, i, snap)
	}
	_, _, snap := m.Get(9)
	m.Put(9, 9, snap) // full: starts afresh
	if _, ok, _ := m.Get(0); ok {
		t.Error("a full cache kept its old entries")
	}
	if _, ok, _ := m.Get(9); !ok {
		t.Error("the new entry was not kept")
	}
	time.Sleep(30 * time.Millisecond)
	if _, ok, _ := m.Get(9); ok {
		t.Error("an entry outlived its time limit")
	}
}
