package fetch

import (
	"fmt"
	"net/netip"
)

// Policy decides whether samtal may connect to an address. It returns nil to
// allow it, or an error that says in plain words why not. The client asks it
// about every address it is about to dial, so a host name that resolves to a
// private address and a redirect to one are refused alike.
type Policy func(netip.Addr) error

// blockedRange is an address block samtal does not fetch from by default.
// is finishes the sentence "the address X is …"; from names the kind of
// network in "samtal does not fetch from …".
type blockedRange struct {
	prefix netip.Prefix
	is     string
	from   string
}

// blockedRanges is the table PublicOnly checks, most specific first.
var blockedRanges = []blockedRange{
	{netip.MustParsePrefix("::/128"), "unspecified", "unspecified addresses"},
	{netip.MustParsePrefix("::1/128"), "this machine itself (loopback)", "this machine"},
	{netip.MustParsePrefix("::/96"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified", "unspecified addresses"},
	{netip.MustParsePrefix("127.0.0.0/8"), "this machine itself (loopback)", "this machine"},
	{netip.MustParsePrefix("10.0.0.0/8"), "in a private network", "private networks"},
	{netip.MustParsePrefix("172.16.0.0/12"), "in a private network", "private networks"},
	{netip.MustParsePrefix("192.168.0.0/16"), "in a private network", "private networks"},
	{netip.MustParsePrefix("fc00::/7"), "in a private network", "private networks"},
	{netip.MustParsePrefix("100.64.0.0/10"), "in a carrier-grade NAT network", "private networks"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local", "link-local addresses"},
	{netip.MustParsePrefix("fe80::/10"), "link-local", "link-local addresses"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address", "multicast addresses"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address", "multicast addresses"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("2001:db8::/32"), "a reserved address", "reserved addresses"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a reserved address", "reserved addresses"},
	// Teredo hides an IPv4 address in an obfuscated form; nothing public
	// needs it any more, so refusing it is simpler than decoding it.
	{netip.MustParsePrefix("2001::/32"), "a tunnel address (Teredo)", "tunnel addresses"},
}

// Prefixes whose IPv6 addresses carry an IPv4 address that the network
// translates to: the embedded address is checked as if dialled directly.
var (
	nat64Prefix  = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourNet = netip.MustParsePrefix("2002::/16")
)

// PublicOnly is the default Policy: it refuses loopback, private (RFC 1918,
// fc00::/7), carrier-grade NAT, link-local, unspecified, multicast and
// reserved addresses, also when written as IPv4-mapped, NAT64 or 6to4 IPv6
// addresses. Returns an *Error of kind KindRefused.
func PublicOnly(addr netip.Addr) error {
	shown := addr
	addr = addr.WithZone("").Unmap()
	if b := addr.As16(); nat64Prefix.Contains(addr) {
		addr = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	} else if sixToFourNet.Contains(addr) {
		addr = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	for _, r := range blockedRanges {
		if r.prefix.Contains(addr) {
			return &Error{
				Kind: KindRefused,
				Msg: fmt.Sprintf("the address %s is %s; samtal does not fetch from %s unless allowed",
					shown, r.is, r.from),
			}
		}
	}
	return nil
}
