package dev.trustctl.server;

import dev.trustctl.display.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.LoggerFactory;

/**
 * Says so when the server is about to listen beyond this machine: a wildcard ({@code 0}, {@code 0.0.0.0},
 * {@code ::}) means every interface, any other non-loopback address one network. Allowed (it is a choice), but
 * never silent: one line on stderr and a {@code bind_exposed} event, before the socket listens.
 */
final class Exposure {
    private Exposure() {
    }

    /** The warning for listening on {@code address} (resolved from {@code bind}), or null when it stays local. */
    static String warning(String bind, InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null || a.isLoopbackAddress()) {
            return null;
        }
        String where = HostPort.of(address);
        String what = a.isAnyLocalAddress()
                ? "every interface (" + where + "): any host that can reach this machine"
                : where + ", not loopback: any host that can reach that address";
        return "warning: bind " + bind + " listens on " + what + " can connect and be echoed;"
                + " bind " + ServerSettings.DEFAULT_BIND + " (the default) keeps it to this machine";
    }

    static void warnIfExposed(String bind, InetSocketAddress address) {
        String warning = warning(bind, address);
        if (warning != null) {
            LoggerFactory.getLogger("echo").atWarn().setMessage("bind_exposed").addKeyValue("bind", bind)
                    .addKeyValue("address", HostPort.of(address))
                    .addKeyValue("scope", address.getAddress().isAnyLocalAddress() ? "all_interfaces" : "network")
                    .log();
            System.err.println(warning);
        }
    }
}
