package fetch

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestPublicOnly(t *testing.T) {
	tests := []struct {
		addr string
		want string // part of the refusal; "" means allowed
	}{
		{"8.8.8.8", ""},
		{"93.184.216.34", ""},
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"10.0.0.5", "the address 10.0.0.5 is in a private network; samtal does not fetch from private networks unless allowed"},
		{"172.16.0.1", "private network"},
		{"172.31.255.255", "private network"},
		{"192.168.1.1", "private network"},
		{"fd12:3456:789a::1", "private network"},
		{"fc00::1", "private network"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "reserved"},
		{"198.18.0.1", "reserved"},
		// The same addresses dressed as IPv6.
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.5", "private network"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:8.8.8.8", ""},
		{"::127.0.0.1", "reserved"},
		{"64:ff9b::10.0.0.5", "private network"},
		{"64:ff9b::8.8.8.8", ""},
		{"2002:7f00:1::1", "loopback"},
		{"2002:0808:0808::1", ""},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	}
	for _, tt := range tests {
		err := PublicOnly(netip.MustParseAddr(tt.addr))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("PublicOnly(%s) = %v, want allowed", tt.addr, err)
		case tt.want != "" && err == nil:
			t.Errorf("PublicOnly(%s) allowed, want refusal with %q", tt.addr, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("PublicOnly(%s) = %q, want it to contain %q", tt.addr, err, tt.want)
		case tt.want != "" && !errors.Is(err, ErrRefused):
			t.Errorf("PublicOnly(%s) is not ErrRefused", tt.addr)
		}
	}
}
