package dev.trustctl.proto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.ServerProtocol.Step;
import dev.trustctl.wire.DeadlineExceededException;
import dev.trustctl.wire.FrameCodec;
import dev.trustctl.wire.FrameTooLargeException;
import dev.trustctl.wire.Phase;
import dev.trustctl.wire.TruncatedFrameException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The protocol core with no socket and no clock: bytes go in as an engine would hand them over, and every
 * step, phase, reply and close reason it gives back is checked. Each transition once: partial header, partial
 * payload, many frames in one read, oversize, raw, end of stream mid-frame, a reply owed while more input waits.
 */
class ServerProtocolTest {
    private final RecordingEvents rec = new RecordingEvents();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private ServerProtocol protocol(Handler handler) {
        ServerProtocol p = new ServerProtocol(handler, rec, rec, stopping::get, 5000);
        p.open();
        return p;
    }

    private final ServerProtocol echo = protocol(EchoHandler.INSTANCE);

    /** The engine's buffer: what arrived so far, as [position, limit). */
    private final ByteBuffer in = ByteBuffer.allocate(4 * FrameCodec.MAX_FRAME_WITH_HEADER_BYTES).flip();

    private Step arrive(ServerProtocol p, byte... bytes) {
        int position = in.position();
        int limit = in.limit();
        in.limit(limit + bytes.length).position(limit);
        in.put(bytes);
        in.position(position);
        return p.received(in, bytes.length);
    }

    /** As an engine does with a WRITE step: the in-place bytes go (the position moves past them), or the reply. */
    private byte[] write(ServerProtocol p) {
        ByteBuffer reply = p.separateReply();
        byte[] out;
        if (reply != null) {
            out = new byte[reply.remaining()];
            reply.get(out);
        } else {
            out = new byte[p.inPlaceBytes()];
            in.get(out);
        }
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

    @Test
    void anOpenConnectionWaitsIdleAndNothingIsAMessage() {
        assertThat(rec.seen).containsExactly("open");
        assertThat(rec.phases).containsExactly(Phase.IDLE);
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(echo.isIdle()).isTrue();
    }

    @Test
    void aPartialHeaderThenAPartialPayloadWaitInTheFramePhaseThenTheWholeFrameIsEchoedInPlace() {
        byte[] f = frame(3, 1);
        assertThat(arrive(echo, f[0], f[1])).as("half a header").isEqualTo(Step.READ);
        assertThat(echo.phase()).isEqualTo(Phase.FRAME);
        assertThat(arrive(echo, f[2], f[3], f[4])).as("header and a byte").isEqualTo(Step.READ);
        assertThat(rec.phases).as("the frame's deadline runs from its first byte, once").containsExactly(Phase.IDLE,
                Phase.FRAME);
        assertThat(arrive(echo, f[5], f[6])).isEqualTo(Step.WRITE);
        assertThat(echo.phase()).isEqualTo(Phase.WRITE);
        assertThat(echo.separateReply()).as("the echo is a slice of the input: no copy").isNull();
        assertThat(write(echo)).isEqualTo(f);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.phase()).isEqualTo(Phase.IDLE);
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(rec.seen).containsExactly("open", "in 2", "in 3", "in 2", "reply 7");
        assertThat(rec.phases).containsExactly(Phase.IDLE, Phase.FRAME, Phase.WRITE, Phase.IDLE);
    }

