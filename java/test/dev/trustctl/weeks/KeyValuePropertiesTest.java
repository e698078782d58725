package dev.trustctl.weeks;

import static dev.trustctl.weeks.KeyValueHandler.DELETE;
import static dev.trustctl.weeks.KeyValueHandler.GET;
import static dev.trustctl.weeks.KeyValueHandler.MALFORMED;
import static dev.trustctl.weeks.KeyValueHandler.MISSING;
import static dev.trustctl.weeks.KeyValueHandler.OK;
import static dev.trustctl.weeks.KeyValueHandler.PUT;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Week 9's store, driven through the framing ({@code FramedProtocol}) with no socket: any sequence of gets, puts,
 * deletes and malformed requests gets the replies a plain {@link Map} says it should, whether the requests come in
 * one read or cut anywhere, and whichever connection sends them (every connection shares the one store).
 */
class KeyValuePropertiesTest {
    /** One request: its payload, and the reply it should get from a store that is {@code model} now. */
    record Request(String kind, byte[] payload, String key, byte[] value) {
        byte[] expectedReply(Map<String, byte[]> model) {
            byte[] old = switch (kind) {
                case "get" -> model.get(key);
                case "put" -> model.put(key, value);
                case "delete" -> model.remove(key);
                default -> null;
            };
            if (kind.equals("get") && old != null) {
                return ByteBuffer.allocate(1 + old.length).put(OK).put(old).array();
            }
            return new byte[] {kind.equals("put") || kind.equals("delete") && old != null ? OK : MISSING};
        }

        @Override
        public String toString() {
            return kind + " " + key + " (" + payload.length + " bytes)";
        }
    }

    @Provide
    Arbitrary<List<Request>> requests() {
        Arbitrary<String> key = Arbitraries.strings().withChars("ab\u00e9").ofMaxLength(2); // few keys: they collide
        Arbitrary<byte[]> value = Combinators.combine(Arbitraries.frequencyOf(
                        Tuple.of(8, Arbitraries.integers().between(0, 40)),
                        Tuple.of(1, Arbitraries.integers().between(0, 65536 - 5))),
                Arbitraries.integers()).as(KeyValuePropertiesTest::bytes);
        Arbitrary<Request> get = key.map(k -> request("get", GET, k, new byte[0]));
        Arbitrary<Request> put = Combinators.combine(key, value).as((k, v) -> request("put", PUT, k, v));
        Arbitrary<Request> delete = key.map(k -> request("delete", DELETE, k, new byte[0]));
        return Arbitraries.frequencyOf(
                Tuple.of(3, get), Tuple.of(3, put), Tuple.of(2, delete), Tuple.of(1, malformed())).list().ofMaxSize(40);
    }

    /** Requests the handler must refuse with an error reply: too short, an unknown op, a cut key, bytes after one. */
    private Arbitrary<Request> malformed() {
        Arbitrary<byte[]> tooShort = Arbitraries.bytes().array(byte[].class).ofMaxSize(2);
        Arbitrary<byte[]> unknownOp = Arbitraries.bytes().filter(op -> op != GET && op != PUT && op != DELETE)
                .map(op -> KeyValueHandler.request(op, "a".getBytes(ISO_8859_1), new byte[0]));
        Arbitrary<byte[]> keyCutShort = Arbitraries.integers().between(1, 5)
                .map(n -> ByteBuffer.allocate(3 + n - 1).put(GET).putShort(n.shortValue()).array());
        Arbitrary<byte[]> afterTheKey = Arbitraries.of(GET, DELETE)
                .map(op -> KeyValueHandler.request(op, "a".getBytes(ISO_8859_1), new byte[] {1}));
        return Arbitraries.oneOf(tooShort, unknownOp, keyCutShort, afterTheKey)
                .map(p -> new Request("malformed", p, null, null));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().list().ofMaxSize(30);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE) // a list of requests has more edge cases than tries
    void anySequenceIsAnsweredAsAMapWouldHoweverTheReadsCutIt(@ForAll("requests") List<Request> requests,
            @ForAll("cuts") List<Integer> cuts) {
        ConcurrentHashMap<String, byte[]> store = new ConcurrentHashMap<>();
        InMemoryConnection conn = new InMemoryConnection(KeyValueHandler.protocol(store));

        conn.read(InMemoryConnection.split(frames(requests), cuts)); // all pipelined: no reply is read in between

        Map<String, byte[]> model = new HashMap<>();
        List<byte[]> replies = InMemoryConnection.payloads(conn.written());
        assertThat(replies).hasSameSizeAs(requests);
        for (int i = 0; i < requests.size(); i++) {
            assertReply(requests.get(i), replies.get(i), model);
        }
        assertSameContents(store, model);
        assertThat(conn.isOpen()).as("a malformed request is answered, not a reason to close").isTrue();
        assertThat(conn.events).allMatch(e -> e.startsWith("kv_request ")).hasSameSizeAs(requests);
    }

