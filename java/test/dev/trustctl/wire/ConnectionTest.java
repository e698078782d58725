package dev.trustctl.wire;

import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * recvExact / read / sendExact move every byte whatever the channel hands over per call; recvExact says how
 * many came when the peer closed first. The connection's phase is only ever the one its owner started
 * ({@link Connection#startPhase}): a stalled peer is cut off by the watchdog with that phase (IDLE, FRAME or WRITE).
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

    /** Long past any deadline a test sets with {@link #LONG}, as the watchdog would see it then. */
    private static long anHourFromNow() {
        return System.nanoTime() + Duration.ofHours(1).toNanos();
    }

    @Test
    void recvExactGathersEveryByteInOrderFromOneByteReads() throws Exception {
        byte[] input = randomBytes(1000);
        FakeChannels.Fake channel = FakeChannels.oneByte(input);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(1000);
            assertThat(conn.recvExact(dst)).isEqualTo(1000);
            assertThat(dst.array()).isEqualTo(input);
            assertThat(channel.reads.get()).isEqualTo(1000);
        }
    }

    @Test
    void recvExactStopsAtTheBufferLimitSoTheRestStaysForTheNextRead() throws Exception {
        byte[] input = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0};
        try (Connection conn = new Connection(FakeChannels.oneByte(input), LONG, watchdog)) {
            ByteBuffer header = ByteBuffer.allocate(4);
            assertThat(conn.recvExact(header)).isEqualTo(4);
            assertThat(header.getInt(0)).isEqualTo(3);
            ByteBuffer payload = ByteBuffer.allocate(3);
            assertThat(conn.recvExact(payload)).isEqualTo(3);
            assertThat(payload.array()).containsExactly('a', 'b', 'c');
            ByteBuffer next = ByteBuffer.allocate(4);
            assertThat(conn.recvExact(next)).as("the peer closed after 2 of the 4 bytes").isEqualTo(2);
            assertThat(next.position()).isEqualTo(2);
        }
    }

    @Test
    void endOfStreamBeforeTheFirstByteIsMinusOne() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[0]), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertThat(conn.recvExact(dst)).isEqualTo(-1);
            assertThat(dst.position()).isZero();
        }
    }

    @Test
    void endOfStreamMidwayReturnsTheBytesThatCameWithNoException() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {0, 0, 1}), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertThat(conn.recvExact(dst)).isEqualTo(3);
            assertThat(dst.position()).isEqualTo(3);
            assertThat(dst.array()).startsWith(0, 0, 1);
            assertThat(conn.recvExact(ByteBuffer.allocate(4))).as("and nothing after the close").isEqualTo(-1);
        }
    }

    @Test
    void theCountIsOnlyOfTheBytesThisCallRead() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {7}), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            dst.put((byte) 0);
            assertThat(conn.recvExact(dst)).as("1 of the 3 asked for, not the byte already held").isEqualTo(1);
            assertThat(dst.position()).isEqualTo(2);
            assertThat(dst.get(1)).isEqualTo((byte) 7);
        }
    }

    @Test
    void aReadReturnsWhatCameAndMinusOneAtTheEnd() throws Exception {
        try (Connection conn = new Connection(FakeChannels.oneByte(new byte[] {42}), LONG, watchdog)) {
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertThat(conn.read(dst)).isEqualTo(1);
            assertThat(dst.get(0)).isEqualTo((byte) 42);
            assertThat(conn.read(dst)).isEqualTo(-1);
        }
    }

    @Test
    void sendExactPushesEveryByteInOrderThroughOneByteWrites() throws Exception {
        byte[] output = randomBytes(1000);
        FakeChannels.Fake channel = FakeChannels.oneByte(new byte[0]);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            ByteBuffer src = ByteBuffer.wrap(output);
            conn.sendExact(src);
            assertThat(src.hasRemaining()).isFalse();
            assertThat(channel.written()).isEqualTo(output);
            assertThat(channel.writes.get()).isEqualTo(1000);
        }
    }

    /**
     * The first byte after an idle wait starts the FRAME phase (the rest of the message within one timeout, however
     * slowly it trickles); a write starts no WRITE phase and ends in no IDLE one. A peer that then stalls is cut off
     * in the phase last started.
     */
    @Test
    void aMessagesFirstByteStartsItsFrameDeadlineAndWritesLeaveThePhaseAlone() throws Exception {
        byte[] input = {0, 0, 0, 1, 'x'};
        FakeChannels.Fake read = FakeChannels.stallAfter(input);
        try (Connection conn = new Connection(read, LONG, watchdog)) {
            assertThat(conn.recvExact(ByteBuffer.allocate(5))).isEqualTo(5);
            assertThat(stalledIn(conn, read)).as("a message began: its FRAME deadline runs").isEqualTo(Phase.FRAME);
        }

        FakeChannels.Fake echoed = FakeChannels.stallAfter(input);
        try (Connection conn = new Connection(echoed, LONG, watchdog)) {
            conn.startPhase(Phase.FRAME);
            ByteBuffer frame = ByteBuffer.allocate(5);
            assertThat(conn.recvExact(frame)).isEqualTo(5);
            conn.sendExact(frame.flip());
            assertThat(echoed.written()).isEqualTo(input);
            assertThat(stalledIn(conn, echoed)).as("the write moved nothing").isEqualTo(Phase.FRAME);
        }
    }

    /** The phase a recvExact that stalls on {@code channel} is cut off in, once its deadline is long past. */
    private Phase stalledIn(Connection conn, FakeChannels.Fake channel) throws Exception {
        Future<Integer> read = background.submit(() -> conn.recvExact(ByteBuffer.allocate(4)));
        assertThat(channel.blocked.await(5, TimeUnit.SECONDS)).isTrue();
        conn.expireIfDue(anHourFromNow());
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> read.get(5, TimeUnit.SECONDS));
        assertThat(e).isNotNull();
        assertThat(e.getCause()).isInstanceOf(DeadlineExceededException.class);
        return ((DeadlineExceededException) e.getCause()).phase();
    }

    @Test
    void aPeerThatSendsNothingIsCutOffInTheIdlePhase() {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[0]);
        Connection conn = new Connection(channel, SHORT, watchdog);
        DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                () -> conn.recvExact(ByteBuffer.allocate(4)));
        assertThat(e).isNotNull().hasMessage("idle timeout after 200 ms");
        assertThat(e.phase()).isEqualTo(Phase.IDLE);
        assertThat(e.fields()).contains(Map.entry("timeout_ms", 200L));
        assertThat(channel.isOpen()).isFalse();
        conn.close();
        assertThat(watchdog.size()).isZero();
    }

    @Test
    void aPeerThatStopsMidFrameIsCutOffInTheFramePhaseTheOwnerStarted() {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[] {0, 0});
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            conn.startPhase(Phase.FRAME);
            ByteBuffer dst = ByteBuffer.allocate(4);
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.recvExact(dst));
            assertThat(e).isNotNull().hasMessage("frame timeout after 200 ms");
            assertThat(e.phase()).isEqualTo(Phase.FRAME);
            assertThat(dst.position()).isEqualTo(2);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void aPeerThatNeverReadsIsCutOffInTheWritePhaseTheOwnerStarted() {
        FakeChannels.Fake channel = FakeChannels.neverReads();
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            conn.startPhase(Phase.WRITE);
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.sendExact(ByteBuffer.allocate(10)));
            assertThat(e).isNotNull().hasMessage("write timeout after 200 ms");
            assertThat(e.phase()).isEqualTo(Phase.WRITE);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    /** sendExact starts no phase of its own: a write nobody started a phase for runs on the current deadline. */
    @Test
    void aStalledWriteWithNoPhaseStartedIsCutOffInTheCurrentOne() {
        FakeChannels.Fake channel = FakeChannels.neverReads();
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.sendExact(ByteBuffer.allocate(10)));
            assertThat(e).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.IDLE);
        }
    }

    /** One byte every 40 ms never lets a single read wait 200 ms, yet the whole frame takes far longer. */
    @Test
    void theFrameDeadlineCoversTheWholeFrameNotEachRead() {
        FakeChannels.Fake channel = FakeChannels.trickle(randomBytes(100), 40);
        try (Connection conn = new Connection(channel, SHORT, watchdog)) {
            conn.startPhase(Phase.FRAME);
            ByteBuffer dst = ByteBuffer.allocate(100);
            DeadlineExceededException e = catchThrowableOfType(DeadlineExceededException.class,
                    () -> conn.recvExact(dst));
            assertThat(e).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.FRAME);
            assertThat(dst.position()).isBetween(1, 99);
        }
    }

    /** Each phase the owner starts restarts the clock: many slow-but-timely frames in a row are all served. */
    @Test
    void aPeerThatKeepsToEachDeadlineIsServedHoweverLongItTakesInAll() throws Exception {
        Duration timeout = Duration.ofMillis(800);
        try (Watchdog dog = new Watchdog(timeout, "test-watchdog-2")) {
            byte[] input = randomBytes(24); // 6 frames of 4 bytes at 40 ms a byte: about 1 s in all, 200 ms a phase
            FakeChannels.Fake channel = FakeChannels.trickle(input, 40);
            try (Connection conn = new Connection(channel, timeout, dog)) {
                for (int frame = 0; frame < 6; frame++) {
                    conn.startPhase(Phase.FRAME);
                    ByteBuffer dst = ByteBuffer.allocate(4);
                    assertThat(conn.recvExact(dst)).isEqualTo(4);
                    conn.startPhase(Phase.WRITE);
                    conn.sendExact(dst.flip());
                }
                assertThat(channel.written()).isEqualTo(input);
            }
        }
    }

    @Test
    void stoppingEndsAnIdleWaitWithEndOfStreamNotATimeout() throws Exception {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[0]);
        Connection conn = new Connection(channel, LONG, watchdog);
        Future<Integer> read = background.submit(() -> conn.recvExact(ByteBuffer.allocate(4)));
        assertThat(channel.blocked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(conn.closeSoonIfIdle(Duration.ofMillis(50))).isTrue();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(EOFException.class)
                .cause().isNotInstanceOf(DeadlineExceededException.class).hasMessage("closed locally");
        assertThat(conn.isClosedLocally()).isTrue();
        conn.close();
    }

    /**
     * A frame that starts arriving within the stop's linger gets its full deadline once its owner starts the
     * FRAME phase (as the protocol does at a message's first byte), and is read whole and answered.
     */
    @Test
    void aFrameStartingWithinTheStopLingerIsServed() throws Exception {
        byte[] input = {0, 0, 0, 0};
        FakeChannels.Fake channel = FakeChannels.trickle(input, 40);
        try (Connection conn = new Connection(channel, LONG, watchdog)) {
            assertThat(conn.closeSoonIfIdle(Duration.ofSeconds(5))).isTrue();
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertThat(conn.read(dst)).isEqualTo(1);
            conn.startPhase(Phase.FRAME);
            assertThat(conn.recvExact(dst)).isEqualTo(3);
            conn.expireIfDue(System.nanoTime() + Duration.ofSeconds(6).toNanos()); // past the linger, not the timeout
            assertThat(channel.isOpen()).isTrue();
            conn.startPhase(Phase.WRITE);
            conn.sendExact(dst.flip());
            assertThat(channel.written()).isEqualTo(input);
        }
    }

    @Test
    void aConnectionMidFrameIsNotClosedAsIdle() throws Exception {
        FakeChannels.Fake channel = FakeChannels.stallAfter(new byte[] {0});
        Connection conn = new Connection(channel, LONG, watchdog);
        Future<Integer> read = background.submit(() -> {
            ByteBuffer dst = ByteBuffer.allocate(4);
            conn.read(dst);
            conn.startPhase(Phase.FRAME); // a message has begun, as the protocol says at its first byte
            return conn.recvExact(dst);
        });
        assertThat(channel.blocked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(conn.closeSoonIfIdle(Duration.ofMillis(1))).isFalse();
        // the watchdog looks a second later, well past the linger: a started frame keeps its full deadline
        conn.expireIfDue(System.nanoTime() + Duration.ofSeconds(1).toNanos());
        assertThat(channel.isOpen()).isTrue();
        conn.close();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(EOFException.class);
    }

    /** At rest nothing is awaited, whatever is sent, until the owner starts a phase (the client: WRITE, to send). */
    @Test
    void aConnectionAtRestHasNoDeadlineUntilAPhaseStarts() throws Exception {
        FakeChannels.Fake channel = FakeChannels.oneByte(new byte[0]);
        Connection conn = new Connection(channel, Duration.ofMillis(50), watchdog);
        conn.rest();
        conn.expireIfDue(anHourFromNow());
        assertThat(channel.isOpen()).as("nothing awaited, nothing expires").isTrue();
        conn.sendExact(ByteBuffer.wrap(new byte[] {1, 2}));
        conn.expireIfDue(anHourFromNow());
        assertThat(channel.isOpen()).as("a send alone starts no deadline").isTrue();
        conn.startPhase(Phase.WRITE);
        conn.expireIfDue(anHourFromNow());
        assertThat(channel.isOpen()).as("a phase started: its deadline runs").isFalse();
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
