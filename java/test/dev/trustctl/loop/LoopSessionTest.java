package dev.trustctl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.server.Admission;
import dev.trustctl.server.HeldBytes;

import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.RecordingEvents;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop connection against fake channels, on the test's thread, with no socket: zero-byte reads, writes the
 * socket takes a few bytes at a time, a read of many tiny frames, and the buffer kept for an unfinished frame
 * (sized by what arrived, in steps).
 */
class LoopSessionTest {
    /** Reads as scripted (an empty chunk is a zero-byte read), then end of stream; each write takes at most N bytes. */
    private static final class FakeChannel implements ByteChannel {
        final ArrayDeque<byte[]> reads = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int writeLimit = Integer.MAX_VALUE;
        int writeCalls;
        boolean open = true;

        @Override
        public int read(ByteBuffer dst) {
            byte[] next = reads.poll();
            if (next == null) {
                return -1;
            }
            int n = Math.min(next.length, dst.remaining());
            dst.put(next, 0, n);
            if (n < next.length) {
                byte[] rest = new byte[next.length - n];
                System.arraycopy(next, n, rest, 0, rest.length);
                reads.push(rest);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            writeCalls++;
            int n = Math.min(writeLimit, src.remaining());
            for (int i = 0; i < n; i++) {
                written.write(src.get());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** What the loop's selector knows of the connection: its interest (-1 once cancelled). */
    private static final class FakeKey extends SelectionKey {
        int ops = SelectionKey.OP_READ;

        @Override
        public SelectableChannel channel() {
            return null;
        }

        @Override
        public Selector selector() {
            return null;
        }

        @Override
        public boolean isValid() {
            return ops >= 0;
        }

        @Override
        public void cancel() {
            ops = -1;
        }

        @Override
        public int interestOps() {
            return ops;
        }

        @Override
        public SelectionKey interestOps(int ops) {
            this.ops = ops;
            return this;
        }

        @Override
        public int readyOps() {
            return 0;
        }
    }

    private final EventLoop loop = new EventLoop("test-loop", Duration.ofSeconds(30), Duration.ofSeconds(1),
            EchoHandler.protocol(), (thread, e) -> { throw new AssertionError(thread + " died", e); });
    // the loop is never started: the test's thread is the loop's
    private final FakeChannel channel = new FakeChannel();
    private final RecordingEvents events = new RecordingEvents();
    private final FakeKey key = new FakeKey();
    private final HeldBytes held = new HeldBytes(1 << 20); // what the connection keeps: its buffer's capacity
    private boolean done;
    private final LoopSession c = new LoopSession(loop, channel, new Admission.Admitted(null, 1, "127.0.0.1:40000",
            events, () -> done = true, held), EchoHandler.protocol());

    LoopSessionTest() throws Exception {
        c.key = key;
        c.protocol.open();
    }

    @AfterEach
    void endLoop() {
        loop.shutdown(Duration.ofSeconds(1));
    }

    private static byte[] frame(int payload) {
        byte[] f = new byte[4 + payload];
        ByteBuffer.wrap(f).putInt(payload);
        for (int i = 0; i < payload; i++) {
            f[4 + i] = (byte) i;
        }
        return f;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] s = new byte[to - from];
        System.arraycopy(b, from, s, 0, s.length);
        return s;
    }

    @Test
    void zeroByteReadsChangeNothingAndAFrameSplitAcrossReadsIsEchoedOnce() throws Exception {
        byte[] f = frame(10);
        channel.reads.add(new byte[0]);
        channel.reads.add(slice(f, 0, 3));
        channel.reads.add(new byte[0]);
        channel.reads.add(slice(f, 3, f.length));
        for (int i = 0; i < 4; i++) {
            c.onReadable();
        }
        assertThat(channel.written.toByteArray()).isEqualTo(f);
        assertThat(channel.writeCalls).isEqualTo(1);
        assertThat(held.held()).as("nothing kept between messages").isZero();
        c.onReadable(); // end of stream
        assertThat(events.withoutInput()).containsExactly("open", "reply 10", "closed peer_closed");
        assertThat(done).isTrue();
        assertThat(channel.open).isFalse();
    }

    @Test
    void aReplyTheSocketTakesThreeBytesAtATimeWaitsForWritableAndReadsNothingMeanwhile() throws Exception {
        byte[] f = frame(100);
        channel.writeLimit = 3;
        channel.reads.add(f);
        c.onReadable();
        assertThat(key.ops).as("owed: wait to write, stop reading").isEqualTo(SelectionKey.OP_WRITE);
        int rounds = 0;
        while (key.ops == SelectionKey.OP_WRITE && rounds++ < 100) {
            c.onWritable();
        }
        assertThat(key.ops).isEqualTo(SelectionKey.OP_READ);
        assertThat(channel.written.toByteArray()).isEqualTo(f);
        assertThat(held.held()).isZero();
        assertThat(events.withoutInput()).containsExactly("open", "reply 100");
    }

    @Test
    void aReadOfSixteenThousandEmptyFramesGoesOutInAFewGatheredWritesAndThenGivesOthersTheirTurn() throws Exception {
        byte[] flood = new byte[BufferPool.LARGE]; // 16 385 empty frames: one read's worth
        channel.reads.add(flood);
        c.onReadable();
        assertThat(channel.writeCalls).as("gathered: not one write call per frame")
                .isLessThanOrEqualTo(16_384 / 256 + 1);
        assertThat(key.ops).as("its share of the pass is used up: the rest waits for the next pass").isZero();
        assertThat(channel.written.size()).as("its share: so many replies").isEqualTo(4 * LoopSession.PASS_REPLIES);
        for (int pass = 0; pass < 20 && key.ops == 0; pass++) {
            c.onReady(LoopSession.RESUME);
        }
        assertThat(channel.written.toByteArray()).isEqualTo(flood);
        assertThat(key.ops).isEqualTo(SelectionKey.OP_READ);
        assertThat(events.seen.stream().filter(e -> e.equals("reply 0")).count()).isEqualTo(16_385);
    }

    @Test
    void anUnfinishedFrameIsKeptInABufferSizedByWhatArrivedGrownInSteps() throws Exception {
        byte[] f = frame(65536);
        channel.reads.add(slice(f, 0, 5000));
        c.onReadable();
        assertThat(held.held()).as("5 000 bytes of a 64 KiB frame").isEqualTo(8192);
        channel.reads.add(slice(f, 5000, 20_000));
        while (!channel.reads.isEmpty()) {
            c.onReadable();
        }
        assertThat(held.held()).isEqualTo(32 * 1024);
        channel.reads.add(slice(f, 20_000, 40_000));
        while (!channel.reads.isEmpty()) {
            c.onReadable();
        }
        assertThat(held.held()).isEqualTo(BufferPool.LARGE);
        channel.reads.add(slice(f, 40_000, f.length));
        while (!channel.reads.isEmpty()) {
            c.onReadable();
        }
        assertThat(channel.written.toByteArray()).isEqualTo(f);
        assertThat(held.held()).isZero();
    }
}