    @Test
    void manyFramesInOneReadGoOutInOneWriteAndAreLoggedOneByOne() {
        byte[] a = frame(1, 1);
        byte[] b = frame(0, 0);
        byte[] c = frame(5, 9);
        byte[] partial = {0, 0};
        assertThat(arrive(echo, join(a, b, c, partial))).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).as("three whole frames, gathered").isEqualTo(a.length + b.length + c.length);
        assertThat(write(echo)).isEqualTo(join(a, b, c));
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.phase()).as("bytes of the next frame are here: its deadline runs").isEqualTo(Phase.FRAME);
        assertThat(echo.next(in)).isEqualTo(Step.READ);
        assertThat(rec.seen).containsExactly("open", "in " + (a.length + b.length + c.length + 2), "reply 5",
                "reply 4", "reply 9");
    }

    @Test
    void gatheringStopsAtItsMessageCountAndTheRestFollows() {
        byte[] many = new byte[4 * (ServerProtocol.GATHER_MESSAGES + 10)];
        assertThat(arrive(echo, many)).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(4 * ServerProtocol.GATHER_MESSAGES);
        write(echo);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(40);
    }

    @Test
    void anOversizeHeaderIsRejectedFromTheHeaderAloneAfterTheRepliesBeforeItAndClosesGracefully() {
        byte[] ok = frame(2, 3);
        byte[] oversize = {0, 1, 0, 1}; // 65 537
        assertThat(arrive(echo, join(ok, oversize))).isEqualTo(Step.WRITE);
        assertThat(write(echo)).isEqualTo(ok);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).isEqualTo(Step.CLOSE);
        assertThat(echo.closeReason()).isEqualTo(FrameTooLargeException.class.getSimpleName());
        assertThat(echo.closesGracefully()).as("the reply before it must reach the peer: FIN, not RST").isTrue();
        echo.closed();
        echo.closed();
        assertThat(rec.seen).containsExactly("open", "in 10", "reply 6", "failed FrameTooLargeException",
                "closed FrameTooLargeException");
    }

    @Test
    void aFirstByteThatBeginsTextMakesTheConnectionRawForGood() {
        assertThat(arrive(echo, (byte) 'h', (byte) 'i')).isEqualTo(Step.WRITE);
        assertThat(echo.isRaw()).isTrue();
        assertThat(write(echo)).containsExactly('h', 'i');
        assertThat(echo.sent(in)).isTrue();
        assertThat(arrive(echo, (byte) 0, (byte) 0, (byte) 0, (byte) 9)).as("a later zero byte is just a byte")
                .isEqualTo(Step.WRITE);
        assertThat(echo.inPlaceBytes()).isEqualTo(4);
        write(echo);
        echo.sent(in);
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        assertThat(echo.closeReason()).isEqualTo("peer_closed");
        assertThat(rec.seen).containsExactly("open", "in 2", "raw", "raw_reply 2", "in 4", "raw_reply 4");
    }

    @Test
    void theModeIsDecidedByTheFirstByteAlone() {
        for (int first = 0; first < 256; first++) {
            RecordingEvents r = new RecordingEvents();
            ServerProtocol p = new ServerProtocol(EchoHandler.INSTANCE, r, r, () -> false, 1000);
            ByteBuffer one = ByteBuffer.wrap(new byte[] {(byte) first, 0, 0, 0});
            p.received(one, 4);
            assertThat(p.isRaw()).as("first byte %d", first).isEqualTo(FrameCodec.startsText((byte) first));
        }
    }

    @Test
    void anEndOfStreamMidFrameIsATruncationAndAtABoundaryAPeerClose() {
        arrive(echo, (byte) 0, (byte) 0, (byte) 0, (byte) 10, (byte) 1, (byte) 2, (byte) 3);
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        assertThat(echo.closeReason()).isEqualTo(TruncatedFrameException.class.getSimpleName());
        assertThat(echo.closesGracefully()).isFalse();

        ServerProtocol clean = protocol(EchoHandler.INSTANCE);
        ByteBuffer empty = ByteBuffer.allocate(0);
        assertThat(clean.endOfInput(empty)).isEqualTo(Step.CLOSE);
        assertThat(clean.closeReason()).isEqualTo("peer_closed");
    }

    @Test
    void aHalfCloseAfterPipelinedFramesStillGetsEveryReplyFirst() {
        byte[] a = frame(3, 1);
        byte[] b = frame(4, 2);
        assertThat(arrive(echo, join(a, b))).isEqualTo(Step.WRITE);
        write(echo);
        assertThat(echo.sent(in)).isTrue();
        assertThat(echo.next(in)).as("only now does the engine read, and find the FIN").isEqualTo(Step.READ);
        assertThat(echo.endOfInput(in)).isEqualTo(Step.CLOSE);
        assertThat(echo.closeReason()).isEqualTo("peer_closed");
        assertThat(rec.seen).containsSubsequence("reply 7", "reply 8");
    }

    @Test
    void aReplyOfTheHandlersOwnIsHeldAloneAndTheRequestIsGiven() {
        Handler longer = (message, raw) -> FrameCodec.encode(new byte[message.remaining() * 2]);
        ServerProtocol p = protocol(longer);
        byte[] a = frame(1, 1);
        byte[] b = frame(2, 2);
        assertThat(arrive(p, join(a, b))).isEqualTo(Step.WRITE);
        assertThat(p.inPlaceBytes()).isZero();
        assertThat(in.remaining()).as("the first request is answered: only the second is held").isEqualTo(b.length);
        assertThat(write(p)).hasSize(4 + 2 * a.length);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).as("one reply at a time: the second request waits its turn").isEqualTo(Step.WRITE);
        assertThat(write(p)).hasSize(4 + 2 * b.length);
        p.sent(in);
        assertThat(rec.seen).endsWith("in 11", "reply 5->14", "reply 6->16");
    }

    @Test
    void aReplyOfTheHandlersOwnAfterInPlaceRepliesWaitsForThemThenItsRequestIsPassedOver() {
        byte[] echoed = frame(1, 1);
        byte[] asked = frame(2, 2);
        Handler mixed = (message, raw) -> message.remaining() == echoed.length ? message
                : FrameCodec.encode(new byte[] {42});
        ServerProtocol p = protocol(mixed);
        assertThat(arrive(p, join(echoed, asked))).isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(echoed);
        assertThat(p.sent(in)).isTrue();
        assertThat(p.next(in)).isEqualTo(Step.WRITE);
        assertThat(write(p)).isEqualTo(frame(1, 42));
        assertThat(in.remaining()).isZero();
        assertThat(p.sent(in)).isTrue();
        assertThat(p.phase()).isEqualTo(Phase.IDLE);
    }

    @Test
    void aHandlerThatFailsOrAnswersOverTheLimitEndsThatConnectionOnly() {
        ServerProtocol failing = protocol((message, raw) -> {
            throw new IllegalArgumentException("bug");
        });
        assertThat(arrive(failing, frame(0, 0))).isEqualTo(Step.CLOSE);
        assertThat(failing.closeReason()).isEqualTo("IllegalArgumentException");

        in.position(in.limit());
        ServerProtocol huge = protocol((message, raw) -> ByteBuffer.allocate(FrameCodec.MAX_FRAME_WITH_HEADER_BYTES + 1));
        assertThat(arrive(huge, frame(0, 0))).isEqualTo(Step.CLOSE);
        assertThat(huge.closeReason()).isEqualTo("IllegalStateException");
    }

    @Test
    void whileStoppingTheConnectionClosesGracefullyAfterTheCurrentReply() {
        assertThat(arrive(echo, join(frame(1, 1), frame(1, 2)))).isEqualTo(Step.WRITE);
        stopping.set(true);
        write(echo);
        assertThat(echo.sent(in)).isFalse();
        assertThat(echo.closeReason()).isEqualTo("server_stop");
        assertThat(echo.closesGracefully()).isTrue();
        assertThat(arrive(echo, (byte) 1)).as("input while draining is counted, never answered").isEqualTo(Step.CLOSE);
    }

    @Test
    void aDeadlineThatPassesIsATimeoutInTheCurrentPhaseAndAStopIsAServerStop() {
        arrive(echo, (byte) 0);
        assertThat(echo.expired()).isEqualTo(Step.CLOSE);
        assertThat(echo.closeReason()).isEqualTo(DeadlineExceededException.class.getSimpleName());
        assertThat(echo.expired()).as("once closing, nothing changes").isEqualTo(Step.CLOSE);

        ServerProtocol idle = protocol(EchoHandler.INSTANCE);
        assertThat(idle.stopNow()).isEqualTo(Step.CLOSE);
        assertThat(idle.closeReason()).isEqualTo("server_stop");
        assertThat(idle.closesGracefully()).isFalse();
    }
}
