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

    public static LogSettings defaults() {
        return new LogSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_KEEP_FILES, DEFAULT_BURST, DEFAULT_PER_SECOND,
                DEFAULT_FIRST_PER_CONNECTION);
    }

    /** The defaults, with whatever {@code trustctl.log.*} system property is set; a bad value keeps them all. */
    public static LogSettings fromSystemProperties() {
        try {
            return new LogSettings(property("max_bytes", DEFAULT_MAX_FILE_BYTES, 1024, Long.MAX_VALUE),
                    (int) property("keep", DEFAULT_KEEP_FILES, 1, Integer.MAX_VALUE),
                    (int) property("burst", DEFAULT_BURST, 0, Integer.MAX_VALUE),
                    (int) property("per_second", DEFAULT_PER_SECOND, 0, Integer.MAX_VALUE),
                    (int) property("first_per_connection", DEFAULT_FIRST_PER_CONNECTION, 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            return defaults();
        }
    }

    /** From {@code min} to {@code max}, in ASCII digits only: Long.parseLong alone would take any Unicode digit. */
    private static long property(String name, long fallback, long min, long max) {
        String value = System.getProperty("trustctl.log." + name, String.valueOf(fallback)).trim();
        if (!value.matches("[+-]?[0-9]+") || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            throw new IllegalArgumentException(name);
        }
        return Long.parseLong(value);
    }
}
