package dev.trustctl.display;

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
        return a.isUnresolved() ? of(a.getHostString(), a.getPort()) : of(a.getAddress(), a.getPort());
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
            return of(InetAddress.getByName(bare), port); // a literal: parsed, no DNS
        } catch (UnknownHostException | SecurityException e) {
            return "[" + bare + "]:" + port;
        }
    }

    /**
     * Dotted IPv4, or bracketed IPv6 in the RFC 5952 short form with its zone ({@code [fe80::1%eth0]}): lower-case
     * hex without leading zeros (Java's long form already is), the longest run of 2+ zero groups (the first of
     * equals) as {@code ::}.
     */
    private static String of(InetAddress address, int port) {
        String full = address.getHostAddress(); // 0:0:0:0:0:0:0:1, with %zone when it has one
        if (full.indexOf(':') < 0) {
            return full + ":" + port; // IPv4
        }
        int zone = full.indexOf('%');
        // Between added colons every group is whole: ":0:0:" is two zero groups, never the end of ":10:0:".
        String s = ":" + (zone < 0 ? full : full.substring(0, zone)) + ":";
        for (int n = 8; n >= 2; n--) { // the longest run first; indexOf finds the first of equals
            int at = s.indexOf(":0".repeat(n) + ":");
            if (at >= 0) {
                s = s.substring(0, at) + "::" + s.substring(at + 2 * n + 1);
                break;
            }
        }
        s = s.substring(s.startsWith("::") ? 0 : 1, s.length() - (s.endsWith("::") ? 0 : 1)); // the added colons go
        return "[" + s + (zone < 0 ? "" : full.substring(zone)) + "]:" + port;
    }
}
