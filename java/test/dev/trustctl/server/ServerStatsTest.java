package dev.trustctl.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.FrameTooLargeException;
import dev.trustctl.proto.Phase;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** server_stop's failure counters follow the error table's event, whatever Java raised. */
class ServerStatsTest {
    @Test
    void eachFailureIsCountedByItsRowsEvent() {
        ServerStats stats = new ServerStats();
        stats.failed(ErrorMap.classify(new DeadlineExceededException(Phase.IDLE, 5)));
        stats.failed(ErrorMap.classify(new IOException("Connection timed out"))); // the kernel's ETIMEDOUT
        stats.failed(ErrorMap.classify(new FrameTooLargeException(70000, 65536)));
        stats.failed(ErrorMap.classify(new SocketException("Connection reset")));
        stats.failed(ErrorMap.classify(new IllegalStateException("a bug")));
        assertThat(stats.timeouts.sum()).isEqualTo(2);
        assertThat(stats.framesRejected.sum()).isEqualTo(1);
        assertThat(stats.errors.sum()).isEqualTo(2);
    }
}
