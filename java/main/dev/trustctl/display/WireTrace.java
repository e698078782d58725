package dev.trustctl.display;

import dev.trustctl.proto.FrameCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A client's {@code --trace}: every frame it sends or receives and every read and write call, on one stream
 * (stderr, so stdout keeps the echoes). {@code >} marks what goes out, {@code <} what comes in. A header shows as
 * its 4 bytes in hex with the length they encode, a payload as hex plus ASCII lines of 16 bytes (the first and
 * last {@value #EDGE} of a large one, with how many were left out). Off unless asked for: a
 * {@link dev.trustctl.wire.Connection} without one does no tracing work at all.
 */
public final class WireTrace {
    /** Bytes shown at each end of a payload too large to show whole. */
    private static final int EDGE = 32;
    private static final int PER_LINE = 16;
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private final PrintStream out;

    public WireTrace(PrintStream out) {
        this.out = out;
    }

    /** The frame about to be written: header and payload, from position 0 of {@code frame}. */
    public void sending(ByteBuffer frame, int number) {
        out.println("> frame " + number + ": " + header(frame));
        dump('>', frame);
    }

    /** The header of the reply, read whole at position 0 of {@code reply}. */
    public void receivedHeader(ByteBuffer reply, int number) {
        out.println("< echo " + number + ": " + header(reply));
    }

    /** The payload of the reply, read whole after its header. */
    public void receivedPayload(ByteBuffer reply) {
        dump('<', reply);
    }

    /** {@code read 5 of 12 bytes}: one call, the bytes it asked for, what it got (-1: EOF). */
    public void read(int asked, int got) {
        out.println("<   read " + (got < 0 ? "EOF" : String.valueOf(got)) + " of " + bytes(asked));
    }

    /** {@code write 16 of 16 bytes}: one call, the bytes it was offered, what it took. */
    public void wrote(int offered, int put) {
        out.println(">   write " + put + " of " + bytes(offered));
    }

    public void failed(String call, int asked, IOException e) {
        out.println((call.equals("read") ? "<   " : ">   ") + call + " of " + bytes(asked) + " failed: "
                + (e.getMessage() == null ? "" : e.getMessage() + " ") + "(" + e.getClass().getSimpleName() + ")");
    }

    /** {@code header 00 00 00 0c = length 12}, from the frame's first 4 bytes (absolute: no position moves). */
    private static String header(ByteBuffer frame) {
        return "header " + HEX.formatHex(copy(frame, 0, FrameCodec.HEADER_BYTES)) + " = length "
                + Integer.toUnsignedLong(frame.getInt(0));
    }

    /**
     * {@code payload 12 bytes}, then its lines: {@code 0000  68 65 6c 6c 6f ...  |hello framed|}. Over
     * 2 x {@value #EDGE} bytes, the first and last {@value #EDGE} are shown and a line between says how many
     * were left out.
     */
    private void dump(char direction, ByteBuffer frame) {
        int length = frame.limit() - FrameCodec.HEADER_BYTES;
        out.println(direction + " payload " + bytes(length));
        boolean whole = length <= 2 * EDGE;
        rows(direction, frame, 0, whole ? length : EDGE);
        if (!whole) {
            out.println(direction + "   ...   " + (length - 2 * EDGE) + " bytes left out");
            rows(direction, frame, length - EDGE, length);
        }
    }

    private void rows(char direction, ByteBuffer frame, int from, int to) {
        for (int row = from; row < to; row += PER_LINE) {
            byte[] bytes = copy(frame, FrameCodec.HEADER_BYTES + row, Math.min(to, row + PER_LINE) - row);
            String ascii = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
            out.printf("%c   %04x  %-47s  |%s|%n", direction, row, HEX.formatHex(bytes), ascii);
        }
    }

    private static byte[] copy(ByteBuffer buf, int at, int n) {
        byte[] bytes = new byte[n];
        buf.get(at, bytes);
        return bytes;
    }

    private static String bytes(int n) {
        return n + (n == 1 ? " byte" : " bytes");
    }
}
