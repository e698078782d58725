package dev.trustctl.display;

import dev.trustctl.proto.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The trace's formatting: headers, payload dumps (whole or cut to both ends) and call sizes. */
class WireTraceTest {
    /** What {@code call} prints, line by line. */
    private static List<String> traced(Consumer<WireTrace> call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        call.accept(new WireTrace(new PrintStream(out, true, StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A received frame's payload lines, without their direction mark. */
    private static List<String> payload(ByteBuffer frame) {
        return traced(t -> t.receivedPayload(frame)).stream().map(l -> l.substring(2)).toList();
    }

    @Test
    void aHeaderShowsItsFourBytesAndTheLengthTheyEncode() {
        ByteBuffer frame = FrameCodec.encode("hello framed".getBytes(StandardCharsets.US_ASCII));
        assertThat(traced(t -> t.receivedHeader(frame, 1))).containsExactly("< echo 1: header 00 00 00 0c = length 12");
        ByteBuffer big = ByteBuffer.allocate(4).putInt(0, 0xffffffff);
        assertThat(traced(t -> t.receivedHeader(big, 2)))
                .containsExactly("< echo 2: header ff ff ff ff = length 4294967295");
        assertThat(frame.position()).as("nothing moves").isZero();
    }

    @Test
    void aSmallPayloadIsShownWholeAsHexAndAscii() {
        ByteBuffer frame = FrameCodec.encode("hello framed\n\u0001".getBytes(StandardCharsets.US_ASCII));
        assertThat(payload(frame)).containsExactly("payload 14 bytes",
                "  0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64 0a 01        |hello framed..|");
        assertThat(traced(t -> t.sending(frame, 3))).containsExactly("> frame 3: header 00 00 00 0e = length 14",
                "> payload 14 bytes", ">   0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64 0a 01        |hello framed..|");
    }

    @Test
    void anEmptyPayloadHasOnlyItsSizeLine() {
        assertThat(payload(ByteBuffer.allocate(4))).containsExactly("payload 0 bytes");
    }

    @Test
    void aLargePayloadShowsTheFirstAndLast32BytesAndHowManyWereLeftOut() {
        byte[] payload = new byte[65536];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        List<String> lines = payload(FrameCodec.encode(payload));
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("payload 65536 bytes");
        assertThat(lines.get(1)).isEqualTo("  0000  61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|");
        assertThat(lines.get(3)).isEqualTo("  ...   65472 bytes left out");
        assertThat(lines.get(4)).startsWith("  ffe0  6b 6c");
        assertThat(lines.get(5)).isEqualTo("  fff0  61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|");
    }

    @Test
    void exactlyTwoEdgesIsStillShownWhole() {
        List<String> lines = payload(ByteBuffer.allocate(4 + 64));
        assertThat(lines).hasSize(5).noneMatch(l -> l.contains("left out"));
        assertThat(payload(ByteBuffer.allocate(4 + 65))).anyMatch(l -> l.equals("  ...   1 bytes left out"));
    }

    @Test
    void aCallSaysWhatItWasOfferedAndWhatItMoved() {
        assertThat(traced(t -> t.read(65536, 21845))).containsExactly("<   read 21845 of 65536 bytes");
        assertThat(traced(t -> t.read(4, -1))).containsExactly("<   read EOF of 4 bytes");
        assertThat(traced(t -> t.wrote(1, 1))).containsExactly(">   write 1 of 1 byte");
        assertThat(traced(t -> t.failed("write", 16, new IOException("Broken pipe"))))
                .containsExactly(">   write of 16 bytes failed: Broken pipe (IOException)");
    }
}
