package dev.trustctl.cli;

/**
 * User input as a message may quote it: cut to {@link #MAX_CHARS} characters (an argument can be a megabyte)
 * and with control characters escaped, so that what reaches a terminal or a log is one readable line.
 */
public final class Shown {
    /** Longer input is cut to this many characters and says how long it was. */
    public static final int MAX_CHARS = 64;

    private Shown() {
    }

    /** Cut, then escaped: what every message quotes of an argument, a flag or a config entry. */
    public static String of(String raw) {
        return escape(cut(raw));
    }

    /** The first {@link #MAX_CHARS} characters and {@code ...(N chars)} when longer; null stays null. */
    public static String cut(String raw) {
        if (raw == null || raw.length() <= MAX_CHARS) {
            return raw;
        }
        int end = Character.isHighSurrogate(raw.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return raw.substring(0, end) + "...(" + raw.length() + " chars)";
    }

    /**
     * C0 and C1 controls and DEL as escapes ({@code \n}, {@code \t}, {@code \r}, {@code \x1b}, {@code \u0085}),
     * so no input moves the cursor, clears the screen or forges a second line; everything else as it is.
     */
    public static String escape(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (char c : raw.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(!isControl(c) ? String.valueOf(c)
                        : c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0);
    }
}
