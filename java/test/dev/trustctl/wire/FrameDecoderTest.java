package dev.trustctl.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shared decoder: whole messages found in whatever has arrived, however the bytes were split. */
class FrameDecoderTest {
    private final FrameDecoder decoder = new FrameDecoder();

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    void nothingArrivedIsNoMessageAndDecidesNothing() throws Exception {
        assertThat(decoder.next(bytes())).isZero();
        assertThat(decoder.decided()).isFalse();
    }

    @Test
    void aFrameIsWholeOnlyOnceItsLastByteIsIn() throws Exception {
        int[] frame = {0, 0, 0, 3, 'a', 'b', 'c'};
        for (int have = 1; have < frame.length; have++) {
            assertThat(decoder.next(bytes(Arrays.copyOf(frame, have)))).as("%d bytes", have).isZero();
        }
        assertThat(decoder.next(bytes(frame))).isEqualTo(7);
        assertThat(decoder.isRaw()).isFalse();
    }

    @Test
    void twoFramesInOneReadAreFoundOneAfterTheOther() throws Exception {
        ByteBuffer in = bytes(0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0);
        assertThat(decoder.next(in)).isEqualTo(5);
        in.position(5);
        assertThat(decoder.next(in)).as("the empty frame").isEqualTo(4);
        in.position(9);
        assertThat(decoder.next(in)).as("half a header").isZero();
        assertThat(decoder.truncation(in)).isNotNull().satisfies(t -> {
            assertThat(t.got()).isEqualTo(2);
            assertThat(t.expected()).isEqualTo(4);
        });
    }

    @Test
    void anOversizeLengthIsRejectedFromTheHeaderAlone() {
        assertThatThrownBy(() -> decoder.next(bytes(0, 1, 0, 1))).isInstanceOf(FrameTooLargeException.class);
        assertThatThrownBy(() -> new FrameDecoder().next(bytes(0xff, 0xff, 0xff, 0xff)))
                .isInstanceOf(FrameTooLargeException.class);
    }

    @Test
    void theLargestFrameFitsMaxFrame() throws Exception {
        ByteBuffer in = ByteBuffer.allocate(FrameDecoder.MAX_FRAME).putInt(FrameCodec.MAX_PAYLOAD);
        in.position(FrameDecoder.MAX_FRAME).flip();
        assertThat(decoder.next(in)).isEqualTo(FrameDecoder.MAX_FRAME);
    }

    @Test
    void aFirstByteThatBeginsTextMakesEverythingThatArrivedOneRawMessageForGood() throws Exception {
        assertThat(decoder.next(bytes('h', 'i', '\n'))).isEqualTo(3);
        assertThat(decoder.isRaw()).isTrue();
        assertThat(decoder.next(bytes(0, 0, 0, 9))).as("still raw: a later zero byte is just a byte").isEqualTo(4);
        assertThat(decoder.truncation(bytes('x'))).as("a raw stream has no truncation").isNull();
    }

    @Test
    void aCloseMidPayloadReportsWhatArrivedOfIt() throws Exception {
        ByteBuffer in = bytes(0, 0, 0, 10, 1, 2, 3);
        assertThat(decoder.next(in)).isZero();
        TruncatedFrameException t = decoder.truncation(in);
        assertThat(t.got()).isEqualTo(3);
        assertThat(t.expected()).isEqualTo(10);
        assertThat(decoder.truncation(bytes())).as("at a boundary: a clean end").isNull();
    }
}
