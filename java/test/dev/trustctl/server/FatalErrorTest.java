package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.FramedProtocol;
import dev.trustctl.proto.Protocol;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fatal error ends the server loudly, on every engine: a handler that throws {@link InternalError} (the JVM
 * can no longer be trusted: {@link dev.trustctl.errors.ErrorMap#endsTheServer}) kills the thread that ran it;
 * every connection is then closed and logged, {@code server_fatal} is logged and said on stderr, and the process
 * exits non-zero, instead of clients hanging on a dead loop while the process looks healthy.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class FatalErrorTest {
    @Parameter
    Io io;

    @TempDir
    Path home;

    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The echo, except that a message starting with '!' makes the handler throw InternalError. */
    static Protocol.Factory fatalOnBang() {
        return FramedProtocol.factory(payload -> {
            if (payload.remaining() > 0 && payload.get(payload.position()) == '!') {
                throw new InternalError("test: the JVM is broken");
            }
            return List.<ByteBuffer>of(payload);
        });
    }

    @Test
    void inProcessServeThrowsAndNoClientIsLeftHanging() throws Exception {
        fixture = ServerFixture.start(io, Duration.ofSeconds(30), 8, 1, fatalOnBang());
        Socket bystander = fixture.connect();
        echo(bystander, "before".getBytes(StandardCharsets.US_ASCII));
        fixture.connect().getOutputStream().write(frame("!".getBytes(StandardCharsets.US_ASCII)));

        IOException ended = fixture.serveEnded(Duration.ofSeconds(20));
        assertThat(ended).as("serve() threw: the server ended with an error").isNotNull();
        assertThat(ended.getCause()).isInstanceOf(InternalError.class);
        assertThat(bystander.getInputStream().read()).as("the other client is closed, not left hanging").isEqualTo(-1);
    }

    @Test
    void theProcessLogsServerFatalSaysItOnStderrAndExitsNonZero() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The launcher's class path, run from the checkout as make does (the console launcher's own is its jar).
        try (ServerProcess server = ServerProcess.start("exec '" + java + "' -cp 'build/classes/test:build/trustctl.jar:lib/*' "
                + FatalServerMain.class.getName() + " echo-server --port PORT --io " + io.label(), home)) {
            try (Socket client = new Socket(server.host, server.port)) {
                client.getOutputStream().write(frame("!".getBytes(StandardCharsets.US_ASCII)));
                assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).as("the server ended").isTrue();
            }
            assertThat(server.process.exitValue()).as("exit code").isEqualTo(1);
            assertThat(server.output()).as("said on stderr").contains("died").contains("InternalError");
            assertThat(server.logged(ServerProcess.event("server_fatal"))).as("server_fatal logged").isTrue();
            assertThat(server.logged(ServerProcess.event("conn_close"))).as("the failed connection's conn_close").isTrue();
            assertThat(server.logged(ServerProcess.event("server_stop"))).as("server_stop logged").isTrue();
        }
    }
}
