package dev.trustctl.echo.loop;

import dev.trustctl.echo.ConnectionEvents;
import dev.trustctl.echo.Engine;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;

/**
 * The week-3 engine ({@code --io loop}, the default): {@code loops} {@link EventLoop} threads, each serving
 * many non-blocking connections with one Selector. An accepted client goes to the loops in turn and stays on
 * its loop for life. No thread and no buffer per idle client: thousands cost a few hundred bytes each.
 */
public final class LoopEngine implements Engine {
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

    private final EventLoop[] loops;
    private long next;

    public LoopEngine(Duration timeout, int loopCount) throws IOException {
        loops = new EventLoop[loopCount];
        try {
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new EventLoop("echo-loop-" + (i + 1), timeout);
            }
        } catch (IOException | RuntimeException e) {
            shutdown();
            throw e;
        }
        for (EventLoop loop : loops) {
            loop.start();
        }
    }

    @Override
    public void adopt(SocketChannel client, ConnectionEvents events, Runnable done) {
        EventLoop loop = loops[(int) (next++ % loops.length)];
        loop.execute(() -> loop.register(client, events, done));
    }

    @Override
    public int closeIdleSoon(Duration linger) {
        return sum(loop -> loop.closeIdleSoon(linger));
    }

    @Override
    public int closeAll() {
        return sum(EventLoop::closeAll);
    }

    @Override
    public long failedPasses() {
        long failed = 0;
        for (EventLoop loop : loops) {
            failed += loop.failedPasses();
        }
        return failed;
    }

    @Override
    public void shutdown() {
        for (EventLoop loop : loops) {
            if (loop != null) {
                loop.shutdown(ANSWER_BOUND);
            }
        }
    }

    /** Asks every loop at once (each answers on its own thread) and adds up the answers. */
    private int sum(ToIntFunction<EventLoop> question) {
        List<CompletableFuture<Integer>> answers = new ArrayList<>(loops.length);
        for (EventLoop loop : loops) {
            answers.add(loop.ask(() -> question.applyAsInt(loop)));
        }
        int total = 0;
        for (CompletableFuture<Integer> answer : answers) {
            try {
                total += Math.max(0, answer.get(ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // a loop that cannot answer is ended by shutdown(); its count is unknown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return total;
    }
}
