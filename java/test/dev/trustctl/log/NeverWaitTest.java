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
        Log.start(home.resolve("logs"), true, new LogSettings(LogSettings.DEFAULT_MAX_FILE_BYTES, 3, 0, 0, 0),
                System.err);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Object stallsTheWriter = new Object() {
            @Override
            public String toString() {
                stalled.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS); // the disk that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "slow";
            }
        };
        LOG.atInfo().setMessage("slow_disk").addKeyValue("field", stallsTheWriter).log();
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
    }
}
