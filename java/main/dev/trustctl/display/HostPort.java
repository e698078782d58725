package dev.trustctl.display;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * An address and port as every log line and message writes them: {@code 127.0.0.1:9900}, {@code [::1]:58490}
 * (brackets, the RFC 5952 short form, as URLs and {@code ss} write it), {@code example.org:9900}. Java's own
 * {@code 0:0:0:0:0:0:0:1:58490} cannot be split into address and port.
 */
public final class HostPort {
    private HostPort() {
    }

    /** A peer or a local end as the socket reports it. */
    public static String of(InetSocketAddress a) {
        if (a.isUnresolved() || a.getAddress() == null) {
            return of(a.getHostString(), a.getPort());
        }
        return withPort(address(a.getAddress()), a.getPort());
    }

    /**
     * A host as the user gave it (a name, an IPv4 or IPv6 literal, bracketed or not) and a port. Only a literal is
     * rewritten (shortened): a name is never looked up here.
     */
    public static String of(String host, int port) {
        String bare = host.length() > 1 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        if (bare.indexOf(':') < 0) {
            return host + ":" + port; // a name or an IPv4 literal
        }
        try {
            return withPort(address(InetAddress.getByName(bare)), port); // a literal: parsed, no DNS
        } catch (UnknownHostException | SecurityException e) {
            return "[" + bare + "]:" + port;
        }
    }

    /** The address alone: dotted IPv4, or IPv6 in its short form with its zone ({@code fe80::1%eth0}). */
    public static String address(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        String full = v6.getHostAddress(); // 0:0:0:0:0:0:0:1, with %zone when it has one
        int zone = full.indexOf('%');
        return shortForm(v6.getAddress()) + (zone < 0 ? "" : full.substring(zone));
    }

    private static String withPort(String address, int port) {
        return address.indexOf(':') < 0 ? address + ":" + port : "[" + address + "]:" + port;
    }

    /** RFC 5952: lower-case hex without leading zeros, the longest run (the first of equals) of 2+ zero groups as ::. */
    static String shortForm(byte[] sixteen) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (sixteen[2 * i] & 0xff) << 8 | (sixteen[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays 0
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
