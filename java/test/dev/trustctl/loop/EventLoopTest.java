package dev.trustctl.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustctl.server.Admission;
import dev.trustctl.server.HeldBytes;
import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.RecordingEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An event loop's own survival: what happens after it ends, and after passes that keep failing. */
@Timeout(30)
class EventLoopTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EventLoop loop() throws IOException {
        return new EventLoop("test-loop", TIMEOUT, Duration.ofSeconds(1), EchoHandler.protocol(), (thread, e) -> { });
    }

    @Test
    void aClientRegisteredOnALoopThatHasEndedIsClosedAndItsSlotGivenBackNotLeaked() throws Exception {
        EventLoop loop = loop();
        loop.thread.start();
        loop.shutdown(Duration.ofSeconds(5));
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel peer = SocketChannel.open(listener.getLocalAddress())) {
            SocketChannel accepted = listener.accept();
            RecordingEvents events = new RecordingEvents();
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(() -> loop.register(new Admission.Admitted(accepted, 1, "test", events, done::countDown,
                    new HeldBytes(1 << 20))));
            assertThat(done.await(5, TimeUnit.SECONDS)).as("the slot is given back").isTrue();
            assertThat(accepted.isOpen()).as("the fd is closed").isFalse();
            assertThat(events.seen).containsExactly("open", "failed IOException", "closed IOException");
            assertThat(peer.read(ByteBuffer.allocate(1))).as("the peer sees the close").isEqualTo(-1);
        }
    }

    @Test
    void passesThatKeepFailingAreSpacedOutRatherThanRetriedAtOnce() throws Exception {
        EventLoop loop = loop();
        loop.thread.start();
        AtomicBoolean failing = new AtomicBoolean(true);
        Runnable failingTask = new Runnable() {
            @Override
            public void run() {
                if (failing.get()) {
                    loop.execute(this); // fails again in the next pass
                    throw new IllegalStateException("a pass that always fails");
                }
            }
        };
        loop.execute(failingTask);
        // Wait on the back-off itself (volatile, set once computed), not on the count bumped before it: 1, 2, 4,
        // 8, 16 ms... it reaches 16 at the 5th failed pass if it doubles; a pause that does not grow never does.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long backoff;
        while ((backoff = loop.passBackoffMillis) < 16 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        long failed = loop.failedPasses; // read after: the loop counts a failed pass before its back-off
        failing.set(false);
        loop.shutdown(Duration.ofSeconds(5));
        assertThat(backoff).as("the pause after failed passes in a row doubles to 16 ms within 20 s")
                .isGreaterThanOrEqualTo(16).isLessThanOrEqualTo(EventLoop.MAX_PASS_BACKOFF_MS);
        assertThat(failed).as("a 16 ms pause comes after at least 5 failed passes").isGreaterThanOrEqualTo(5);
    }

    @Test
    void anEngineThatCannotRegisterItsListenerSaysSoInsteadOfNeverAccepting() throws Exception {
        LoopEngine engine = new LoopEngine(TIMEOUT, Duration.ofSeconds(1), 1, EchoHandler.protocol(),
                (thread, e) -> { });
        engine.shutdown(); // its loop has ended: its selector is closed, so no listener can be registered
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertThatThrownBy(() -> engine.start(listener, null)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen");
        }
    }
}
