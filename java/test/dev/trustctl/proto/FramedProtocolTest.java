package dev.trustctl.proto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.Protocol.Step;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The length-prefixed framing with no socket and no clock: bytes go in as an engine would hand them over, and
 * every step, phase, reply, log event and close reason it gives back is checked. Each transition once: partial
 * header, partial payload, many frames in one read, oversize, raw, end of stream mid-frame, a reply owed while
 * more input waits. Then what the {@link FrameHandler} seam promises: zero or several replies, replies copied
 * before the engine's buffer is reused, the echo's zero copy, a handler's failure closing its connection only
 * (or the server, for a fatal one), and how many bytes the protocol says it needs.
 */
class FramedProtocolTest {
    /** The echo on a framing that takes no raw text: every connection is framed. */
    private static final FrameHandler FRAMED_ECHO = request -> List.of(request);
    /** A reply every message shares: the framing must read it without consuming it. */
    private static final ByteBuffer OK = ByteBuffer.wrap("ok".getBytes(US_ASCII));
    private static final byte[] HTTP_GET = "GET / HTTP/1.1".getBytes(US_ASCII);

    private final RecordingEvents rec = new RecordingEvents();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** The engine's buffer: what arrived so far, as [position, limit). */
    private final ByteBuffer in = buffer();

    private Protocol protocol(FrameHandler handler) {
        return opened(rec, handler);
    }

    private Protocol opened(RecordingEvents events, FrameHandler handler) {
        Protocol p = FramedProtocol.factory(handler).open(events.context(stopping::get, 5000));
        p.open();
        return p;
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(4 * FrameCodec.MAX_FRAME_WITH_HEADER_BYTES).flip();
    }

    private Step arrive(Protocol p, byte... bytes) {
        return arrive(in, p, bytes);
    }

    /** Appends {@code bytes} after those {@code buf} holds, as one read, and tells {@code p}. */
    private static Step arrive(ByteBuffer buf, Protocol p, byte... bytes) {
        int position = buf.position();
        int limit = buf.limit();
        buf.limit(limit + bytes.length).position(limit);
        buf.put(bytes);
        buf.position(position);
        return p.received(buf, bytes.length);
    }

    private byte[] write(Protocol p) {
        return write(in, p);
    }

    /** As an engine does with a WRITE step: the in-place bytes go (the position moves past them), or the reply. */
    private static byte[] write(ByteBuffer buf, Protocol p) {
        byte[] out;
        if (p.inPlaceBytes() > 0) {
            out = new byte[p.inPlaceBytes()];
            buf.get(out);
        } else {
            ByteBuffer reply = p.reply();
            out = new byte[reply.remaining()];
            reply.get(out);
        }
        p.wrote(out.length);
        return out;
    }

    private static byte[] frame(int payload, int seed) {
        byte[] f = new byte[FrameCodec.HEADER_BYTES + payload];
        ByteBuffer.wrap(f).putInt(payload);
        for (int i = 0; i < payload; i++) {
            f[FrameCodec.HEADER_BYTES + i] = (byte) (seed + i);
        }
        return f;
    }

    private static byte[] frameOf(String payload) {
        return FrameCodec.encode(payload.getBytes(US_ASCII)).array();
    }

    private static byte[] join(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    private static FrameHandler throwing(Throwable error) {
        return request -> {
            if (error instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) error;
        };
    }

    // ---- the framing's transitions ----

    @Test
    void anOpenConnectionWaitsIdleAndNothingIsAMessage() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        assertThat(rec.seen).containsExactly("open");
        assertThat(rec.phases).containsExactly(Phase.IDLE);
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(echo.isIdle()).isTrue();
    }

