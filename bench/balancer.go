package bench

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Balancer spreads connections over several Masar instances in turn, as a load balancer in
// front of them does: each connection accepted is joined to the next instance's address and
// the bytes are copied both ways until either side closes. It balances connections, not
// requests (nginx's stream mode; its http mode with keep-alive to the upstreams behaves much
// alike under the benchmark's long-lived connections), which keeps its own cost to two
// copies per byte, so that the figures are the instances' rather than the balancer's.
type Balancer struct {
	ln       net.Listener
	backends []string
	next     atomic.Uint64
	served   []atomic.Int64 // connections handed to each backend

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// StartBalancer listens on a loopback port and hands connections to backends (host:port)
// in turn.
func StartBalancer(backends []string) (*Balancer, error) {
	if len(backends) == 0 {
		return nil, errors.New("bench: a balancer needs at least one backend")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &Balancer{ln: ln, backends: backends, served: make([]atomic.Int64, len(backends)), conns: map[net.Conn]struct{}{}}
	b.wg.Add(1)
	go b.accept()
	return b, nil
}

// Addr is the balancer's host:port.
func (b *Balancer) Addr() string { return b.ln.Addr().String() }

// Served is the number of connections handed to each backend so far, in the order given.
func (b *Balancer) Served() []int64 {
	out := make([]int64, len(b.served))
	for i := range b.served {
		out[i] = b.served[i].Load()
	}
	return out
}

func (b *Balancer) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return // closed
		}
		i := int((b.next.Add(1) - 1) % uint64(len(b.backends)))
		if !b.track(c) {
			_ = c.Close()
			return
		}
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			defer b.untrack(c)
			up, err := net.Dial("tcp", b.backends[i])
			if err != nil {
				return // the client sees its connection closed, as behind a balancer whose upstream is down
			}
			if !b.track(up) {
				_ = up.Close()
				return
			}
			defer b.untrack(up)
			b.served[i].Add(1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, _ = io.Copy(up, c)
				closeWrite(up)
			}()
			_, _ = io.Copy(c, up)
			closeWrite(c)
			<-done
		}()
	}
}

// closeWrite tells the other side that no more bytes come, keeping the connection open for
// what is still on its way back.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	_ = c.Close()
}

// track records an open connection, so that Close can end it; false once closed.
func (b *Balancer) track(c net.Conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.conns[c] = struct{}{}
	return true
}

func (b *Balancer) untrack(c net.Conn) {
	b.mu.Lock()
	delete(b.conns, c)
	b.mu.Unlock()
	_ = c.Close()
}

// Close stops accepting, ends the connections in flight and waits for their copies.
func (b *Balancer) Close() error {
	b.mu.Lock()
	b.closed = true
	for c := range b.conns {
		_ = c.Close()
	}
	b.mu.Unlock()
	err := b.ln.Close()
	b.wg.Wait()
	return err
}
