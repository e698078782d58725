package dev.trustctl.wire;

import dev.trustctl.display.WireDump;
import dev.trustctl.proto.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace's formatting: headers, payload dumps (whole or cut to both ends) and call sizes. */
class WireDumpTest {
    @Test
    void aHeaderShowsItsFourBytesAndTheLengthTheyEncode() {
        ByteBuffer frame = FrameCodec.encode("hello framed".getBytes(StandardCharsets.US_ASCII));
        assertThat(WireDump.header(frame, 0)).isEqualTo("header 00 00 00 0c = length 12");
        ByteBuffer big = ByteBuffer.allocate(4).putInt(0, 0xffffffff);
        assertThat(WireDump.header(big, 0)).isEqualTo("header ff ff ff ff = length 4294967295");
        assertThat(frame.position()).as("nothing moves").isZero();
    }

    @Test
    void aSmallPayloadIsShownWholeAsHexAndAscii() {
        ByteBuffer frame = FrameCodec.encode("hello framed\n\u0001".getBytes(StandardCharsets.US_ASCII));
        assertThat(WireDump.payload(frame, 4, 14)).containsExactly("payload 14 bytes",
                "  0000  68 65 6c 6c 6f 20 66 72 61 6d 65 64 0a 01        |hello framed..|");
    }

    @Test
    void anEmptyPayloadHasOnlyItsSizeLine() {
        assertThat(WireDump.payload(ByteBuffer.allocate(4), 4, 0)).containsExactly("payload 0 bytes");
    }

    @Test
    void aLargePayloadShowsTheFirstAndLast32BytesAndHowManyWereLeftOut() {
        byte[] payload = new byte[65536];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        List<String> lines = WireDump.payload(FrameCodec.encode(payload), 4, payload.length);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("payload 65536 bytes");
        assertThat(lines.get(1)).isEqualTo("  0000  61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|");
        assertThat(lines.get(3)).isEqualTo("  ...   65472 bytes left out");
        assertThat(lines.get(4)).startsWith("  ffe0  6b 6c");
        assertThat(lines.get(5)).isEqualTo("  fff0  61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|");
    }

    @Test
    void exactlyTwoEdgesIsStillShownWhole() {
        List<String> lines = WireDump.payload(ByteBuffer.allocate(4 + 64), 4, 64);
        assertThat(lines).hasSize(5).noneMatch(l -> l.contains("left out"));
        assertThat(WireDump.payload(ByteBuffer.allocate(4 + 65), 4, 65)).anyMatch(l -> l.equals("  ...   1 bytes left out"));
    }

    @Test
    void aCallSaysWhatItWasOfferedAndWhatItMoved() {
        assertThat(WireDump.call("read", 65536, 21845)).isEqualTo("read 21845 of 65536 bytes");
        assertThat(WireDump.call("read", 4, -1)).isEqualTo("read EOF of 4 bytes");
        assertThat(WireDump.call("write", 1, 1)).isEqualTo("write 1 of 1 byte");
        assertThat(WireDump.failedCall("write", 16, new IOException("Broken pipe")))
                .isEqualTo("write of 16 bytes failed: Broken pipe (IOException)");
    }
}
