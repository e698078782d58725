package dev.trustctl.log;

import java.util.Map;

/** Appends JSON literals to a StringBuilder: just what a flat log line needs, nothing more. */
public final class Json {
    private static final String HEX = "0123456789abcdef";

    private Json() {
    }

    /** Appends {@code value} as a JSON string, escaping quotes, backslashes and every control character. */
    public static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // U+2028/2029 are legal JSON but end a line in JavaScript; escape them with the controls.
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX.charAt(c >> 12 & 0xf)).append(HEX.charAt(c >> 8 & 0xf))
                                .append(HEX.charAt(c >> 4 & 0xf)).append(HEX.charAt(c & 0xf));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** One flat JSON object of these fields, in their order. */
    public static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            appendString(out, key);
            out.append(':');
            appendValue(out, value);
        });
        return out.append('}').toString();
    }

    /** Appends any value: numbers and booleans bare, null as null, everything else as a string. */
    public static void appendValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f)) {
            out.append(value);
        } else {
            appendString(out, value.toString());
        }
    }
}
