package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.assertClosedWithNothingSent;
import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.ForwardingEvents;
import dev.trustctl.proto.FramedProtocol;
import dev.trustctl.proto.Protocol;
import dev.trustctl.proto.ProtocolEvents;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No engine dies quietly, on every engine: a handler that fails on one message (a real stack overflow from
 * unbounded recursion, an {@link AssertionError}, a {@link RuntimeException}) closes that connection only, its
 * failure and its {@code conn_close} reported, and the server serves the next client. The fatal kind is
 * {@link FatalErrorTest}'s.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}, handler throws {1}")
@MethodSource("cases")
@ExtendWith(EngineAvailable.class)
class HandlerFailureTest {
    /** What the handler throws on a message that starts with '!'. */
    enum Failure {
        STACK_OVERFLOW(() -> {
            throw new IllegalStateException("unreachable: depth " + depth(0));
        }),
        ASSERTION(() -> {
            throw new AssertionError("test: the handler's invariant broke");
        }),
        RUNTIME(() -> {
            throw new IllegalArgumentException("test: the handler has a bug");
        });

        final Supplier<List<ByteBuffer>> thrower;

        Failure(Supplier<List<ByteBuffer>> thrower) {
            this.thrower = thrower;
        }

        private static int depth(int n) {
            return depth(n + 1) + 1; // no bound: a real StackOverflowError, on whichever thread runs it
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(Io.values()).flatMap(io -> Stream.of(Failure.values()).map(f -> Arguments.of(io, f)));
    }

    private static final byte[] TRIGGER = "!fail".getBytes(StandardCharsets.US_ASCII);

    @Parameter(0)
    Io io;

    @Parameter(1)
    Failure failure;

    /** Each connection's close reason and failure, by connection id, as its events reported them. */
    private final Map<Long, String> closes = new ConcurrentHashMap<>();
    private final Map<Long, Throwable> failures = new ConcurrentHashMap<>();
    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The echo, but a message starting with '!' makes the handler throw what {@code thrower} throws. */
    Protocol.Factory failingOn(Supplier<? extends List<ByteBuffer>> thrower) {
        Protocol.Factory framing = FramedProtocol.factory(payload -> {
            if (payload.remaining() > 0 && payload.get(payload.position()) == '!') {
                return thrower.get();
            }
            return List.of(payload);
        });
        return context -> framing.open(new Protocol.Context(context.id(), context.peer(),
                recorded(context.id(), context.events()), context.timer(), context.stopping(), context.timeoutMillis()));
    }

    /** The connection's events, passed on, with its failure and close noted. */
    private ProtocolEvents recorded(long id, ProtocolEvents events) {
        return new ForwardingEvents(events) {
            @Override
            public String failed(Throwable error) {
                failures.put(id, error);
                return events.failed(error);
            }

            @Override
            public void closed(String reason) {
                events.closed(reason);
                closes.put(id, reason);
            }
        };
    }

    @Test
    void aHandlerThatThrowsClosesItsConnectionOnlyAndTheNextClientIsServed() throws Exception {
        fixture = ServerFixture.start(io, Duration.ofSeconds(30), 8, 1, failingOn(failure.thrower));
        Socket bystander = fixture.connect();
        echo(bystander, "before".getBytes(StandardCharsets.US_ASCII));

        Socket failing = fixture.connect();
        failing.getOutputStream().write(frame(TRIGGER));
        assertClosedWithNothingSent(failing);
        waitUntil("conn_close of the failed connection", Duration.ofSeconds(10), () -> closes.containsKey(2L));
        assertThat(closes.get(2L)).as("its close reason, from the error map").isEqualTo("internal_error");
        assertThat(failures.get(2L)).as("the failure logged through the error map")
                .isInstanceOf(failure == Failure.STACK_OVERFLOW ? StackOverflowError.class
                        : failure == Failure.ASSERTION ? AssertionError.class : IllegalArgumentException.class);

        echo(bystander, "after, same connection".getBytes(StandardCharsets.US_ASCII));
        echo(fixture.connect(), "a new client".getBytes(StandardCharsets.US_ASCII));
        assertThat(closes).as("only the failed connection closed").containsOnlyKeys(2L);
    }
}
