package dev.trustctl.wire;

import dev.trustctl.proto.FrameCodec;
import dev.trustctl.proto.FrameTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 4-byte big-endian length header: 0..65536 accepted, anything above refused before it sizes a buffer. */
class FrameCodecTest {
    private static ByteBuffer header(int raw) {
        return ByteBuffer.allocate(4).putInt(0, raw);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 4096, 65535, 65536})
    void lengthsUpToTheLimitAreAccepted(int length) throws FrameTooLargeException {
        assertThat(FrameCodec.payloadLength(header(length), 0, FrameCodec.MAX_PAYLOAD_BYTES)).isEqualTo(length);
    }

    @ParameterizedTest
    @ValueSource(longs = {65537L, 0x00FFFFFFL, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL})
    void lengthsAboveTheLimitAreRejectedWithLengthAndMax(long length) {
        FrameTooLargeException e = catchThrowableOfType(FrameTooLargeException.class,
                () -> FrameCodec.payloadLength(header((int) length), 0, FrameCodec.MAX_PAYLOAD_BYTES));
        assertThat(e).isNotNull();
        assertThat(e.fields()).contains(Map.entry("length", length));
        assertThat(e.fields()).contains(Map.entry("max", 65536));
        assertThat(e).hasMessage("frame of " + length + " bytes is over the limit of 65536");
    }

    @Test
    void theLimitCountsThePayloadOnly() {
        assertThat(FrameCodec.MAX_PAYLOAD_BYTES).isEqualTo(65536);
        assertThat(FrameCodec.HEADER_BYTES).isEqualTo(4);
    }

    @Test
    void theHeaderIsBigEndianAndReadAtTheOffsetGivenWithoutMovingThePosition() throws FrameTooLargeException {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {9, 9, 0x00, 0x00, 0x01, 0x02, 9});
        buf.position(1);
        assertThat(FrameCodec.payloadLength(buf, 2, FrameCodec.MAX_PAYLOAD_BYTES)).isEqualTo(0x0102);
        assertThat(buf.position()).isEqualTo(1);
    }

    @Test
    void aSmallerMaxIsHonoured() {
        FrameTooLargeException e = catchThrowableOfType(FrameTooLargeException.class,
                () -> FrameCodec.payloadLength(header(11), 0, 10));
        assertThat(e.fields()).contains(Map.entry("length", 11L));
        assertThat(e.fields()).contains(Map.entry("max", 10));
    }

    @Test
    void theHeaderIsFourBigEndianBytes() {
        ByteBuffer frame = FrameCodec.encode(new byte[0x0102]);
        byte[] header = new byte[4];
        frame.duplicate().get(header);
        assertThat(header).containsExactly(0, 0, 1, 2);
    }

    @Test
    void encodeGivesHeaderThenPayloadReadyToWrite() {
        ByteBuffer frame = FrameCodec.encode("hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(frame.position()).isZero();
        assertThat(frame.remaining()).isEqualTo(6);
        byte[] bytes = new byte[6];
        frame.duplicate().get(bytes);
        assertThat(bytes).containsExactly(0, 0, 0, 2, 'h', 'i');
    }

    @Test
    void anEmptyPayloadIsAFourByteFrameOfZeros() {
        ByteBuffer frame = FrameCodec.encode(new byte[0]);
        assertThat(frame.remaining()).isEqualTo(4);
        assertThat(frame.getInt(0)).isZero();
    }

    @Test
    void theLargestFrameEncodesItsLength() throws FrameTooLargeException {
        ByteBuffer frame = FrameCodec.encode(new byte[65536]);
        assertThat(frame.remaining()).isEqualTo(4 + 65536);
        assertThat(new byte[] {frame.get(0), frame.get(1), frame.get(2), frame.get(3)}).containsExactly(0, 1, 0, 0);
        assertThat(FrameCodec.payloadLength(frame, 0, FrameCodec.MAX_PAYLOAD_BYTES)).isEqualTo(65536);
    }

    @Test
    void aFirstByteThatCanBeginTextMeansRawAndNoOther() {
        for (int b = 0; b < 256; b++) {
            boolean text = b >= 0x09 && b <= 0x0d || b >= 0x20 && b <= 0x7e || b >= 0xc2 && b <= 0xf4;
            assertThat(FrameCodec.startsText((byte) b)).as("first byte 0x%02x", b).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535, 65536})
    void noValidFrameStartsLikeText(int length) {
        assertThat(FrameCodec.startsText(FrameCodec.encode(new byte[length]).get(0))).isFalse();
    }
}
