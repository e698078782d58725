package dev.trustctl.home;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
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
        ByteBuffer bytes = ByteBuffer.allocate(MAX_BYTES + 1);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new HomeException("config " + file + " is not a regular file");
            }
            if (attributes.size() > MAX_BYTES) {
                throw new HomeException("config " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            // The file may have been swapped or grown since: the read stops one byte past the limit regardless.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                    // reads until the end or one byte past the limit
                }
            }
        } catch (NoSuchFileException e) {
            return "";
        } catch (HomeException e) {
            throw e;
        } catch (AccessDeniedException e) {
            throw new HomeException("cannot read config " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new HomeException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        if (bytes.position() > MAX_BYTES) {
            throw new HomeException("config " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new HomeException("config " + file + " is not valid UTF-8 text");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Replaces the file with these entries, atomically. */
    public static void write(Path file, Map<String, String> entries) throws HomeException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            // A leftover of a writer that crashed with this same pid (pid 1 in a container, say) is stale.
            Files.deleteIfExists(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                out.write(HEADER);
                for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
                    out.write(e.getKey() + "=" + e.getValue() + "\n");
                }
                out.flush();
                channel.force(true);
            }
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
