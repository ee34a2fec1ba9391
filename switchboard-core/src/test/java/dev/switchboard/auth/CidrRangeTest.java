package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrRangeTest {

    private static byte[] ip(String literal) {
        return IpLiteral.parse(literal);
    }

    @Test
    void ipv4RangeContainsItsAddressesOnly() {
        CidrRange r = CidrRange.parse("10.0.0.0/8");
        assertThat(r.contains(ip("10.0.0.1"))).isTrue();
        assertThat(r.contains(ip("10.255.255.255"))).isTrue();
        assertThat(r.contains(ip("11.0.0.0"))).isFalse();
        assertThat(r.contains(ip("9.255.255.255"))).isFalse();
    }

    @Test
    void prefixesThatSplitAByte() {
        CidrRange r = CidrRange.parse("192.168.1.128/25");
        assertThat(r.contains(ip("192.168.1.128"))).isTrue();
        assertThat(r.contains(ip("192.168.1.255"))).isTrue();
        assertThat(r.contains(ip("192.168.1.127"))).isFalse();
        CidrRange odd = CidrRange.parse("172.16.0.0/12");
        assertThat(odd.contains(ip("172.31.255.1"))).isTrue();
        assertThat(odd.contains(ip("172.32.0.1"))).isFalse();
    }

    @Test
    void hostBitsAreClearedAndPrinted() {
        assertThat(CidrRange.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(CidrRange.parse("10.1.2.3/8")).isEqualTo(CidrRange.parse("10.0.0.0/8"));
    }

    @Test
    void singleAddressesAreFullLengthRanges() {
        CidrRange v4 = CidrRange.parse("203.0.113.7");
        assertThat(v4.prefixLength()).isEqualTo(32);
        assertThat(v4.contains(ip("203.0.113.7"))).isTrue();
        assertThat(v4.contains(ip("203.0.113.8"))).isFalse();
        CidrRange v6 = CidrRange.parse("2001:db8::1/128");
        assertThat(v6.contains(ip("2001:db8::1"))).isTrue();
        assertThat(v6.contains(ip("2001:db8::2"))).isFalse();
    }

    @Test
    void ipv6Range() {
        CidrRange r = CidrRange.parse("2001:db8::/32");
        assertThat(r.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(r.contains(ip("2001:db9::1"))).isFalse();
        assertThat(r.contains(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void zeroPrefixMatchesEveryAddressOfItsFamily() {
        assertThat(CidrRange.parse("0.0.0.0/0").contains(ip("255.1.2.3"))).isTrue();
        assertThat(CidrRange.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(CidrRange.parse("::/0").contains(ip("fe80::1"))).isTrue();
    }

    @Test
    void ipv4MappedAddressesCountAsIpv4() throws Exception {
        CidrRange r = CidrRange.parse("10.0.0.0/8");
        assertThat(r.contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(r.contains(ip("::ffff:11.1.2.3"))).isFalse();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 9;
        assertThat(r.contains(mapped)).isTrue();
        CidrRange mappedRange = CidrRange.parse("::ffff:192.168.0.0/112");
        assertThat(mappedRange).hasToString("192.168.0.0/16");
        assertThat(mappedRange.contains(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 5, 5}))).isTrue();
    }

    @Test
    void malformedInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).hasMessageContaining("prefix above /32");
        assertThatThrownBy(() -> CidrRange.parse("2001:db8::/129")).hasMessageContaining("prefix above /128");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> CidrRange.parse("256.0.0.1")).hasMessageContaining("above 255");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/")).hasMessageContaining("prefix must be a number");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/-1")).hasMessageContaining("prefix must be a number");
        assertThatThrownBy(() -> CidrRange.parse("010.0.0.1")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> CidrRange.parse("2001:db8:::1")).hasMessageContaining("not a valid IPv6");
        assertThatThrownBy(() -> CidrRange.parse("fe80::1%eth0")).hasMessageContaining("zone");
        assertThatThrownBy(() -> CidrRange.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> CidrRange.parse("::ffff:10.0.0.0/8")).hasMessageContaining("/96");
    }

    @Test
    void hostnamesAreRefusedWithoutALookup() {
        assertThatThrownBy(() -> CidrRange.parse("localhost")).hasMessageContaining("hostnames are not accepted");
        assertThatThrownBy(() -> CidrRange.parse("example.com/24")).hasMessageContaining("hostnames are not accepted");
        assertThatThrownBy(() -> CidrRange.parse("[::1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrRange.parse(".1::")).hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.1:80")).hasMessageContaining("not a valid IPv6");
    }
}
