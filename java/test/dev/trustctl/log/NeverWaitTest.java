package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that must never wait (an event loop) is not held up by a log writer that cannot keep up: with the
 * queue full, its lines are dropped and counted, while an ordinary thread would wait for room.
 */
class NeverWaitTest {
    private static final Logger LOG = LoggerFactory.getLogger("never-wait-test");
    private static final int LINES = 20_000; // more than the queue holds

    @TempDir
    Path home;

    @AfterEach
    void stopLog() {
        Log.stop();
    }

    @Test
    @Timeout(30)
    void aNeverWaitingThreadDropsAndCountsWhatAFullQueueCannotTake() throws Exception {
        Log.start(home.resolve("logs"), true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LOG.atInfo().setMessage("slow_disk").addKeyValue("field", stallingField(stalled, release)).log();
        assertThat(stalled.await(10, TimeUnit.SECONDS)).as("the writer is stuck in its pass").isTrue();
        long dropped = Log.linesDropped();
        Thread loop = new NeverWaitingThread(() -> {
            for (int i = 0; i < LINES; i++) {
                LOG.atInfo().setMessage("frame_echo").addKeyValue("n", i).log();
            }
        }, "echo-loop-under-test");
        loop.start();
        loop.join(10_000);
        assertThat(loop.isAlive()).as("the loop thread finished while the writer was still stuck").isFalse();
        assertThat(Log.linesDropped() - dropped).as("lines the full queue could not take")
                .isPositive().isLessThanOrEqualTo(LINES);
        release.countDown();
        assertThat(Log.flush(10_000)).isTrue();
        long written = SharedFileTest.events(home.resolve("logs").resolve(Log.FILE_NAME)).stream()
                .filter("frame_echo"::equals).count();
        assertThat(written + Log.linesDropped() - dropped).as("each line written or counted").isEqualTo(LINES);
    }

    /** Any other thread waits for room instead: none of its lines is dropped, all are written once the disk answers. */
    @Test
    @Timeout(30)
    void anOrdinaryThreadWaitsForRoomAndLosesNothing() throws Exception {
        Log.start(home.resolve("logs"), true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0), System.err);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LOG.atInfo().setMessage("slow_disk").addKeyValue("field", stallingField(stalled, release)).log();
        assertThat(stalled.await(10, TimeUnit.SECONDS)).as("the writer is stuck in its pass").isTrue();
        long dropped = Log.linesDropped();
        Thread ordinary = new Thread(() -> {
            for (int i = 0; i < LINES; i++) {
                LOG.atInfo().setMessage("frame_echo").addKeyValue("n", i).log();
            }
        }, "ordinary-thread-under-test");
        ordinary.start();
        ordinary.join(1000);
        assertThat(ordinary.isAlive()).as("waiting for room while the writer is stuck").isTrue();
        release.countDown();
        ordinary.join(20_000);
        assertThat(ordinary.isAlive()).isFalse();
        assertThat(Log.flush(10_000)).isTrue();
        assertThat(Log.linesDropped()).isEqualTo(dropped);
        assertThat(SharedFileTest.events(home.resolve("logs").resolve(Log.FILE_NAME)))
                .filteredOn("frame_echo"::equals).hasSize(LINES);
    }

    /** A field whose text is had only once {@code release} is counted down: the disk that does not answer. */
    private static Object stallingField(CountDownLatch stalled, CountDownLatch release) {
        return new Object() {
            @Override
            public String toString() {
                stalled.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "slow";
            }
        };
    }
}
