package dev.trustctl.proto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.ProtocolHarness.Result;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the length-prefixed framing ({@link FramedProtocol}, with an echo that takes raw text), checked
 * by jqwik over generated streams and splits, through {@link ProtocolHarness} only: framing does not depend on how
 * the network cut the bytes, an oversize header is refused from its four bytes alone, and the first byte alone
 * decides raw or framed.
 */
class FramedProtocolPropertiesTest {
    @Provide
    Arbitrary<List<byte[]>> payloads() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 300)),
                Tuple.of(1, Arbitraries.of(0, 1, 4095, 4096, 65535, 65536)),
                Tuple.of(1, Arbitraries.integers().between(0, FrameCodec.MAX_PAYLOAD_BYTES)));
        return size.map(FramedProtocolPropertiesTest::payload).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(20);
    }

    @Property(tries = 1000)
    void anySplitOfAValidStreamYieldsTheSameFrames(@ForAll("payloads") List<byte[]> payloads,
            @ForAll("cuts") List<Integer> cuts) {
        byte[] stream = frames(payloads);
        List<Integer> offsets = cuts.stream().map(c -> stream.length == 0 ? 0 : c % (stream.length + 1)).toList();

        Result whole = ProtocolHarness.decode(List.of(stream));
        Result split = ProtocolHarness.decode(ProtocolHarness.split(stream, offsets));

        assertThat(split.messages()).hasSameSizeAs(payloads);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(split.messages().get(i)).isEqualTo(frame(payloads.get(i)));
            assertThat(split.messages().get(i)).isEqualTo(whole.messages().get(i));
        }
        assertThat(split.rejected()).isFalse();
        assertThat(split.truncated()).as("a whole stream ends at a frame boundary").isNull();
    }

    @Property(tries = 1000)
    void anyCutShortOfTheEndIsATruncationAtEndOfStream(@ForAll("payloads") List<byte[]> payloads,
            @ForAll @IntRange(min = 1, max = 65540) int missing) {
        byte[] stream = frames(payloads);
        if (stream.length == 0) {
            return;
        }
        int keep = stream.length - 1 - (missing - 1) % stream.length;
        byte[] cut = Arrays.copyOf(stream, keep);
        Result result = ProtocolHarness.decode(List.of(cut));
        int whole = 0;
        int at = 0;
        for (byte[] p : payloads) {
            if (at + 4 + p.length > keep) {
                break;
            }
            at += 4 + p.length;
            whole++;
        }
        assertThat(result.messages()).hasSize(whole);
        assertThat(result.truncated() != null).as("%d of %d bytes", keep, stream.length).isEqualTo(keep > at);
    }

    /**
     * Every length past the limit is refused as soon as its four header bytes are in, however they arrive and
     * after however many valid frames: the decoder never waits for (so no engine ever makes room for) its payload.
     */
    @Property(tries = 1000)
    void aHeaderOverTheLimitIsRejectedFromTheHeaderAlone(@ForAll("payloads") List<byte[]> before,
            @ForAll("oversize") long length, @ForAll @IntRange(min = 0, max = 4) int cut) {
        byte[] header = ByteBuffer.allocate(4).putInt((int) length).array();
        if (before.isEmpty() && FrameCodec.startsText(header[0])) {
            header[0] = 0; // that first byte would make the stream raw, not an oversize frame
            length &= 0xffffffL;
            if (length <= FrameCodec.MAX_PAYLOAD_BYTES) {
                return;
            }
        }
        byte[] frames = frames(before);
        List<byte[]> reads = new ArrayList<>();
        reads.add(frames);
        reads.add(Arrays.copyOf(header, cut));
        reads.add(Arrays.copyOfRange(header, cut, 4));

        Result result = ProtocolHarness.decode(reads);

        assertThat(result.rejected()).as("length %d rejected", length).isTrue();
        assertThat(result.rejectedLength()).isEqualTo(length);
        assertThat(result.bytesHeldAtRejection()).as("bytes held when it was refused").isEqualTo(4);
        assertThat(result.messages()).hasSameSizeAs(before);
        assertThat(result.stuck()).isFalse();
    }

    @Provide
    Arbitrary<Long> oversize() {
        return Arbitraries.longs().between(FrameCodec.MAX_PAYLOAD_BYTES + 1L, 0xffffffffL)
                .edgeCases(c -> c.add(FrameCodec.MAX_PAYLOAD_BYTES + 1L));
    }

    /** The mode is fixed by the first byte: whatever follows, and however much of it, it is the same. */
    @Property(tries = 1000)
    void theRawOrFramedDecisionDependsOnTheFirstByteAlone(@ForAll byte first,
            @ForAll @Size(max = 64) List<Byte> rest, @ForAll @Size(max = 64) List<Byte> other) {
        Boolean alone = ProtocolHarness.modeAfter(new byte[] {first});
        assertThat(alone).as("raw after one byte").isEqualTo(FrameCodec.startsText(first));
        assertThat(ProtocolHarness.modeAfter(prefixed(first, rest))).isEqualTo(alone);
        assertThat(ProtocolHarness.modeAfter(prefixed(first, other))).isEqualTo(alone);
    }

    /** Raw mode: however the text is split, every byte comes out once, in order. */
    @Property(tries = 1000)
    void aRawStreamComesOutWholeHoweverItIsSplit(@ForAll @IntRange(min = 0x21, max = 0x7e) int first,
            @ForAll @Size(max = 3000) List<Byte> rest, @ForAll("cuts") List<Integer> cuts) {
        byte[] stream = prefixed((byte) first, rest);
        List<Integer> offsets = cuts.stream().map(c -> c % (stream.length + 1)).toList();
        Result result = ProtocolHarness.decode(ProtocolHarness.split(stream, offsets));
        assertThat(result.raw()).isTrue();
        assertThat(result.concatenated()).isEqualTo(stream);
        assertThat(result.truncated()).isNull();
    }

    private static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + size + (i >> 8));
        }
        return bytes;
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static byte[] frames(List<byte[]> payloads) {
        ByteBuffer all = ByteBuffer.allocate(payloads.stream().mapToInt(p -> 4 + p.length).sum());
        payloads.forEach(p -> all.put(frame(p)));
        return all.array();
    }

    private static byte[] prefixed(byte first, List<Byte> rest) {
        byte[] bytes = new byte[1 + rest.size()];
        bytes[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            bytes[i + 1] = rest.get(i);
        }
        return bytes;
    }
}
