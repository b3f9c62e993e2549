package fetch

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// Resolver looks up the addresses of a host name. *net.Resolver satisfies
// it; tests pass their own to make a name resolve to any address.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// dialer resolves host names itself and dials only addresses the policy
// allows. Because it connects to the very address it checked, a DNS answer
// cannot change between the check and the connection.
type dialer struct {
	resolver Resolver
	policy   Policy // nil allows every address
	net      net.Dialer
}

func newDialer(resolver Resolver, policy Policy) *dialer {
	d := &dialer{resolver: resolver, policy: policy}
	// Control sees the address the kernel is asked to connect to; checking
	// there too means no code path can dial around the policy.
	d.net.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &Error{Kind: KindRefused, Msg: "samtal could not check the address " + address, Err: err}
		}
		return d.check(ap.Addr())
	}
	return d
}

func (d *dialer) check(addr netip.Addr) error {
	if d.policy == nil {
		return nil
	}
	return d.policy(addr)
}

// DialContext connects to the first allowed address of host. When every
// address is refused it returns the policy's error for the first one.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, err
	}
	addrs, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var refused, failed error
	for _, addr := range addrs {
		if err := d.check(addr); err != nil {
			if refused == nil {
				refused = err
			}
			continue
		}
		conn, err := d.net.DialContext(ctx, network, netip.AddrPortFrom(addr, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		failed = err
	}
	if failed != nil {
		return nil, failed
	}
	return nil, refused
}

func (d *dialer) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if addr, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{addr}, nil
	}
	answers, err := d.resolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	addrs := make([]netip.Addr, 0, len(answers))
	for _, a := range answers {
		addr, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		addrs = append(addrs, addr.Unmap().WithZone(a.Zone))
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs, nil
}
