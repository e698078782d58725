package dev.trustctl.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * readFully / readSome / writeFully move every byte whatever the channel hands over per call, and a stalled
 * peer is cut off by the watchdog with the phase it stalled in: IDLE, FRAME or WRITE.
 */
@Timeout(10)
class ConnectionTest {
    /** The deadline in tests that wait for one to fire. */
    private static final Duration SHORT = Duration.ofMillis(200);
    /** The deadline in tests that must not meet one, however slow a loaded machine makes them. */
    private static final Duration LONG = Duration.ofSeconds(30);
    private final Watchdog watchdog = new Watchdog(SHORT, "test-watchdog");
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "connection-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopWatchdog() {
        watchdog.close();
        background.shutdownNow();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    @Test
    void readFullyGathersEveryByteInOrderFromOneByteReads() throws Exception {
        byte[] input = randomBytes(1000);
        FakeChannels.Fake channel = FakeChannels.oneByte(input);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(1000);
            assertThat(conn.readFully(dst)).isTrue();
            assertThat(dst.array()).isEqualTo(input);
            assertThat(channel.reads.get()).isEqualTo(1000);
        }
    }

    @Test
    void readFullyStopsAtTheBufferLimitSoTheRestStaysForTheNextRead() throws Exception {
        byte[] input = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0};
        try (Connection conn = new Connection(FakeChannels.oneByte(input), LONG, watchdog)) {
            ByteBuffer header = ByteBuffer.allocate(4);
            assertThat(conn.readFully(header)).isTrue();
            assertThat(header.getInt(0)).isEqualTo(3);
            ByteBuffer payload = ByteBuffer.allocate(3);
            assertThat(conn.readFully(payload)).isTrue();
            assertThat(payload.array()).containsExactly('a', 'b', 'c');
            TruncatedFrameException e = catchThrowableOfType(TruncatedFrameException.class,
                    () -> conn.readFully(ByteBuffer.allocate(4)));
            assertThat(e.got()).isEqualTo(2);
            assertThat(e.expected()).isEqualTo(4);
        }
    }

    @Test
    void endOfStreamBeforeTheFirstByteIsACleanEnd() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[0]), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertThat(conn.readFully(dst)).isFalse();
            assertThat(dst.position()).isZero();
        }
    }

    @Test
    void endOfStreamMidwayIsATruncatedFrameWithGotAndExpected() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {0, 0, 1}), LONG, watchdog)) {
            TruncatedFrameException e = catchThrowableOfType(TruncatedFrameException.class,
                    () -> conn.readFully(ByteBuffer.allocate(4)));
            assertThat(e).isNotNull().hasMessage("connection closed after 3 of 4 bytes");
            assertThat(e.got()).isEqualTo(3);
            assertThat(e.expected()).isEqualTo(4);
        }
    }

    @Test
    void truncationCountsOnlyTheBytesThisCallWasAskedFor() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {7}), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            dst.put((byte) 0);
            TruncatedFrameException e = catchThrowableOfType(TruncatedFrameException.class, () -> conn.readFully(dst));
            assertThat(e.got()).isEqualTo(1);
            assertThat(e.expected()).isEqualTo(3);
        }
    }

    @Test
    void readSomeReturnsWhatCameAndMinusOneAtTheEnd() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {42}), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertThat(conn.readSome(dst)).isEqualTo(1);
            assertThat(dst.get(0)).isEqualTo((byte) 42);
            assertThat(conn.readSome(dst)).isEqualTo(-1);
        }
    }

    @Test
    void writeFullyPushesEveryByteInOrderThroughOneByteWrites() throws Exception {
        byte[] output = randomBytes(1000);
        FakeChannels.Fake channel = FakeChannels.oneByte(new byte[0]);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            ByteBuffer src = ByteBuffer.wrap(output);
            conn.writeFully(src);
            assertThat(src.hasRemaining()).isFalse();
            assertThat(channel.written()).isEqualTo(output);
            assertThat(channel.writes.get()).isEqualTo(1000);
        }
    }

    @Test
    void thePhaseFollowsTheConversation() throws Exception {
        byte[] input = {0, 0, 0, 1, 'x'};
        try (Connection conn = new Connection(FakeChannels.oneByte(input), LONG, watchdog)) {
            assertThat(conn.phase()).isEqualTo(Phase.IDLE);
            ByteBuffer frame = ByteBuffer.allocate(5);
            assertThat(conn.readFully(frame)).isTrue();
            assertThat(conn.phase()).isEqualTo(Phase.FRAME);
            conn.writeFully(frame.flip());
            assertThat(conn.phase()).isEqualTo(Phase.IDLE);
        }
    }

    @Test
    void aPeerThatSendsNothingIsCutOffInTheIdlePhase() {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[0]);
        Connection conn = new Connection(channel, SHORT, watchdog);
        DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                () -> conn.readFully(ByteBuffer.allocate(4)));
        assertThat(e).isNotNull().hasMessage("idle timeout after 200 ms");
        assertThat(e.phase()).isEqualTo(Phase.IDLE);
        assertThat(e.timeoutMillis()).isEqualTo(200);
        assertThat(channel.isOpen()).isFalse();
        conn.close();
        assertThat(watchdog.size()).isZero();
    }

    @Test
    void aPeerThatStopsMidFrameIsCutOffInTheFramePhase() {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[] {0, 0});
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.readFully(dst));
            assertThat(e).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.FRAME);
            assertThat(dst.position()).isEqualTo(2);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void aPeerThatNeverReadsIsCutOffInTheWritePhase() {
        FakeChannels.Fake channel = FakeChannels.neverReads();
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.writeFully(ByteBuffer.allocate(10)));
            assertThat(e).isNotNull().hasMessage("write timeout after 200 ms");
            assertThat(e.phase()).isEqualTo(Phase.WRITE);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    /** One byte every 40 ms never lets a single read wait 200 ms, yet the whole frame takes far longer. */
    @Test
    void theFrameDeadlineCoversTheWholeFrameNotEachRead() {
        FakeChannels.Fake channel = FakeChannels.trickle(randomBytes(100), 40);
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(100);
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.readFully(dst));
            assertThat(e).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.FRAME);
            assertThat(dst.position()).isBetween(1, 99);
        }
    }

    /** Each phase restarts the clock: many slow-but-timely frames in a row are all served. */
    @Test
    void aPeerThatKeepsToEachDeadlineIsServedHoweverLongItTakesInAll() throws Exception {
        Duration timeout = Duration.ofMillis(800);
        try (Watchdog dog = new Watchdog(timeout, "test-watchdog-2")) {
            byte[] input = randomBytes(24); // 6 frames of 4 bytes at 40 ms a byte: about 1 s in all, 200 ms a phase
            FakeChannels.Fake channel = FakeChannels.trickle(input, 40);
            try (Connection conn = new Connection(channel, timeout, dog)) {
                for (int frame = 0; frame < 6; frame++) {
                    ByteBuffer dst = ByteBuffer.allocate(4);
                    assertThat(conn.readFully(dst)).isTrue();
                    conn.writeFully(dst.flip());
                }
                assertThat(channel.written()).isEqualTo(input);
            }
        }
    }

    @Test
    void stoppingEndsAnIdleWaitWithEndOfStreamNotATimeout() throws Exception {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[0]);
        Connection conn = new Connection(channel, Duration.ofSeconds(30), watchdog);
        Future<Boolean> read = background.submit(() -> conn.readFully(ByteBuffer.allocate(4)));
        assertThat(channel.blocked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(conn.closeSoonIfIdle(Duration.ofMillis(50))).isTrue();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(EOFException.class)
                .cause().isNotInstanceOf(DeadlineExceededException.class).hasMessage("closed locally");
        assertThat(conn.isClosedLocally()).isTrue();
        conn.close();
    }

    /** A frame that starts arriving within the stop's linger gets its full deadline and is read whole. */
    @Test
    void aFrameStartingWithinTheStopLingerIsServed() throws Exception {
        byte[] input = {0, 0, 0, 0};
        FakeChannels.Fake channel = FakeChannels.trickle(input, 40);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            assertThat(conn.closeSoonIfIdle(Duration.ofSeconds(5))).isTrue();
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertThat(conn.readFully(dst)).isTrue();
            assertThat(conn.phase()).isEqualTo(Phase.FRAME);
            conn.expireIfDue(System.nanoTime() + Duration.ofSeconds(6).toNanos()); // past the linger, not the timeout
            assertThat(channel.isOpen()).isTrue();
            conn.writeFully(dst.flip());
            assertThat(channel.written()).isEqualTo(input);
        }
    }

    @Test
    void aConnectionMidFrameIsNotClosedAsIdle() throws Exception {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[] {0});
        Connection conn = new Connection(channel, Duration.ofSeconds(30), watchdog);
        Future<Boolean> read = background.submit(() -> conn.readFully(ByteBuffer.allocate(4)));
        assertThat(channel.blocked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(conn.phase()).isEqualTo(Phase.FRAME);
        assertThat(conn.closeSoonIfIdle(Duration.ofMillis(1))).isFalse();
        // the watchdog looks a second later, well past the linger: a started frame keeps its full deadline
        conn.expireIfDue(System.nanoTime() + Duration.ofSeconds(1).toNanos());
        assertThat(channel.isOpen()).isTrue();
        conn.close();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void aConnectionAtRestHasNoDeadlineUntilItSendsAgain() throws Exception {
        FakeChannels.Fake channel = FakeChannels.oneByte(new byte[0]);
        Connection conn = new Connection(channel, Duration.ofMillis(50), watchdog);
        conn.rest();
        conn.expireIfDue(System.nanoTime() + Duration.ofHours(1).toNanos());
        assertThat(channel.isOpen()).as("nothing awaited, nothing expires").isTrue();
        conn.writeFully(ByteBuffer.wrap(new byte[] {1, 2}));
        conn.expireIfDue(System.nanoTime() + Duration.ofHours(1).toNanos());
        assertThat(channel.isOpen()).as("after a send it waits for the answer, with a deadline").isFalse();
        conn.close();
    }

    @Test
    void theWatchdogTracksOpenConnections() {
        Connection a = new Connection(FakeChannels.oneByte(new byte[0]), LONG, watchdog);
        Connection b = new Connection(FakeChannels.oneByte(new byte[0]), LONG, watchdog);
        assertThat(watchdog.size()).isEqualTo(2);
        a.close();
        b.close();
        assertThat(watchdog.size()).isZero();
    }
}
