package dev.trustctl.cli;

import dev.trustctl.server.Io;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Parses and checks user-supplied values (flags and config entries alike), each with its own message:
 * {@code --port must be an integer from 1 to 65535, got 'abc'}; and quotes user input in messages safely.
 */
public final class Values {
    /** Quoted input longer than this is cut, saying how long it was: an argument can be a megabyte. */
    static final int MAX_SHOWN = 64;
    /** The value that leaves a count to the server (its engine's default). */
    static final String AUTO = "auto";

    private Values() {
    }

    public static int port(String name, String raw) throws UsageException {
        return intInRange(name, raw, 1, 65535);
    }

    public static int intInRange(String name, String raw, int min, int max) throws UsageException {
        asciiDigits(name, raw);
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the one message for every bad value
        }
        throw new UsageException(name + " must be an integer from " + min + " to " + max + ", got '" + shown(raw)
                + "'");
    }

    /** Seconds from 0.01 to a day, decimals allowed ({@code 0.5}); precise to the millisecond, rounded up. */
    public static Duration seconds(String name, String raw) throws UsageException {
        // From 10 ms (below that a deadline fires before a round trip) to a day. Not constants: every call quotes
        // its input through this class, and BigDecimal's classes would load at every short call's start.
        BigDecimal min = new BigDecimal("0.01");
        BigDecimal max = BigDecimal.valueOf(86_400);
        asciiDigits(name, raw);
        try {
            BigDecimal seconds = new BigDecimal(raw.strip());
            if (seconds.compareTo(min) >= 0 && seconds.compareTo(max) <= 0) {
                return Duration.ofMillis(seconds.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the one message for every bad value
        }
        throw new UsageException(name + " must be a number of seconds from " + min + " to " + max
                + ", got '" + shown(raw) + "'");
    }

    /**
     * Java's parsers take any Unicode digit ({@code ١٩٦٥٦} is 19656): a number that reads differently to a person,
     * a script or {@code ss} than to trustctl. As every Unix tool does, only ASCII digits are numbers here.
     */
    private static void asciiDigits(String name, String raw) throws UsageException {
        for (int i = 0, c; raw != null && i < raw.length(); i += Character.charCount(c)) {
            c = raw.codePointAt(i);
            if (Character.isDigit(c) && (c < '0' || c > '9')) {
                throw new UsageException(name + " must be written in ASCII digits (0-9), got '" + shown(raw) + "'");
            }
        }
    }

    /** An engine: {@code loop}, {@code threads} or {@code virtual}. */
    static Io io(String name, String raw) throws UsageException {
        Io io = raw == null ? null : Io.parse(raw.strip());
        if (io == null) {
            throw new UsageException(name + " must be loop, threads or virtual, got '" + shown(raw) + "'");
        }
        return io;
    }

    /** A count from 1 to {@code max}, or {@link #AUTO}: then {@code auto}, what the server would choose. */
    static int countOrAuto(String name, String raw, int max, int auto) throws UsageException {
        if (AUTO.equals(raw.strip())) {
            return auto;
        }
        try {
            return intInRange(name, raw, 1, max);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage().replaceFirst(", got", " (or auto), got"));
        }
    }

    /** A host name or IP literal; only checks it is one word of printable text (resolution errors come later). */
    public static String host(String name, String raw) throws UsageException {
        boolean word = raw != null && !raw.isEmpty();
        for (int i = 0; word && i < raw.length(); i++) {
            word = !Character.isWhitespace(raw.charAt(i)) && !Character.isISOControl(raw.charAt(i));
        }
        if (!word) {
            throw new UsageException(name + " must be a host name or IP address, got '" + shown(raw) + "'");
        }
        return raw;
    }

    /** Formats a duration in seconds as the user would type it: {@code 5}, {@code 0.25}. */
    public static String secondsText(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /** User input as a message quotes it: cut to {@link #MAX_SHOWN} characters, control characters escaped. */
    static String shown(String raw) {
        return escape(cut(raw));
    }

    /** The first {@link #MAX_SHOWN} characters and {@code ...(N chars)} when longer; null stays null. */
    static String cut(String raw) {
        if (raw == null || raw.length() <= MAX_SHOWN) {
            return raw;
        }
        int end = Character.isHighSurrogate(raw.charAt(MAX_SHOWN - 1)) ? MAX_SHOWN - 1 : MAX_SHOWN;
        return raw.substring(0, end) + "...(" + raw.length() + " chars)";
    }

    /**
     * C0 and C1 controls and DEL as escapes ({@code \n}, {@code \t}, {@code \r}, {@code \x1b}, {@code \u0085}),
     * so no input moves the cursor, clears the screen or forges a second line; everything else as it is.
     */
    static String escape(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; raw != null && i < raw.length(); i++) {
            char c = raw.charAt(i);
            int named = "\n\t\r".indexOf(c);
            if (named >= 0) {
                out.append('\\').append("ntr".charAt(named));
            } else if (Character.isISOControl(c)) {
                out.append(String.format(c < 0x80 ? "\\x%02x" : "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return raw == null ? null : out.toString();
    }
}