    @Test
    void aPartialHeaderThenAPartialPayloadWaitInTheFramePhaseThenTheWholeFrameIsEchoedInPlace() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] f = frame(3, 1);
        assertThat(arrive(echo, f[0], f[1])).as("half a header").isEqualTo(Step.READ);
        assertThat(rec.phase()).isEqualTo(Phase.FRAME);
        assertThat(echo.isIdle()).isFalse();
        assertThat(arrive(echo, f[2], f[3], f[4])).as("header and a byte").isEqualTo(Step.READ);
        assertThat(rec.phases).as("the frame's deadline runs from its first byte, once").containsExactly(Phase.IDLE,
                Phase.FRAME);
        assertThat(arrive(echo, f[5], f[6])).isEqualTo(Step.WRITE);
        assertThat(rec.phase()).isEqualTo(Phase.WRITE);
        assertThat(echo.reply()).as("the echo is a slice of the input: no copy").isNull();
        assertThat(write(echo)).as("the frame goes back header and all").isEqualTo(f);
        assertThat(echo.sent(in)).isTrue();
        assertThat(rec.phase()).isEqualTo(Phase.IDLE);
        assertThat(echo.isIdle()).isTrue();
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(rec.seen).as("the reply is logged by its payload, sent by its wire bytes")
                .containsExactly("open", "in 2", "in 3", "in 2", "reply 3", "out 7");
        assertThat(rec.phases).containsExactly(Phase.IDLE, Phase.FRAME, Phase.WRITE, Phase.IDLE);
    }

    @Test
    void manyFramesInOneReadGoOutInOneWriteAndAreLoggedOneByOne() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] a = frame(1, 1);
        byte[] b = frame(0, 0);
        byte[] c = frame(5, 9);
        byte[] partial = {0, 0};
        assertThat(arrive(echo, join(a, b, c, partial))).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).as("three whole frames, gathered").isEqualTo(a.length + b.length + c.length);
        assertThat(echo.repliesOffered()).isEqualTo(3);
        assertThat(write(echo)).isEqualTo(join(a, b, c));
        assertThat(echo.sent(in)).isTrue();
        assertThat(rec.phase()).as("bytes of the next frame are here: its deadline runs").isEqualTo(Phase.FRAME);
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(rec.seen).containsExactly("open", "in " + (a.length + b.length + c.length + 2), "reply 1",
                "reply 0", "reply 5", "out " + (a.length + b.length + c.length));
    }

    @Test
    void gatheringStopsAtItsMessageCountAndTheRestFollows() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] many = new byte[4 * (FramedProtocol.GATHER_MESSAGES + 10)];
        assertThat(arrive(echo, many)).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(4 * FramedProtocol.GATHER_MESSAGES);
        assertThat(echo.repliesOffered()).isEqualTo(FramedProtocol.GATHER_MESSAGES);
        write(echo);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(40);
        assertThat(echo.repliesOffered()).isEqualTo(10);
    }

    @Test
    void anOversizeHeaderIsRejectedFromTheHeaderAloneAfterTheRepliesBeforeItAndClosesGracefully() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] ok = frame(2, 3);
        byte[] oversize = {0, 1, 0, 1}; // 65 537
        assertThat(arrive(echo, join(ok, oversize))).isEqualTo(Step.WRITE);
        assertThat(rec.errors).as("not before the reply ahead of it went out").isEmpty();
        assertThat(write(echo)).isEqualTo(ok);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).isEqualTo(Step.CLOSE);
        assertThat(rec.errors).singleElement().isInstanceOfSatisfying(FrameTooLargeException.class,
                e -> assertThat(e.fields()).contains(Map.entry("length", 65_537L)));
        assertThat(echo.closesGracefully()).as("the reply before it must reach the peer: FIN, not RST").isTrue();
        echo.closed();
        echo.closed();
        assertThat(rec.seen).containsExactly("open", "in 10", "reply 2", "out 6", "failed FrameTooLargeException",
                "closed FrameTooLargeException");
    }

    @Test
    void aFirstByteThatBeginsTextMakesTheConnectionRawForGood() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        assertThat(arrive(echo, (byte) 'h', (byte) 'i')).isEqualTo(Step.WRITE);
        assertThat(rec.seen).contains("raw");
        assertThat(echo.inPlaceBytes()).isEqualTo(2);
        assertThat(echo.reply()).as("the raw echo is in place too").isNull();
        assertThat(write(echo)).containsExactly('h', 'i');
        assertThat(echo.sent(in)).isTrue();
        assertThat(arrive(echo, (byte) 0, (byte) 0, (byte) 0, (byte) 9)).as("a later zero byte is just a byte")
                .isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(4);
        write(echo);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        echo.closed();
        assertThat(rec.closeReason()).isEqualTo("peer_closed");
        assertThat(rec.seen).containsExactly("open", "in 2", "raw", "raw_reply 2", "out 2", "in 4", "raw_reply 4",
                "out 4", "closed peer_closed");
    }

    @Test
    void theModeIsDecidedByTheFirstByteAlone() {
        for (int first = 0; first < 256; first++) {
            RecordingEvents r = new RecordingEvents();
            Protocol p = opened(r, EchoHandler.INSTANCE);
            ByteBuffer one = ByteBuffer.wrap(new byte[] {(byte) first});
            p.received(one, 1);
            boolean text = FrameCodec.startsText((byte) first);
            assertThat(r.seen.contains("raw")).as("first byte %d went raw", first).isEqualTo(text);
            assertThat(p.needed(one)).as("first byte %d: raw takes any amount, a header wants its rest", first)
                    .isEqualTo(text ? 0 : FrameCodec.HEADER_BYTES - 1);
        }
    }

    @Test
    void anEndOfStreamMidFrameIsATruncationAndAtABoundaryAPeerClose() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        arrive(echo, (byte) 0, (byte) 0, (byte) 0, (byte) 10, (byte) 1, (byte) 2, (byte) 3);
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        assertThat(rec.errors).singleElement().isInstanceOfSatisfying(TruncatedFrameException.class, e -> {
            assertThat(e.fields()).as("payload bytes that came").contains(Map.entry("got", 3));
            assertThat(e.fields()).as("the payload announced").contains(Map.entry("expected", 10));
        });
        assertThat(echo.closesGracefully()).isFalse();
        echo.closed();
        assertThat(rec.closeReason()).isEqualTo(TruncatedFrameException.class.getSimpleName());

        RecordingEvents halfHeader = new RecordingEvents();
        ByteBuffer two = buffer();
        Protocol cut = opened(halfHeader, EchoHandler.INSTANCE);
        arrive(two, cut, (byte) 0, (byte) 0);
        assertThat(cut.endOfInput(two)).isEqualTo(Step.CLOSE);
        assertThat(halfHeader.errors).singleElement().isInstanceOfSatisfying(TruncatedFrameException.class, e -> {
            assertThat(e.fields()).contains(Map.entry("got", 2));
            assertThat(e.fields()).contains(Map.entry("expected", FrameCodec.HEADER_BYTES));
        });

        RecordingEvents cleanEvents = new RecordingEvents();
        Protocol clean = opened(cleanEvents, EchoHandler.INSTANCE);
        assertThat(clean.endOfInput(ByteBuffer.allocate(0))).isEqualTo(Step.CLOSE);
        assertThat(clean.closesGracefully()).isFalse();
        clean.closed();
        assertThat(cleanEvents.errors).isEmpty();
        assertThat(cleanEvents.closeReason()).isEqualTo("peer_closed");
    }

    @Test
    void aHalfCloseAfterPipelinedFramesStillGetsEveryReplyFirst() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] a = frame(3, 1);
        byte[] b = frame(4, 2);
        assertThat(arrive(echo, join(a, b))).isEqualTo(Step.WRITE);
        assertThat(write(echo)).isEqualTo(join(a, b));
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).as("only now does the engine read, and find the FIN").isEqualTo(Step.READ);
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        echo.closed();
        assertThat(rec.closeReason()).isEqualTo("peer_closed");
        assertThat(rec.seen).containsSubsequence("reply 3", "reply 4", "closed peer_closed");
    }

    @Test
    void aReplyOfTheHandlersOwnIsHeldAloneAndTheRequestIsGiven() {
        FrameHandler longer = request -> List.of(ByteBuffer.allocate(request.remaining() * 2));
        Protocol p = protocol(longer);
        byte[] a = frame(1, 1);
        byte[] b = frame(2, 2);
        assertThat(arrive(p, join(a, b))).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).isZero();
        assertThat(p.repliesOffered()).isEqualTo(1);
        assertThat(in.remaining()).as("the first request is answered: only the second is held").isEqualTo(b.length);
        assertThat(write(p)).as("framed by the protocol").isEqualTo(new byte[] {0, 0, 0, 2, 0, 0});
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).as("one reply at a time: the second request waits its turn").isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(new byte[] {0, 0, 0, 4, 0, 0, 0, 0});
        assertThat(p.sent(in)).isTrue();
        assertThat(rec.seen).endsWith("in 11", "reply 1->2", "out 6", "reply 2->4", "out 8");
    }

    @Test
    void aReplyOfTheHandlersOwnAfterInPlaceRepliesWaitsForThemThenItsRequestIsPassedOver() {
        byte[] echoed = frame(1, 1);
        byte[] asked = frame(2, 2);
        FrameHandler mixed = request -> request.remaining() == 1 ? List.of(request)
                : List.of(ByteBuffer.wrap(new byte[] {42}));
        Protocol p = protocol(mixed);
        assertThat(arrive(p, join(echoed, asked))).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).isEqualTo(echoed.length);
        assertThat(write(p)).isEqualTo(echoed);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).isZero();
        assertThat(write(p)).isEqualTo(frame(1, 42));
        assertThat(in.remaining()).isZero();
        assertThat(p.sent(in)).isTrue();
        assertThat(rec.phase()).isEqualTo(Phase.IDLE);
        assertThat(rec.seen).endsWith("reply 1", "out 5", "reply 2->1", "out 5");
    }

    @Test
    void aHandlerThatFailsOrAnswersOverTheLimitEndsThatConnectionOnly() {
        assertThat(closeReasonOf(throwing(new IllegalArgumentException("bug")))).isEqualTo("IllegalArgumentException");
        assertThat(closeReasonOf(request -> List.of(ByteBuffer.allocate(FrameCodec.MAX_PAYLOAD_BYTES + 1))))
                .as("one reply over the frame limit").isEqualTo("IllegalStateException");
        int fitting = FramedProtocol.MAX_REPLY_BYTES / FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;
        assertThat(closeReasonOf(request -> Collections.nCopies(fitting,
                ByteBuffer.allocate(FrameCodec.MAX_PAYLOAD_BYTES)))).as("%d whole frames fit", fitting).isNull();
        assertThat(closeReasonOf(request -> Collections.nCopies(fitting + 1,
                ByteBuffer.allocate(FrameCodec.MAX_PAYLOAD_BYTES))))
                .as("replies to one message over their limit").isEqualTo("IllegalStateException");
        assertThat(closeReasonOf(request -> null)).as("null is no list of replies").isEqualTo("IllegalStateException");
    }

    /** The close reason after {@code handler} was given one empty message, or null if the connection goes on. */
    private String closeReasonOf(FrameHandler handler) {
        RecordingEvents r = new RecordingEvents();
        ByteBuffer buf = buffer();
        Protocol p = opened(r, handler);
        if (arrive(buf, p, frame(0, 0)) != Step.CLOSE) {
            return null;
        }
        assertThat(p.closesGracefully()).as("a failure closes at once").isFalse();
        p.closed();
        return r.closeReason();
    }

    @Test
    void whileStoppingTheConnectionClosesGracefullyAfterTheCurrentReply() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        assertThat(arrive(echo, join(frame(1, 1), frame(1, 2)))).isEqualTo(Step.WRITE);
        stopping.set(true);
        write(echo);
        assertThat(echo.sent(in)).isFalse();
        assertThat(echo.closesGracefully()).isTrue();
        assertThat(arrive(echo, (byte) 1)).as("input while draining is counted, never answered").isEqualTo(Step.CLOSE);
        echo.closed();
        assertThat(rec.closeReason()).isEqualTo("server_stop");
        assertThat(rec.seen).containsExactly("open", "in 10", "reply 1", "reply 1", "out 10", "in 1",
                "closed server_stop");
    }

    @Test
    void aDeadlineThatPassesIsATimeoutInTheCurrentPhaseAndAStopIsAServerStop() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        arrive(echo, (byte) 0);
        assertThat(echo.expired()).isEqualTo(Step.CLOSE);
        assertThat(rec.errors).singleElement().isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
            assertThat(e.phase()).isEqualTo(Phase.FRAME);
            assertThat(e.fields()).contains(Map.entry("timeout_ms", 5000L));
        });
        assertThat(echo.expired()).as("once closing, nothing changes").isEqualTo(Step.CLOSE);
        assertThat(rec.errors).hasSize(1);
        echo.closed();
        assertThat(rec.closeReason()).isEqualTo(DeadlineExceededException.class.getSimpleName());

        RecordingEvents idleEvents = new RecordingEvents();
        Protocol idle = opened(idleEvents, EchoHandler.INSTANCE);
        assertThat(idle.stopNow()).isEqualTo(Step.CLOSE);
        assertThat(idle.closesGracefully()).isFalse();
        idle.closed();
        assertThat(idleEvents.closeReason()).isEqualTo("server_stop");
        assertThat(idleEvents.errors).isEmpty();
    }

    // ---- what the FrameHandler seam promises ----

    @Test
    void aHandlerThatRepliesNothingOwesNoWriteAndTheNextMessageIsStillAnswered() {
        FrameHandler quiet = request -> request.remaining() == 3 ? List.of() : List.of(request);
        Protocol p = protocol(quiet);
        assertThat(arrive(p, frame(3, 1))).as("nothing to write: read on").isEqualTo(Step.READ);
        assertThat(in.remaining()).as("the request is answered, with nothing").isZero();
        assertThat(rec.phases).doesNotContain(Phase.WRITE);
        assertThat(rec.phase()).as("between messages again").isEqualTo(Phase.IDLE);
        assertThat(p.isIdle()).isTrue();
        byte[] next = frame(2, 7);
        assertThat(arrive(p, next)).isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(next);
        assertThat(p.sent(in)).isTrue();
        assertThat(rec.withoutInput()).containsExactly("open", "reply 3->0", "reply 2");
    }

    @Test
    void messagesAnsweredWithNothingAmongPipelinedOnesAreSkippedInOrder() {
        FrameHandler quiet = request -> request.remaining() == 3 ? List.of() : List.of(request);
        Protocol p = protocol(quiet);
        byte[] a = frame(3, 1);
        byte[] b = frame(1, 2);
        byte[] c = frame(3, 3);
        byte[] d = frame(2, 4);
        assertThat(arrive(p, join(a, b, c, d))).isEqualTo(Step.WRITE);
        assertThat(write(p)).as("the quiet one before it is passed over").isEqualTo(b);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).as("the quiet one after it too").isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(d);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).isEqualTo(Step.READ);
        assertThat(rec.phase()).isEqualTo(Phase.IDLE);

        byte[] e = frame(1, 5);
        assertThat(arrive(p, join(e, c))).isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(e);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).as("a quiet message behind an echo, then nothing: read on").isEqualTo(Step.READ);
        assertThat(in.remaining()).isZero();
        assertThat(rec.phase()).as("waiting for the next message, not for a write").isEqualTo(Phase.IDLE);
        assertThat(p.isIdle()).isTrue();
        assertThat(rec.withoutInput()).containsExactly("open", "reply 3->0", "reply 1", "reply 3->0", "reply 2",
                "reply 1", "reply 3->0");
    }

    @Test
    void whileStoppingAMessageAnsweredWithNothingEndsTheConnectionAfterIt() {
        Protocol p = protocol(request -> List.of());
        stopping.set(true);
        assertThat(arrive(p, frame(3, 1))).isEqualTo(Step.CLOSE);
        assertThat(p.closesGracefully()).isTrue();
        p.closed();
        assertThat(rec.withoutInput()).containsExactly("open", "reply 3->0", "closed server_stop");
    }

    @Test
    void severalRepliesToOneRequestGoBackFramedInOrder() {
        FrameHandler three = request -> List.of(ByteBuffer.wrap(new byte[] {'a'}), request, ByteBuffer.allocate(0));
        Protocol p = protocol(three);
        byte[] first = frameOf("xyz");
        byte[] second = frameOf("w");
        assertThat(arrive(p, join(first, second))).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).as("the request among others: copied").isZero();
        assertThat(write(p)).isEqualTo(join(frameOf("a"), first, frameOf("")));
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(join(frameOf("a"), second, frameOf("")));
        assertThat(p.sent(in)).isTrue();
        assertThat(rec.seen).endsWith("reply 3->4", "out 16", "reply 1->2", "out 14");
    }

    @Test
    void aSharedConstantReplyGoesOutWholeEveryTime() {
        Protocol once = protocol(request -> List.of(OK));
        byte[] ok = frameOf("ok");
        for (int i = 0; i < 2; i++) {
            assertThat(arrive(once, frame(1, i))).isEqualTo(Step.WRITE);
            assertThat(write(once)).as("reply %d", i + 1).isEqualTo(ok);
            assertThat(once.sent(in)).isTrue();
        }

        RecordingEvents twiceEvents = new RecordingEvents();
        ByteBuffer buf = buffer();
        Protocol twice = opened(twiceEvents, request -> List.of(OK, OK));
        assertThat(arrive(buf, twice, frame(1, 0))).isEqualTo(Step.WRITE);
        assertThat(write(buf, twice)).as("the same buffer twice in one answer").isEqualTo(join(ok, ok));
        assertThat(OK.position()).as("never consumed").isZero();
        assertThat(OK.remaining()).isEqualTo(2);
    }

    @Test
    void aSliceOfTheRequestIsCopiedBeforeTheEnginesBufferIsReused() {
        Protocol p = protocol(request -> List.of(request.slice()));
        byte[] f = frame(5, 60);
        assertThat(arrive(p, f)).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).as("a slice is not the request itself").isZero();
        Arrays.fill(in.array(), (byte) 0x55); // the engine reads the next bytes into its buffer before writing
        assertThat(write(p)).isEqualTo(f);
    }

    @Test
    void theEchoStaysZeroCopy() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        byte[] a = frame(2, 1);
        byte[] b = frame(3, 2);
        assertThat(arrive(echo, join(a, b))).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).as("both frames, from the engine's own buffer").isEqualTo(a.length + b.length);
        assertThat(echo.reply()).as("no buffer of the protocol's own").isNull();
        assertThat(echo.repliesOffered()).isEqualTo(2);
        assertThat(write(echo)).isEqualTo(join(a, b));
    }

    @Test
    void aHandlerThatTakesNoRawTextReadsAnHttpRequestAsAnOversizeHeader() {
        Protocol p = protocol(FRAMED_ECHO);
        assertThat(arrive(p, HTTP_GET)).isEqualTo(Step.CLOSE);
        assertThat(rec.seen).doesNotContain("raw");
        assertThat(rec.errors).singleElement().isInstanceOfSatisfying(FrameTooLargeException.class,
                e -> assertThat(e.fields()).as("\"GET \" as a length").contains(Map.entry("length", 0x47455420L)));
        assertThat(ErrorMap.classify(rec.errors.get(0)).reason()).isEqualTo("frame_rejected");
        assertThat(p.closesGracefully()).isTrue();
        p.closed();
        assertThat(rec.seen).containsExactly("open", "in 14", "failed FrameTooLargeException",
                "closed FrameTooLargeException");
    }

    @ParameterizedTest
    @ValueSource(classes = {IllegalStateException.class, AssertionError.class, StackOverflowError.class})
    void aHandlerThatThrowsClosesItsConnectionOnly(Class<? extends Throwable> type) throws Exception {
        Throwable error = type.getConstructor().newInstance();
        Protocol p = protocol(throwing(error));
        assertThat(arrive(p, frame(2, 1))).isEqualTo(Step.CLOSE);
        assertThat(rec.errors).containsExactly(error);
        assertThat(ErrorMap.endsTheServer(error)).isFalse();
        assertThat(ErrorMap.classify(error).reason()).isEqualTo("internal_error");
        assertThat(p.closesGracefully()).isFalse();
        p.closed();
        String name = type.getSimpleName();
        assertThat(rec.seen).containsExactly("open", "in 6", "failed " + name, "closed " + name);
    }

    @Test
    void aHandlerThatThrowsAFatalErrorEndsTheServer() {
        InternalError fatal = new InternalError("the JVM is broken");
        Protocol p = protocol(throwing(fatal));
        assertThatThrownBy(() -> arrive(p, frame(2, 1))).isSameAs(fatal);
        assertThat(ErrorMap.endsTheServer(fatal)).isTrue();
        assertThat(rec.errors).as("not this connection's failure to log: the server's").isEmpty();
    }

    @Test
    void aHandlerThatThrowsBehindGatheredRepliesLetsThemGoOutFirstAndIsCalledOnce() {
        AtomicInteger calls = new AtomicInteger();
        Protocol p = protocol(request -> {
            if (calls.incrementAndGet() == 3) {
                throw new IllegalStateException("bug");
            }
            return List.of(request);
        });
        byte[] a = frame(1, 1);
        byte[] b = frame(2, 2);
        byte[] c = frame(3, 3);
        assertThat(arrive(p, join(a, b, c))).isEqualTo(Step.WRITE);
        assertThat(calls).hasValue(3);
        assertThat(rec.errors).as("the replies before it go out first").isEmpty();
        assertThat(p.repliesOffered()).isEqualTo(2);
        assertThat(write(p)).isEqualTo(join(a, b));
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).isEqualTo(Step.CLOSE);
        assertThat(p.closesGracefully()).as("the replies that went out must not be destroyed by a reset").isTrue();
        assertThat(p.next(in)).isEqualTo(Step.CLOSE);
        assertThat(calls).as("the failing message is not asked again").hasValue(3);
        p.closed();
        assertThat(rec.seen).containsExactly("open", "in 18", "reply 1", "reply 2", "out 11",
                "failed IllegalStateException", "closed IllegalStateException");
    }

    @Test
    void neededSaysHowManyBytesTheNextDecisionWaitsFor() {
        Protocol echo = protocol(EchoHandler.INSTANCE);
        assertThat(echo.needed(in)).as("a handler that takes raw: the first byte decides").isEqualTo(1);

        RecordingEvents framedEvents = new RecordingEvents();
        ByteBuffer buf = buffer();
        Protocol framed = opened(framedEvents, FRAMED_ECHO);
        assertThat(framed.needed(buf)).as("framed only: a whole header").isEqualTo(4);
        byte[] f = frame(10, 1);
        arrive(buf, framed, f[0]);
        assertThat(framed.needed(buf)).as("the header's rest").isEqualTo(3);
        arrive(buf, framed, f[1], f[2], f[3]);
        assertThat(framed.needed(buf)).as("the payload").isEqualTo(10);
        arrive(buf, framed, f[4], f[5], f[6]);
        assertThat(framed.needed(buf)).as("the payload's rest").isEqualTo(7);
        assertThat(arrive(buf, framed, Arrays.copyOfRange(f, 7, f.length))).isEqualTo(Step.WRITE);
        write(buf, framed);
        assertThat(framed.sent(buf)).isTrue();
        assertThat(framed.needed(buf)).as("the next header").isEqualTo(4);

        arrive(echo, (byte) 'h');
        assertThat(echo.needed(in)).as("raw: any amount").isZero();
        write(echo);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.needed(in)).as("raw for good").isZero();
    }

    @Test
    void progressSaysRawRightAfterATextFirstByteAndAnOversizeHeaderIsOverTheLimit() {
        RecordingEvents traced = new RecordingEvents();
        traced.tracing = true;
        ByteBuffer buf = buffer();
        Protocol raw = opened(traced, EchoHandler.INSTANCE);
        assertThat(raw.progress(buf)).isEqualTo("idle");
        assertThat(arrive(buf, raw, HTTP_GET)).isEqualTo(Step.WRITE);
        assertThat(traced.trace).as("the read that made it raw says so").containsExactly("read 14 raw");
        assertThat(raw.progress(buf)).isEqualTo("raw");

        rec.tracing = true;
        Protocol framed = protocol(FRAMED_ECHO);
        assertThat(arrive(framed, HTTP_GET)).isEqualTo(Step.CLOSE);
        assertThat(rec.trace).containsExactly("read 14 header announcing 1195725856 bytes, over the limit");
        assertThat(framed.progress(in)).isEqualTo("header announcing 1195725856 bytes, over the limit");
    }

    @Test
    void progressFollowsAFrameAsItArrives() {
        ByteBuffer buf = buffer();
        Protocol p = opened(new RecordingEvents(), FRAMED_ECHO);
        byte[] f = frame(10, 1);
        arrive(buf, p, f[0], f[1]);
        assertThat(p.progress(buf)).isEqualTo("header 2/4");
        arrive(buf, p, f[2], f[3], f[4], f[5], f[6]);
        assertThat(p.progress(buf)).isEqualTo("payload 3/10");
        arrive(buf, p, Arrays.copyOfRange(f, 7, f.length));
        assertThat(p.progress(buf)).isEqualTo("a whole message of 10 bytes");
    }
}
