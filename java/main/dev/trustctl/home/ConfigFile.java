package dev.trustctl.home;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code config} file: {@code key=value} lines, {@code #} comments, UTF-8. Written atomically
 * (a temp file in the same directory, fsync, rename), so a crash leaves the old file or the new one, never half.
 */
public final class ConfigFile {
    static final String HEADER = "# trustctl config: KEY=VALUE per line; edit with 'trustctl config set KEY VALUE'\n";

    private ConfigFile() {
    }

    /** The entries of the file; an empty map when it does not exist. Malformed lines are an error naming the line. */
    public static Map<String, String> read(Path file) throws HomeException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (AccessDeniedException e) {
            throw new HomeException("cannot read config " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new HomeException("config " + file + " is not valid UTF-8 text");
        } catch (IOException e) {
            throw new HomeException("cannot read config " + file + ": " + e.getMessage());
        }
        Map<String, String> entries = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new HomeException("config " + file + " line " + (i + 1) + ": expected KEY=VALUE");
            }
            entries.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return entries;
    }

    /** Replaces the file with these entries, atomically. */
    public static void write(Path file, Map<String, String> entries) throws HomeException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            // A leftover of a writer that crashed with this same pid (pid 1 in a container, say) is stale.
            Files.deleteIfExists(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 Writer out = java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8)) {
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
            throw new HomeException("cannot write config " + file + ": " + e.getMessage());
        }
    }
}