    /** Each request whole, on one of two connections: what one puts, the other gets, deletes, overwrites. */
    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE) // a list of requests has more edge cases than tries
    void connectionsShareOneStore(@ForAll("requests") List<Request> requests,
            @ForAll("senders") List<Integer> senders) {
        ConcurrentHashMap<String, byte[]> store = new ConcurrentHashMap<>();
        List<InMemoryConnection> conns = List.of(new InMemoryConnection(KeyValueHandler.protocol(store)),
                new InMemoryConnection(KeyValueHandler.protocol(store)));
        Map<String, byte[]> model = new HashMap<>();
        int[] answered = new int[2];
        for (int i = 0; i < requests.size(); i++) {
            int c = senders.get(i % senders.size());
            conns.get(c).read(frames(List.of(requests.get(i))));
            List<byte[]> replies = InMemoryConnection.payloads(conns.get(c).written());
            assertThat(replies).as("replies on connection %d", c).hasSize(++answered[c]);
            assertReply(requests.get(i), replies.get(replies.size() - 1), model);
        }
        assertSameContents(store, model);
    }

    @Provide
    Arbitrary<List<Integer>> senders() {
        return Arbitraries.integers().between(0, 1).list().ofMinSize(1).ofMaxSize(10);
    }

    /** The format, spelled out: a put and a get of one read, then a get of a key that is not there. */
    @Example
    void aPutThenGetsInOneRead() {
        InMemoryConnection conn = new InMemoryConnection(KeyValueHandler.protocol(new ConcurrentHashMap<>()));
        conn.read(new byte[] {
            0, 0, 0, 8, 'P', 0, 2, 'h', 'i', 'y', 'o', '!',   // put "hi" = "yo!"
            0, 0, 0, 5, 'G', 0, 2, 'h', 'i',                  // get "hi"
            0, 0, 0, 5, 'G', 0, 2, 'n', 'o'});                // get "no"
        assertThat(conn.written()).isEqualTo(new byte[] {
            0, 0, 0, 1, '+',
            0, 0, 0, 4, '+', 'y', 'o', '!',
            0, 0, 0, 1, '-'});
        assertThat(conn.events).containsExactly("kv_request 8->1", "kv_request 5->4", "kv_request 5->1");
    }

    /** The reply to a malformed request says why, in words; the next request is served as usual. */
    @Example
    void aMalformedRequestGetsAnErrorReplyThatSaysWhy() {
        InMemoryConnection conn = new InMemoryConnection(KeyValueHandler.protocol(new ConcurrentHashMap<>()));
        conn.read(new byte[] {0, 0, 0, 3, 'X', 0, 0, 0, 0, 0, 3, 'G', 0, 0});
        List<byte[]> replies = InMemoryConnection.payloads(conn.written());
        assertThat(new String(replies.get(0), ISO_8859_1)).isEqualTo("!unknown op 88");
        assertThat(replies.get(1)).containsExactly(MISSING);
        assertThat(conn.isOpen()).isTrue();
    }

    private static void assertReply(Request request, byte[] reply, Map<String, byte[]> model) {
        if (request.kind().equals("malformed")) {
            assertThat(reply.length).as("an error reply says why").isGreaterThan(1);
            assertThat(reply[0]).as("reply to %s", request).isEqualTo(MALFORMED);
        } else {
            assertThat(reply).as("reply to %s", request).isEqualTo(request.expectedReply(model));
        }
    }

    private static void assertSameContents(Map<String, byte[]> store, Map<String, byte[]> model) {
        assertThat(store.keySet()).isEqualTo(model.keySet());
        model.forEach((k, v) -> assertThat(store.get(k)).as("value of %s", k).isEqualTo(v));
    }

    private static Request request(String kind, byte op, String key, byte[] value) {
        return new Request(kind, KeyValueHandler.request(op, key.getBytes(ISO_8859_1), value), key, value);
    }

    private static byte[] frames(List<Request> requests) {
        ByteBuffer all = ByteBuffer.allocate(requests.stream().mapToInt(r -> 4 + r.payload().length).sum());
        requests.forEach(r -> all.putInt(r.payload().length).put(r.payload()));
        return all.array();
    }

    private static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) seed);
        for (int i = 0; i < size; i += 97) {
            b[i] = (byte) (i + seed);
        }
        return b;
    }
}
