package dev.trustctl.home;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code config} file: {@code key=value} lines, {@code #} comments, UTF-8, a regular file of at most 64 KiB.
 * Written atomically (a temp file in the same directory, fsync, rename), so a crash leaves the old file or the new
 * one, never half.
 */
public final class ConfigFile {
    /** The largest config read; a real one is a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    static final String HEADER = "# trustctl config: KEY=VALUE per line; edit with 'trustctl config set KEY VALUE'\n";

    private ConfigFile() {
    }

    /**
     * The entries of the file; an empty map when it does not exist. Only a regular file of at most
     * {@link #MAX_BYTES} is read (a FIFO would block, {@code /dev/zero} never ends); a UTF-8 byte order mark is
     * skipped. A malformed line or a key given twice is an error naming the line.
     */
    public static Map<String, String> read(Path file) throws HomeException {
        Map<String, String> entries = new TreeMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<String> lines = text(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new HomeException("config " + file + " line " + (i + 1) + ": expected KEY=VALUE");
            }
            String key = line.substring(0, eq).strip();
            Integer first = firstLine.putIfAbsent(key, i + 1);
            if (first != null) {
                throw new HomeException("config " + file + " line " + (i + 1) + ": duplicate key '" + key
                        + "' (first set on line " + first + ")");
            }
            entries.put(key, line.substring(eq + 1).strip());
        }
        return entries;
    }

    /** The file's text, checked to be a small regular file of UTF-8 before a byte is read; "" when missing. */
    private static String text(Path file) throws HomeException {
        byte[] bytes;
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
                throw new HomeException("config " + file + " is not a regular file");
            }
            // Even a file swapped or grown since is read no further than one byte past the limit.
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw e instanceof HomeException known ? known
                    : new HomeException("cannot read config " + file + ": " + HomeException.reason(e), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new HomeException("config " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        try { // a new decoder reports malformed input rather than replacing it
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new HomeException("config " + file + " is not valid UTF-8 text");
        }
    }

    /** Replaces the file with these entries, atomically: a private temp file, written through (O_SYNC), renamed. */
    public static void write(Path file, Map<String, String> entries) throws HomeException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        StringBuilder text = new StringBuilder(HEADER);
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            text.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        try {
            // A leftover of a writer that crashed with this same pid (pid 1 in a container, say) is stale.
            Files.deleteIfExists(tmp);
            Files.setPosixFilePermissions(Files.createFile(tmp), StrictModes.PRIVATE_FILE); // before a byte is in it
            Files.write(tmp, text.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; that is the error worth reporting
            }
            throw new HomeException("cannot write config " + file + ": " + e.getMessage(), e);
        }
    }
}
