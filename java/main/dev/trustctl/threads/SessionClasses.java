package dev.trustctl.threads;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.proto.FrameTooLargeException;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.TruncatedFrameException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * Initialises, before the first client, the classes that many sessions may first need at the same moment: the
 * failures (one watchdog pass times out every client that went idle together) and the nodes of a contended
 * lock (the log queue's, the first time two sessions log at once). A virtual thread that waits for another
 * thread to finish initialising a class pins its carrier, even on JDK 25; {@code make bench-pinning} caught
 * both ({@link DeadlineExceededException}, {@code AbstractQueuedSynchronizer$ExclusiveNode}).
 */
final class SessionClasses {
    /** java.base's lock queue nodes: package-private, so named; a JDK without them simply has other ones. */
    private static final List<String> LOCK_NODES = List.of("ExclusiveNode", "SharedNode", "ConditionNode");

    private SessionClasses() {
    }

    static void initialize() {
        List<IOException> failures = List.of(new DeadlineExceededException(Phase.IDLE, 1),
                new TruncatedFrameException(1, 2),
                new FrameTooLargeException(FrameCodec.MAX_PAYLOAD_BYTES + 1L, FrameCodec.MAX_PAYLOAD_BYTES),
                new EOFException(), new ClosedChannelException(), new AsynchronousCloseException());
        for (IOException e : failures) {
            ErrorMap.fields(ErrorMap.classify(e), e);
        }
        for (String node : LOCK_NODES) {
            try {
                Class.forName("java.util.concurrent.locks.AbstractQueuedSynchronizer$" + node, true, null);
            } catch (ClassNotFoundException e) {
                // not this JDK's name: nothing to initialise early
            }
        }
    }
}
