package dev.trustctl.log;

/**
 * How big the log grows and how much one event name may write. Defaults: roll past 10 MiB, keep 3 rolled
 * files; each event name may write a burst of 2000 lines, then 200 a second, the first 10 lines of each
 * connection drawing on a reserve a flooding connection cannot use up. Each can be set with a Java system
 * property ({@code -Dtrustctl.log.max_bytes=...}, {@code keep}, {@code burst}, {@code per_second},
 * {@code first_per_connection}, e.g. through {@code TRUSTCTL_JAVA_OPTS}); a burst of 0 turns the limit off.
 */
public record LogSettings(long maxFileBytes, int keepFiles, int burst, int perSecond, int firstPerConnection) {
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_KEEP_FILES = 3;
    public static final int DEFAULT_BURST = 2000;
    public static final int DEFAULT_PER_SECOND = 200;
    public static final int DEFAULT_FIRST_PER_CONNECTION = 10;
    private static final String PREFIX = "trustctl.log.";

    public LogSettings {
        if (maxFileBytes < 1024 || keepFiles < 1 || burst < 0 || perSecond < 0 || firstPerConnection < 0) {
            throw new IllegalArgumentException("log settings out of range: " + maxFileBytes + " bytes, keep "
                    + keepFiles + ", burst " + burst + ", " + perSecond + "/s, first " + firstPerConnection);
        }
    }

    public static LogSettings defaults() {
        return new LogSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_KEEP_FILES, DEFAULT_BURST, DEFAULT_PER_SECOND,
                DEFAULT_FIRST_PER_CONNECTION);
    }

    /** The defaults, with whatever {@code trustctl.log.*} system property is set; a bad value keeps its default. */
    public static LogSettings fromSystemProperties() {
        try {
            return new LogSettings(property("max_bytes", DEFAULT_MAX_FILE_BYTES),
                    (int) property("keep", DEFAULT_KEEP_FILES), (int) property("burst", DEFAULT_BURST),
                    (int) property("per_second", DEFAULT_PER_SECOND),
                    (int) property("first_per_connection", DEFAULT_FIRST_PER_CONNECTION));
        } catch (IllegalArgumentException e) {
            return defaults();
        }
    }

    private static long property(String name, long fallback) {
        String value = System.getProperty(PREFIX + name);
        if (value == null) {
            return fallback;
        }
        if (!value.trim().chars().allMatch(c -> c >= '0' && c <= '9' || c == '-' || c == '+')) {
            throw new IllegalArgumentException(name); // Long.parseLong would take any Unicode digit
        }
        long parsed = Long.parseLong(value.trim()); // NumberFormatException is an IllegalArgumentException
        if (parsed > Integer.MAX_VALUE && !name.equals("max_bytes")) {
            throw new IllegalArgumentException(name);
        }
        return parsed;
    }

    boolean limited() {
        return burst > 0;
    }
}
