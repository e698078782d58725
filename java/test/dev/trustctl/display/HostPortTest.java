package dev.trustctl.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address and port as logs write them: IPv6 in brackets and in its RFC 5952 short form, as ss and URLs do. */
class HostPortTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1               | 80    | 127.0.0.1:80",
        "::1                     | 58490 | [::1]:58490",
        "0:0:0:0:0:0:0:1         | 58490 | [::1]:58490",
        "::                      | 9900  | [::]:9900",
        "0.0.0.0                 | 9900  | 0.0.0.0:9900",
        "2001:DB8:0:0:1:0:0:1    | 1     | [2001:db8::1:0:0:1]:1",
        "2001:db8:0:1:1:1:1:1    | 1     | [2001:db8:0:1:1:1:1:1]:1",
        "fe80:0:0:0:0:0:0:1%1    | 2     | [fe80::1%1]:2",
        "1:0:0:2:0:0:0:3         | 3     | [1:0:0:2::3]:3",
        "1:0:0:0:2:0:0:0         | 3     | [1::2:0:0:0]:3"})
    void aResolvedAddressIsShortAndBracketedWhenIpv6(String literal, int port, String expected)
            throws UnknownHostException {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(literal), port);
        assertThat(HostPort.of(a)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "localhost         | 9900 | localhost:9900",
        "example.org       | 1    | example.org:1",
        "127.0.0.1         | 9900 | 127.0.0.1:9900",
        "::1               | 9900 | [::1]:9900",
        "[::1]             | 9900 | [::1]:9900",
        "0:0:0:0:0:0:0:0   | 9900 | [::]:9900"})
    void aHostAsTypedIsWrittenTheSameWay(String host, int port, String expected) {
        assertThat(HostPort.of(host, port)).isEqualTo(expected);
    }
}
