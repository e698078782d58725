package dev.trustctl.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * End to end, on every engine: whatever frames a client sends, cut into whatever writes, and then half-closes,
 * it gets every echo back, then the end of the stream. One in-process server per engine serves all the tries.
 */
class HalfClosePropertyTest {
    private static final Map<Io, ServerFixture> SERVERS = new EnumMap<>(Io.class);

    @AfterContainer
    static void stopServers() {
        SERVERS.values().forEach(ServerFixture::close);
        SERVERS.clear();
    }

    private static ServerFixture server(Io io) {
        return SERVERS.computeIfAbsent(io, engine -> {
            try {
                return ServerFixture.start(engine, ServerSettings.DEFAULT_TIMEOUT, 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The engines this JVM runs: virtual only on Java 21+ (the JUnit classes report its skip, with the reason). */
    @Provide
    Arbitrary<Io> engines() {
        return Arbitraries.of(EngineAvailable.runnable());
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 200)),
                Tuple.of(1, Arbitraries.of(0, 1, 4096, 65535, 65536)))
                .list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Integer>> pieces() {
        return Arbitraries.integers().between(1, 70_000).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 60)
    void bytesSentBeforeAHalfCloseAreAllEchoed(@ForAll("engines") Io io, @ForAll("sizes") List<Integer> sizes,
            @ForAll("pieces") List<Integer> pieces) throws Exception {
        byte[] stream = frames(sizes);
        Socket s = server(io).connect();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                int at = 0;
                for (int i = 0; at < stream.length; i++) {
                    int n = Math.min(pieces.get(i % pieces.size()), stream.length - at);
                    out.write(stream, at, n);
                    at += n;
                }
                s.shutdownOutput(); // the half-close: the server must still send every echo it owes
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] echoed = s.getInputStream().readAllBytes(); // to the end of the stream: the server's FIN
        writer.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        s.close();
        assertThat(echoed).as("%d frames, %d bytes", sizes.size(), stream.length).isEqualTo(stream);
    }

    private static byte[] frames(List<Integer> sizes) {
        ByteBuffer all = ByteBuffer.allocate(sizes.stream().mapToInt(n -> 4 + n).sum());
        for (int n : sizes) {
            all.putInt(n).put(ServerFixture.payload(n, n));
        }
        return all.array();
    }
}
