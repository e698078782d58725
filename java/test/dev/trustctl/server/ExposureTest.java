package dev.trustctl.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only loopback is quiet: a wildcard or any other address warns (the process side is in cli/BindExposureTest). */
class ExposureTest {
    private static InetSocketAddress at(String literal) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(literal), 9900);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1"})
    void loopbackIsQuiet(String literal) throws UnknownHostException {
        assertThat(Exposure.warning(literal, at(literal))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "192.168.0.7", "2001:db8::5"})
    void anyOtherAddressSaysItIsNotLoopback(String literal) throws UnknownHostException {
        InetSocketAddress a = at(literal);
        assertThat(Exposure.warning(literal, a)).isEqualTo("warning: bind " + literal + " listens on "
                + dev.trustctl.display.HostPort.of(a) + ", not loopback: any host that can reach that address can"
                + " connect and be echoed; bind 127.0.0.1 (the default) keeps it to this machine");
    }
}
