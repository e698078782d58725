package dev.trustctl.display;

import dev.trustctl.proto.FrameCodec;
import dev.trustctl.wire.Connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How bytes on the wire are shown to a person: a frame header as its 4 bytes in hex with the length they
 * encode, a payload as hex plus ASCII lines of 16 bytes (the first and last {@value #EDGE} of a large one, with
 * how many were left out), and one read or write call with its size. Pure formatting, no I/O: the client's
 * {@link WireTrace} prints these lines, and a server trace can print the same ones.
 */
public final class WireDump {
    /** Bytes shown at each end of a payload too large to show whole. */
    public static final int EDGE = 32;
    private static final int PER_LINE = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private WireDump() {
    }

    /** {@code header 00 00 00 0c = length 12}, from the 4 bytes at {@code offset} (absolute: no position moves). */
    public static String header(ByteBuffer buf, int offset) {
        StringBuilder line = new StringBuilder("header");
        for (int i = 0; i < FrameCodec.HEADER_BYTES; i++) {
            line.append(' ');
            hex(line, buf.get(offset + i));
        }
        return line.append(" = length ").append(Integer.toUnsignedLong(buf.getInt(offset))).toString();
    }

    /**
     * {@code payload 12 bytes}, then its lines: {@code 0000  68 65 6c 6c 6f ...  |hello framed|}. Over
     * 2 x {@value #EDGE} bytes, the first and last {@value #EDGE} are shown and a line between says how many
     * were left out.
     */
    public static List<String> payload(ByteBuffer buf, int offset, int length) {
        List<String> lines = new ArrayList<>();
        lines.add("payload " + length + (length == 1 ? " byte" : " bytes"));
        if (length <= 2 * EDGE) {
            rows(lines, buf, offset, 0, length);
        } else {
            rows(lines, buf, offset, 0, EDGE);
            lines.add("  ...   " + (length - 2 * EDGE) + " bytes left out");
            rows(lines, buf, offset, length - EDGE, length);
        }
        return lines;
    }

    /** {@code read 4 of 4 bytes}: one call, the bytes it was offered or asked for, what it moved (-1: EOF). */
    public static String call(String name, int asked, int moved) {
        return name + " " + (moved < 0 ? "EOF" : String.valueOf(moved)) + " of " + asked + (asked == 1 ? " byte" : " bytes");
    }

    /** {@code read of 4 bytes failed: Connection reset (IOException)}. */
    public static String failedCall(String name, int asked, Throwable e) {
        return name + " of " + asked + (asked == 1 ? " byte" : " bytes") + " failed: "
                + (e.getMessage() == null ? "" : e.getMessage() + " ") + "(" + e.getClass().getSimpleName() + ")";
    }

    private static void rows(List<String> lines, ByteBuffer buf, int offset, int from, int to) {
        for (int row = from; row < to; row += PER_LINE) {
            int end = Math.min(to, row + PER_LINE);
            StringBuilder line = new StringBuilder("  ");
            String at = Integer.toHexString(row);
            line.append("0".repeat(Math.max(0, 4 - at.length()))).append(at).append(' ');
            for (int i = row; i < row + PER_LINE; i++) {
                line.append(' ');
                if (i < end) {
                    hex(line, buf.get(offset + i));
                } else {
                    line.append("  ");
                }
            }
            line.append("  |");
            for (int i = row; i < end; i++) {
                int b = buf.get(offset + i) & 0xff;
                line.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            lines.add(line.append('|').toString());
        }
    }

    private static void hex(StringBuilder line, byte b) {
        line.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
}
